package dk.fsc.service.console.support;

import dk.fsc.service.console.Pages;
import dk.fsc.service.logistics.ReportStore;
import dk.fsc.service.logistics.ReportTables;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports FSC bills and plans from, as charts and tables on a page and as downloads: CSV for a Danish
 * Excel (semicolons, decimal commas, a byte-order mark) by default, or the API's plain CSV. The
 * same numbers and files as {@code /api/reports}; no citizen is named in them.
 */
@Controller(value = "/reports", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class ReportsPageController {
    private final Pages pages;
    private final ReportStore reports;

    ReportsPageController(Pages pages, ReportStore reports) {
        this.pages = pages;
        this.reports = reports;
    }

    @Get
    HttpResponse<String> show(HttpRequest<?> request) {
        Map<String, Object> model = new HashMap<>();
        List<ReportStore.DeviceCount> devices = reports.devices();
        List<ReportStore.TicketCount> tickets = reports.tickets();
        List<ReportStore.BreachMonth> breaches = reports.breachesPerMonth();
        model.put("devices", devices);
        model.put("overdue", reports.overdueLoans());
        model.put("tickets", tickets);
        model.put("breaches", breaches);
        model.put("deviceChart", ReportCharts.devices(devices));
        model.put("ticketChart", ReportCharts.tickets(tickets));
        model.put("breachChart", ReportCharts.breaches(breaches, pages.locale(request)));
        return pages.page(request, "support/reports", model);
    }

    /**
     * One report as a file.
     *
     * @param report devices, loans-overdue, tickets or sla-breaches
     * @param format excel (default: for a Danish Excel) or csv (RFC 4180, commas)
     */
    @Get(value = "/{report}/download", produces = "text/csv")
    HttpResponse<String> download(@PathVariable String report, @Nullable @QueryValue String format) {
        Csv.Dialect dialect = Csv.dialect(format == null ? "excel" : format);
        return switch (report) {
            case "devices" -> file(dialect, ReportTables.DEVICES, reports.devices());
            case "loans-overdue" -> file(dialect, ReportTables.OVERDUE_LOANS, reports.overdueLoans());
            case "tickets" -> file(dialect, ReportTables.TICKETS, reports.tickets());
            case "sla-breaches" -> file(dialect, ReportTables.BREACHES, reports.breachesPerMonth());
            default -> throw Refusal.notFound("No report " + report + ".");
        };
    }

    private static <T> HttpResponse<String> file(Csv.Dialect dialect, ReportTables.Table<T> table, List<T> rows) {
        return Csv.file(dialect, table.file(), table.header(), rows, table.values());
    }
}
