package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Database;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.LocalDate;
import java.util.List;

/** The numbers behind the reports FSC bills and plans from, per organisation, each read in one read-only transaction. */
@Singleton
public class ReportStore {
    private final Database db;

    ReportStore(Database db) {
        this.db = db;
    }

    /** Devices by the organisation that has them on loan ({@code stock} when none) and state. */
    @Serdeable
    public record DeviceCount(String organisationId, String deviceType, String state, long devices) {
    }

    @Serdeable
    public record OverdueLoan(String organisationId, String loanId, String deviceId, String deviceType, LocalDate dueOn, long daysOverdue) {
    }

    /** Tickets per organisation: open ones, those with an SLA warning or breach, solved in time, open adverse events. */
    @Serdeable
    public record TicketCount(String organisationId, long open, long warned, long breached, long solved, long solvedInTime,
                       long adverseEventsOpen) {
    }

    @Transactional(readOnly = true)
    public List<DeviceCount> devices() {
        return db.sql().list("""
                SELECT coalesce(l.organisation_id, 'stock'), d.device_type, d.state, count(*)
                  FROM devices d
                  LEFT JOIN loans l ON l.device_id = d.id AND l.status IN ('reserved', 'active')
                 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
                rs -> new DeviceCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    @Transactional(readOnly = true)
    public List<OverdueLoan> overdueLoans() {
        return db.sql().list("""
                SELECT l.organisation_id, l.id::text, l.device_id, d.device_type, l.due_on, danish_today() - l.due_on
                  FROM loans l JOIN devices d ON d.id = l.device_id
                 WHERE l.status = 'active' AND l.due_on < danish_today() ORDER BY 1, l.due_on, 2""",
                rs -> new OverdueLoan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getObject(5, LocalDate.class),
                        rs.getLong(6)));
    }

    /** SLA breaches recorded in a month, per organisation and clock (own, resolve), the last twelve months. */
    @Serdeable
    public record BreachMonth(String month, String organisationId, String clock, long breaches) {
    }

    @Transactional(readOnly = true)
    public List<BreachMonth> breachesPerMonth() {
        return db.sql().list("""
                SELECT to_char(date_trunc('month', e.at AT TIME ZONE 'Europe/Copenhagen'), 'YYYY-MM'), t.organisation_id, e.clock, count(*)
                  FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                 WHERE e.kind = 'sla_breach'
                   AND e.at >= (date_trunc('month', now() AT TIME ZONE 'Europe/Copenhagen') - interval '11 months') AT TIME ZONE 'Europe/Copenhagen'
                 GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3""",
                rs -> new BreachMonth(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    @Transactional(readOnly = true)
    public List<TicketCount> tickets() {
        return db.sql().list("""
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
    }
}
