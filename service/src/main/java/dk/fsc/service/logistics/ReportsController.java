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
 * Reports FSC bills and plans from, per organisation, as JSON, CSV ({@code ?format=csv}) or CSV for a
 * Danish Excel ({@code ?format=excel}): devices by state, overdue loans, tickets by SLA state, and
 * SLA breaches per month.
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
        return answer(format, ReportTables.DEVICES, reports.devices());
    }

    @Get("/loans-overdue")
    HttpResponse<?> overdueLoans(@Nullable @QueryValue String format) {
        return answer(format, ReportTables.OVERDUE_LOANS, reports.overdueLoans());
    }

    @Get("/tickets")
    HttpResponse<?> tickets(@Nullable @QueryValue String format) {
        return answer(format, ReportTables.TICKETS, reports.tickets());
    }

    /** SLA breaches per month (the last twelve), organisation and clock. */
    @Get("/sla-breaches")
    HttpResponse<?> breaches(@Nullable @QueryValue String format) {
        return answer(format, ReportTables.BREACHES, reports.breachesPerMonth());
    }

    private static <T> HttpResponse<?> answer(@Nullable String format, ReportTables.Table<T> table, List<T> rows) {
        return Csv.wanted(format) ? Csv.file(Csv.dialect(format), table.file(), table.header(), rows, table.values()) : HttpResponse.ok(rows);
    }
}
