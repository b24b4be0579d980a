package dk.fsc.service.logistics;

import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reports FSC bills and plans from, per organisation, as JSON or ({@code ?format=csv}) CSV:
 * devices by state, overdue loans, and tickets by SLA state.
 */
@Controller("/api/reports")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class ReportsController {
    private final DataSource dataSource;

    ReportsController(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Devices by the organisation that has them on loan ({@code stock} when none) and state. */
    @Serdeable
    record DeviceCount(String organisationId, String deviceType, String state, long devices) {
    }

    @Serdeable
    record OverdueLoan(String organisationId, String loanId, String deviceId, String deviceType, LocalDate dueOn, long daysOverdue) {
    }

    /** Tickets per organisation: open ones, those with an SLA warning or breach, solved in time, open adverse events. */
    @Serdeable
    record TicketCount(String organisationId, long open, long warned, long breached, long solved, long solvedInTime,
                       long adverseEventsOpen) {
    }

    @Get("/devices")
    @Transactional(readOnly = true)
    HttpResponse<?> devices(@Nullable @QueryValue String format) throws SQLException {
        boolean csv = Csv.wanted(format);
        List<DeviceCount> rows = sql().list("""
                SELECT coalesce(l.organisation_id, 'stock'), d.device_type, d.state, count(*)
                  FROM devices d
                  LEFT JOIN loans l ON l.device_id = d.id AND l.status IN ('reserved', 'active')
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
                rs -> new DeviceCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        return csv ? Csv.file("devices-by-state.csv", List.of("organisation_id", "device_type", "state", "devices"), rows,
                r -> List.of(r.organisationId(), r.deviceType(), r.state(), r.devices())) : HttpResponse.ok(rows);
    }

    @Get("/loans-overdue")
    @Transactional(readOnly = true)
    HttpResponse<?> overdueLoans(@Nullable @QueryValue String format) throws SQLException {
        boolean csv = Csv.wanted(format);
        List<OverdueLoan> rows = sql().list("""
                SELECT l.organisation_id, l.id::text, l.device_id, d.device_type, l.due_on, current_date - l.due_on
                  FROM loans l JOIN devices d ON d.id = l.device_id
                 WHERE l.status = 'active' AND l.due_on < current_date ORDER BY 1, l.due_on, 2""",
                rs -> new OverdueLoan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getObject(5, LocalDate.class),
                        rs.getLong(6)));
        return csv ? Csv.file("loans-overdue.csv", List.of("organisation_id", "loan_id", "device_id", "device_type", "due_on", "days_overdue"),
                rows, r -> List.of(r.organisationId(), r.loanId(), r.deviceId(), r.deviceType(), r.dueOn(), r.daysOverdue()))
                : HttpResponse.ok(rows);
    }

    @Get("/tickets")
    @Transactional(readOnly = true)
    HttpResponse<?> tickets(@Nullable @QueryValue String format) throws SQLException {
        boolean csv = Csv.wanted(format);
        List<TicketCount> rows = sql().list("""
                SELECT t.organisation_id,
                       count(*) FILTER (WHERE t.state NOT IN ('solved', 'closed')),
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'sla_warning')),
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'sla_breach')),
                       count(*) FILTER (WHERE t.state IN ('solved', 'closed')),
                       count(*) FILTER (WHERE t.state IN ('solved', 'closed') AND t.resolve_consumed_s <= t.resolve_target_s
                                          AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'sla_breach')),
                       count(*) FILTER (WHERE t.adverse_event AND t.state <> 'closed')
                  FROM tickets t GROUP BY 1 ORDER BY 1""",
                rs -> new TicketCount(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        rs.getLong(7)));
        return csv ? Csv.file("tickets-by-sla.csv", List.of("organisation_id", "open", "warned", "breached", "solved", "solved_in_time",
                "adverse_events_open"), rows, r -> List.of(r.organisationId(), r.open(), r.warned(), r.breached(), r.solved(),
                r.solvedInTime(), r.adverseEventsOpen())) : HttpResponse.ok(rows);
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
