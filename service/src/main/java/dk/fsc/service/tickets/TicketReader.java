package dk.fsc.service.tickets;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tickets as the desk sees them, with what their SLA clocks say now. Works in the caller's transaction. */
@Singleton
public class TicketReader {
    private final Database db;
    private final double warnFraction;

    TicketReader(Database db, TicketStore store) {
        this.db = db;
        this.warnFraction = store.warnFraction();
    }

    @Serdeable
    public record Event(Instant at, String username, String kind, @Nullable String from, @Nullable String to, @Nullable String clock,
                 @Nullable Instant dueAt, @Nullable String text) {
    }

    @Serdeable
    public record TicketView(long id, String title, @Nullable String description, String state, int urgency, int impact, int priority,
                      String organisationId, @Nullable String deviceId, @Nullable UUID loanId, @Nullable UUID patientId,
                      @Nullable String assignee, String source, String calendar, TicketClock.Reading own, TicketClock.Reading resolve,
                      boolean adverseEvent, @Nullable Instant analysisDueAt, Instant createdAt, String createdBy,
                      @Nullable List<Event> events) {
    }

    /** Which tickets a list shows: {@code state} one state, else the open ones unless {@code all}; the rest narrow it when given. */
    public record Filter(@Nullable TicketState state, boolean all, @Nullable String organisation, @Nullable String slaEventKind,
                  @Nullable String device, @Nullable UUID loan, int limit) {
    }

    /** One ticket with its events. */
    @Transactional
    public TicketView find(long id) {
        Sql sql = db.sql();
        List<Event> events = sql.list("""
                SELECT at, username, kind, from_state, to_state, clock, due_at, text FROM ticket_events WHERE ticket_id = ? ORDER BY id""",
                rs -> new Event(Sql.instant(rs, "at"), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Sql.instant(rs, "due_at"), rs.getString(8)), id);
        return sql.one("SELECT t.* FROM tickets t WHERE t.id = ?", rs -> view(rs, events), id)
                .orElseThrow(() -> Refusal.notFound("No ticket " + id + "."));
    }

    /** Tickets, most urgent first, without their events: the filter's limit from {@code offset}. */
    @Transactional
    public List<TicketView> list(Filter f, int offset) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        params.add(f.limit());
        params.add(offset);
        return db.sql().list("SELECT t.* FROM tickets t" + where + " ORDER BY t.priority DESC, t.created_at, t.id LIMIT ? OFFSET ?",
                rs -> view(rs, null), params.toArray());
    }

    /** How many tickets the filter finds in each state (its limit not applied): the board's column counts. */
    @Transactional
    public Map<String, Long> countByState(Filter f) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        Map<String, Long> counts = new HashMap<>();
        db.sql().list("SELECT t.state, count(*) FROM tickets t" + where + " GROUP BY t.state",
                rs -> Map.entry(rs.getString(1), rs.getLong(2)), params.toArray()).forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private static String where(Filter f, List<Object> params) {
        StringBuilder where = new StringBuilder(" WHERE true");
        if (f.state() != null) {
            where.append(" AND t.state = ?");
            params.add(f.state().wire());
        } else if (!f.all()) {
            where.append(" AND t.state NOT IN ('solved', 'closed')");
        }
        if (f.organisation() != null) {
            where.append(" AND t.organisation_id = ?");
            params.add(f.organisation());
        }
        if (f.device() != null) {
            where.append(" AND t.device_id = ?");
            params.add(f.device());
        }
        if (f.loan() != null) {
            where.append(" AND t.loan_id = ?");
            params.add(f.loan());
        }
        if (f.slaEventKind() != null) {
            where.append(" AND EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = ?)");
            params.add(f.slaEventKind());
        }
        return where.toString();
    }

    private TicketView view(ResultSet rs, @Nullable List<Event> events) throws SQLException {
        TicketClock clock = TicketStore.clock(rs);
        Instant now = Instant.now();
        return new TicketView(rs.getLong("id"), rs.getString("title"), rs.getString("description"), rs.getString("state"),
                rs.getInt("urgency"), rs.getInt("impact"), rs.getInt("priority"), rs.getString("organisation_id"),
                rs.getString("device_id"), rs.getObject("loan_id", UUID.class), rs.getObject("patient_id", UUID.class),
                rs.getString("assignee"), rs.getString("source"), rs.getString("calendar"), clock.own(now, warnFraction),
                clock.resolve(now, warnFraction), rs.getBoolean("adverse_event"), Sql.instant(rs, "analysis_due_at"),
                Sql.instant(rs, "created_at"), rs.getString("created_by"), events);
    }
}
