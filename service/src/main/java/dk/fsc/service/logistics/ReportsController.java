package dk.fsc.service.logistics;

import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import java.util.List;

/**
 * Reports FSC bills and plans from, per organisation, as JSON or ({@code ?format=csv}) CSV:
 * devices by state, overdue loans, and tickets by SLA state.
 */
@Controller("/api/reports")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class ReportsController {
    private final ReportStore reports;

    ReportsController(ReportStore reports) {
        this.reports = reports;
    }

    @Get("/devices")
    HttpResponse<?> devices(@Nullable @QueryValue String format) {
        boolean csv = Csv.wanted(format);
        List<ReportStore.DeviceCount> rows = reports.devices();
        return csv ? Csv.file("devices-by-state.csv", List.of("organisation_id", "device_type", "state", "devices"), rows,
                r -> List.of(r.organisationId(), r.deviceType(), r.state(), r.devices())) : HttpResponse.ok(rows);
    }

    @Get("/loans-overdue")
    HttpResponse<?> overdueLoans(@Nullable @QueryValue String format) {
        boolean csv = Csv.wanted(format);
        List<ReportStore.OverdueLoan> rows = reports.overdueLoans();
        return csv ? Csv.file("loans-overdue.csv", List.of("organisation_id", "loan_id", "device_id", "device_type", "due_on", "days_overdue"),
                rows, r -> List.of(r.organisationId(), r.loanId(), r.deviceId(), r.deviceType(), r.dueOn(), r.daysOverdue()))
                : HttpResponse.ok(rows);
    }

    @Get("/tickets")
    HttpResponse<?> tickets(@Nullable @QueryValue String format) {
        boolean csv = Csv.wanted(format);
        List<ReportStore.TicketCount> rows = reports.tickets();
        return csv ? Csv.file("tickets-by-sla.csv", List.of("organisation_id", "open", "warned", "breached", "solved", "solved_in_time",
                "adverse_events_open"), rows, r -> List.of(r.organisationId(), r.open(), r.warned(), r.breached(), r.solved(),
                r.solvedInTime(), r.adverseEventsOpen())) : HttpResponse.ok(rows);
    }
}
