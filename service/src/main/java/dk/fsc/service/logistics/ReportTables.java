package dk.fsc.service.logistics;

import java.util.List;
import java.util.function.Function;

/**
 * The reports' CSV files, the same for the API ({@code /api/reports/...?format=csv|excel}) and the
 * console's downloads: file name, header and each row's values.
 */
public final class ReportTables {
    /** One report as a file: its name, its header, the values of a row. */
    public record Table<T>(String file, List<String> header, Function<T, List<?>> values) {
    }

    public static final Table<ReportStore.DeviceCount> DEVICES = new Table<>("devices-by-state.csv",
            List.of("organisation_id", "device_type", "state", "devices"),
            r -> List.of(r.organisationId(), r.deviceType(), r.state(), r.devices()));

    public static final Table<ReportStore.OverdueLoan> OVERDUE_LOANS = new Table<>("loans-overdue.csv",
            List.of("organisation_id", "loan_id", "device_id", "device_type", "due_on", "days_overdue"),
            r -> List.of(r.organisationId(), r.loanId(), r.deviceId(), r.deviceType(), r.dueOn(), r.daysOverdue()));

    public static final Table<ReportStore.TicketCount> TICKETS = new Table<>("tickets-by-sla.csv",
            List.of("organisation_id", "open", "warned", "breached", "solved", "solved_in_time", "adverse_events_open"),
            r -> List.of(r.organisationId(), r.open(), r.warned(), r.breached(), r.solved(), r.solvedInTime(), r.adverseEventsOpen()));

    public static final Table<ReportStore.BreachMonth> BREACHES = new Table<>("sla-breaches-per-month.csv",
            List.of("month", "organisation_id", "clock", "breaches"),
            r -> List.of(r.month(), r.organisationId(), r.clock(), r.breaches()));

    private ReportTables() {
    }
}
