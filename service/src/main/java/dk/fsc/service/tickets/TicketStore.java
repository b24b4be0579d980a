package dk.fsc.service.tickets;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Value;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Tickets in the database: opening one (also by a device problem, once per open problem),
 * moving it through its states with the SLA clocks booked at each move, and recording the warning
 * before a clock runs out and the breach when it has, once each. Methods without an {@code Sql}
 * work in the caller's transaction; those with one serve the jobs on connections of their own.
 */
@Singleton
public class TicketStore {
    /** An adverse event's analysis and action plan are due this many days after it is reported. */
    static final int ADVERSE_EVENT_DAYS = 90;

    private final Database db;
    private final double warnFraction;

    TicketStore(Database db, @Value("${fsc.tickets.warn-fraction:0.2}") double warnFraction) {
        this.db = db;
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

    /** A ticket as the desk asks for it (the API's body, the console's form), checked by {@link #open(Request, StaffUser)}. */
    @Serdeable
    public record Request(@Nullable String title, @Nullable String description, @Nullable Integer urgency, @Nullable Integer impact,
                          @Nullable Integer priority, @Nullable String organisationId, @Nullable String deviceId, @Nullable UUID loanId,
                          @Nullable UUID patientId, @Nullable Boolean adverseEvent) {
    }

    /**
     * Opens a ticket by hand, in the caller's transaction: a title, urgency and impact 1–5, the
     * organisation whose ticket it is; the priority follows from urgency × impact, and only an FSC
     * administrator may declare 6 (major).
     */
    public long open(Request r, StaffUser user) {
        String title = r.title() == null ? "" : r.title().strip();
        if (title.isEmpty() || title.length() > 200) {
            throw Refusal.invalid("title is required, at most 200 characters");
        }
        if (r.urgency() == null || r.impact() == null || r.urgency() < 1 || r.urgency() > 5 || r.impact() < 1 || r.impact() > 5) {
            throw Refusal.invalid("urgency and impact are required, each 1 (very low) to 5 (very high)");
        }
        if (r.priority() != null && (r.priority() != 6 || !user.role().equals(StaffUser.Role.FSC_ADMIN))) {
            throw Refusal.invalid("priority follows from urgency × impact; only an FSC admin may declare 6 (major)");
        }
        if (r.organisationId() == null || r.organisationId().isBlank()) {
            throw Refusal.invalid("organisationId is required (whose ticket it is)");
        }
        String description = r.description() == null || r.description().isBlank() ? null : r.description().strip();
        String device = r.deviceId() == null || r.deviceId().isBlank() ? null : r.deviceId().strip();
        return open(new Opening(title, description, r.urgency(), r.impact(), r.priority(), r.organisationId().strip(), device,
                r.loanId(), r.patientId(), "manual", null, Boolean.TRUE.equals(r.adverseEvent())), user.username());
    }

    /** Opens a ticket from the desk, in the caller's transaction: what it links to must exist. */
    private long open(Opening o, String username) {
        Sql sql = db.sql();
        requireExists(sql, "organisations", o.organisationId(), "organisationId");
        if (o.deviceId() != null) {
            requireExists(sql, "devices", o.deviceId(), "deviceId");
        }
        if (o.loanId() != null) {
            requireExists(sql, "loans", o.loanId(), "loanId");
        }
        if (o.patientId() != null) {
            requireExists(sql, "patients", o.patientId(), "patientId");
        }
        return open(sql, o, username);
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
                        CASE WHEN ? THEN now() + make_interval(days => ?) END, ?)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state NOT IN ('solved', 'closed') DO NOTHING
                RETURNING id""", rs -> rs.getLong(1), o.title(), o.description(), o.urgency(), o.impact(), priority,
                o.organisationId(), o.deviceId(), o.loanId(), o.patientId(), o.source(), o.dedupeKey(), sla.calendar().name(),
                sla.ownSeconds(), sla.resolveSeconds(), o.adverseEvent(), o.adverseEvent(), o.adverseEvent(), ADVERSE_EVENT_DAYS, username).orElse(null);
        if (id != null) {
            event(sql, id, username, "opened", null, TicketState.new_.wire(), null, null, o.title());
        }
        return id;
    }

    /** The FSC's own organisation: owner of tickets about devices no organisation has on loan. */
    public java.util.Optional<String> fscOrganisation() {
        return fscOrganisation(db.sql());
    }

    /** The FSC's own organisation, on a connection of the caller's. */
    public java.util.Optional<String> fscOrganisation(Sql sql) {
        return sql.one("SELECT id FROM organisations WHERE kind = 'fsc' ORDER BY id LIMIT 1", rs -> rs.getString(1));
    }

    /** Moves a ticket, booking the clocks; refuses a move the state machine does not have. */
    public void move(long id, TicketState target, @Nullable String assignee, @Nullable String note, String username) {
        move(id, null, target, assignee, note, username);
    }

    /**
     * As {@link #move(long, TicketState, String, String, String)}, from the state the caller saw
     * ({@code expected}, null: any): refused (409) when a colleague moved the ticket meanwhile,
     * so a move made on a page read before is not laid over theirs (a pending ticket's paused
     * clocks restarted by someone who never saw it was pending).
     */
    public void move(long id, @Nullable TicketState expected, TicketState target, @Nullable String assignee, @Nullable String note, String username) {
        Sql sql = db.sql();
        Row row = lock(sql, id);
        TicketState from = row.state();
        if (expected != null && from != expected) {
            throw Refusal.conflict("Ticket " + id + " was moved from " + expected.wire() + " to " + from.wire() + " meanwhile; look at it again.");
        }
        if (!from.canBecome(target)) {
            throw Refusal.conflict("Ticket " + id + " is " + from.wire() + " and cannot become " + target.wire()
                    + (from.next().isEmpty() ? "; it is closed." : "; it can become " + from.next() + "."));
        }
        if (from.done() && !target.done()) {
            // Reopened while a job opened another ticket for the same problem (a device's health): one open ticket per problem.
            Optional<Long> other = sql.one("""
                    SELECT o.id FROM tickets t JOIN tickets o ON o.dedupe_key = t.dedupe_key AND o.id <> t.id
                     WHERE t.id = ? AND o.state NOT IN ('solved', 'closed')""", rs -> rs.getLong(1), id);
            if (other.isPresent()) {
                throw Refusal.conflict("Ticket " + other.get() + " is open for the same problem; work on that one, or close it before reopening " + id + ".");
            }
        }
        String owner = assignee != null ? assignee : row.assignee();
        if (target == TicketState.assigned && (owner == null || owner.isBlank())) {
            throw Refusal.invalid("assignee is required to assign a ticket");
        }
        Instant now = Instant.now();
        TicketClock clock = row.clock().changed(now, target.clocksRun(), target == TicketState.assigned, target.done());
        sql.update("""
                UPDATE tickets SET state = ?, assignee = ?, own_consumed_s = ?, resolve_consumed_s = ?, clock_since = ?, owned_at = ?,
                                   solved_at = ?, closed_at = CASE WHEN ? THEN now() END
                 WHERE id = ?""", target.wire(), owner, clock.ownConsumed(), clock.resolveConsumed(), clock.since(),
                clock.ownedAt(), clock.solvedAt(), target == TicketState.closed, id);
        event(sql, id, username, "state", from.wire(), target.wire(), null, null, note);
        checkSla(sql, id, clock, now);
    }

    public void comment(long id, String text, String username) {
        Sql sql = db.sql();
        lock(sql, id);
        event(sql, id, username, "comment", null, null, null, null, text);
    }

    /** Flags the ticket as an adverse event: analysis and action plan are due within 90 days from now (kept from the first flag). */
    void reportAdverseEvent(long id, String username) {
        Sql sql = db.sql();
        lock(sql, id);
        sql.update("""
                UPDATE tickets SET adverse_event = true, adverse_reported_at = coalesce(adverse_reported_at, now()),
                                   analysis_due_at = coalesce(analysis_due_at, now() + make_interval(days => ?)) WHERE id = ?""", ADVERSE_EVENT_DAYS, id);
        event(sql, id, username, "comment", null, null, null, null,
                "reported as an adverse event (utilsigtet hændelse): analysis and action plan due within " + ADVERSE_EVENT_DAYS + " days");
    }

    /** Whether a ticket with this dedupe key was ever opened, open or not (for problems that get one ticket in all). */
    public boolean everOpened(Sql sql, String dedupeKey) {
        return sql.one("SELECT 1 FROM tickets WHERE dedupe_key = ?", rs -> 1, dedupeKey).isPresent();
    }

    /** Records the warnings and breaches due on all tickets whose clocks run; answers how many it recorded. */
    int checkRunning(Sql sql, Instant now) {
        List<Row> running = sql.list("SELECT * FROM tickets WHERE clock_since IS NOT NULL AND state NOT IN ('solved', 'closed')",
                TicketStore::row);
        int recorded = 0;
        for (Row row : running) {
            recorded += checkSla(sql, row.id(), row.clock(), now);
        }
        return recorded;
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

    record Row(long id, TicketState state, @Nullable String assignee, TicketClock clock) {
    }

    private static void requireExists(Sql sql, String table, Object id, String field) {
        if (sql.one("SELECT 1 FROM " + table + " WHERE id = ?", rs -> 1, id).isEmpty()) {
            throw Refusal.invalid(field + " " + id + " does not exist");
        }
    }

    private Row lock(Sql sql, long id) {
        return sql.one("SELECT * FROM tickets WHERE id = ? FOR UPDATE", TicketStore::row, id)
                .orElseThrow(() -> Refusal.notFound("No ticket " + id + "."));
    }

    static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), TicketState.of(rs.getString("state")).orElseThrow(), rs.getString("assignee"), clock(rs));
    }

    static TicketClock clock(ResultSet rs) throws SQLException {
        return new TicketClock(SlaCalendar.named(rs.getString("calendar")), rs.getLong("own_target_s"), rs.getLong("resolve_target_s"),
                rs.getLong("own_consumed_s"), rs.getLong("resolve_consumed_s"), Sql.instant(rs, "clock_since"),
                Sql.instant(rs, "owned_at"), Sql.instant(rs, "solved_at"));
    }
}
