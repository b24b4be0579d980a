package dk.fsc.service.tickets;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tickets in the database: opening one (also by a device problem, once per open problem),
 * moving it through its states with the SLA clocks booked at each move, and recording the warning
 * before a clock runs out and the breach when it has, once each.
 */
@Singleton
public class TicketStore {
    /** The ticket states (GLPI) and the moves between them. */
    enum State {
        new_, assigned, planned, pending, solved, closed;

        String wire() {
            return this == new_ ? "new" : name();
        }

        static State of(String wire) {
            return wire.equals("new") ? new_ : valueOf(wire);
        }
    }

    private static final Map<State, Set<State>> NEXT = Map.of(
            State.new_, EnumSet.of(State.assigned, State.planned, State.pending, State.solved),
            State.assigned, EnumSet.of(State.planned, State.pending, State.solved),
            State.planned, EnumSet.of(State.assigned, State.pending, State.solved),
            State.pending, EnumSet.of(State.assigned, State.planned, State.solved),
            State.solved, EnumSet.of(State.closed, State.assigned),
            State.closed, EnumSet.noneOf(State.class));
    /** States in which the clocks run; pending pauses them, solved and closed stop them. */
    private static final Set<State> RUNNING = EnumSet.of(State.new_, State.assigned, State.planned);
    static final Duration ADVERSE_EVENT_DEADLINE = Duration.ofDays(90);

    private final double warnFraction;

    TicketStore(@Value("${fsc.tickets.warn-fraction:0.2}") double warnFraction) {
        this.warnFraction = warnFraction;
    }

    double warnFraction() {
        return warnFraction;
    }

    /** What a new ticket is about. */
    public record Opening(String title, @Nullable String description, int urgency, int impact, @Nullable Integer priority,
                          String organisationId, @Nullable String deviceId, @Nullable java.util.UUID loanId,
                          @Nullable java.util.UUID patientId, String source, @Nullable String dedupeKey, boolean adverseEvent) {
    }

    /** Opens a ticket; with a dedupe key, only if no open ticket has that key (answers null then). */
    public Long open(Sql sql, Opening o, String username) {
        int priority = o.priority() != null ? o.priority() : Priority.of(o.urgency(), o.impact());
        Priority.Sla sla = Priority.sla(priority);
        Long id = sql.one("""
                INSERT INTO tickets (title, description, urgency, impact, priority, organisation_id, device_id, loan_id, patient_id,
                                     source, dedupe_key, calendar, own_target_s, resolve_target_s, clock_since, adverse_event,
                                     adverse_reported_at, analysis_due_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, CASE WHEN ? THEN now() END,
                        CASE WHEN ? THEN now() + interval '90 days' END, ?)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state NOT IN ('solved', 'closed') DO NOTHING
                RETURNING id""", rs -> rs.getLong(1), o.title(), o.description(), o.urgency(), o.impact(), priority,
                o.organisationId(), o.deviceId(), o.loanId(), o.patientId(), o.source(), o.dedupeKey(), sla.calendar().name(),
                sla.ownSeconds(), sla.resolveSeconds(), o.adverseEvent(), o.adverseEvent(), o.adverseEvent(), username).orElse(null);
        if (id != null) {
            event(sql, id, username, "opened", null, "new", null, null, o.title());
        }
        return id;
    }

    /** The FSC's own organisation: owner of tickets about devices no organisation has on loan. */
    public java.util.Optional<String> fscOrganisation(Sql sql) {
        return sql.one("SELECT id FROM organisations WHERE kind = 'fsc' ORDER BY id LIMIT 1", rs -> rs.getString(1));
    }

    /** Moves a ticket, booking the clocks; refuses a move the state machine does not have. */
    public void move(Sql sql, long id, String to, @Nullable String assignee, @Nullable String note, String username) {
        State target;
        try {
            target = State.of(to);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("to must be one of new, assigned, planned, pending, solved, closed");
        }
        Row row = lock(sql, id);
        State from = State.of(row.state());
        if (!NEXT.get(from).contains(target)) {
            throw Refusal.conflict("Ticket " + id + " is " + from.wire() + " and cannot become " + target.wire()
                    + (NEXT.get(from).isEmpty() ? "; it is closed." : "; it can become "
                    + NEXT.get(from).stream().map(State::wire).toList() + "."));
        }
        String owner = assignee != null ? assignee : row.assignee();
        if (target == State.assigned && (owner == null || owner.isBlank())) {
            throw Refusal.invalid("assignee is required to assign a ticket");
        }
        Instant now = Instant.now();
        TicketClock clock = row.clock().changed(now, RUNNING.contains(target), target == State.assigned,
                target == State.solved || target == State.closed);
        sql.update("""
                UPDATE tickets SET state = ?, assignee = ?, own_consumed_s = ?, resolve_consumed_s = ?, clock_since = ?, owned_at = ?,
                                   solved_at = ?, closed_at = CASE WHEN ? = 'closed' THEN now() END
                 WHERE id = ?""", target.wire(), owner, clock.ownConsumed(), clock.resolveConsumed(), clock.since(),
                clock.ownedAt(), clock.solvedAt(), target.wire(), id);
        event(sql, id, username, "state", from.wire(), target.wire(), null, null, note);
        checkSla(sql, id, clock, now);
    }

    public void comment(Sql sql, long id, String text, String username) {
        lock(sql, id);
        event(sql, id, username, "comment", null, null, null, null, text);
    }

    /** Records a warning or a breach of either clock, once each; answers how many it recorded. */
    int checkSla(Sql sql, long id, TicketClock clock, Instant now) {
        int recorded = 0;
        for (TicketClock.Reading r : List.of(clock.own(now, warnFraction), clock.resolve(now, warnFraction))) {
            if (r.warning()) {
                recorded += slaEvent(sql, id, "sla_warning", r.clock(), r.dueAt());
            }
            if (r.breached()) {
                recorded += slaEvent(sql, id, "sla_breach", r.clock(), null);
            }
        }
        return recorded;
    }

    private int slaEvent(Sql sql, long id, String kind, String clock, @Nullable Instant due) {
        return sql.update("""
                INSERT INTO ticket_events (ticket_id, username, kind, clock, due_at) VALUES (?, 'sla', ?, ?, ?)
                ON CONFLICT (ticket_id, kind, clock) WHERE kind IN ('sla_warning', 'sla_breach') DO NOTHING""", id, kind, clock, due);
    }

    private void event(Sql sql, long id, String username, String kind, @Nullable String from, @Nullable String to, @Nullable String clock,
                       @Nullable Instant due, @Nullable String text) {
        sql.update("""
                INSERT INTO ticket_events (ticket_id, username, kind, from_state, to_state, clock, due_at, text)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", id, username, kind, from, to, clock, due, text);
    }

    record Row(long id, String state, @Nullable String assignee, TicketClock clock) {
    }

    Row lock(Sql sql, long id) {
        return sql.one("SELECT * FROM tickets WHERE id = ? FOR UPDATE", TicketStore::row, id)
                .orElseThrow(() -> Refusal.notFound("No ticket " + id + "."));
    }

    static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("state"), rs.getString("assignee"), clock(rs));
    }

    static TicketClock clock(ResultSet rs) throws SQLException {
        return new TicketClock(SlaCalendar.named(rs.getString("calendar")), rs.getLong("own_target_s"), rs.getLong("resolve_target_s"),
                rs.getLong("own_consumed_s"), rs.getLong("resolve_consumed_s"), Sql.instant(rs, "clock_since"),
                Sql.instant(rs, "owned_at"), Sql.instant(rs, "solved_at"));
    }
}
