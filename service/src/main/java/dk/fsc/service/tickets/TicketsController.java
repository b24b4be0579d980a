package dk.fsc.service.tickets;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The FSC support desk: tickets linked to a device, loan, patient and organisation, with states
 * (new, assigned, planned, pending, solved, closed), priority from urgency × impact, comments,
 * and SLA clocks for time to own and time to resolve (business hours or 24/7, paused while
 * pending) with a warning before and a record of each breach. An adverse event (utilsigtet
 * hændelse) sets the 90-day deadline for analysis and action plan.
 */
@Controller("/api/tickets")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class TicketsController {
    private final DataSource dataSource;
    private final TicketStore store;
    private final AccessLog accessLog;

    TicketsController(DataSource dataSource, TicketStore store, AccessLog accessLog) {
        this.dataSource = dataSource;
        this.store = store;
        this.accessLog = accessLog;
    }

    @Serdeable
    record NewTicket(@Nullable String title, @Nullable String description, @Nullable Integer urgency, @Nullable Integer impact,
                     @Nullable Integer priority, @Nullable String organisationId, @Nullable String deviceId, @Nullable UUID loanId,
                     @Nullable UUID patientId, @Nullable Boolean adverseEvent) {
    }

    @Serdeable
    record Move(@Nullable String to, @Nullable String assignee, @Nullable String note) {
    }

    @Serdeable
    record Comment(@Nullable String text) {
    }

    @Serdeable
    record Event(Instant at, String username, String kind, @Nullable String from, @Nullable String to, @Nullable String clock,
                 @Nullable Instant dueAt, @Nullable String text) {
    }

    @Serdeable
    record TicketView(long id, String title, @Nullable String description, String state, int urgency, int impact, int priority,
                      String organisationId, @Nullable String deviceId, @Nullable UUID loanId, @Nullable UUID patientId,
                      @Nullable String assignee, String source, String calendar, TicketClock.Reading own, TicketClock.Reading resolve,
                      boolean adverseEvent, @Nullable Instant analysisDueAt, Instant createdAt, String createdBy,
                      @Nullable List<Event> events) {
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    TicketView open(@Body NewTicket body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        String title = body.title() == null ? "" : body.title().strip();
        if (title.isEmpty() || title.length() > 200) {
            throw Refusal.invalid("title is required, at most 200 characters");
        }
        if (body.urgency() == null || body.impact() == null || body.urgency() < 1 || body.urgency() > 5 || body.impact() < 1
                || body.impact() > 5) {
            throw Refusal.invalid("urgency and impact are required, each 1 (very low) to 5 (very high)");
        }
        if (body.priority() != null && (body.priority() != 6 || !user.role().equals(StaffUser.Role.FSC_ADMIN))) {
            throw Refusal.invalid("priority follows from urgency × impact; only an FSC admin may declare 6 (major)");
        }
        if (body.organisationId() == null) {
            throw Refusal.invalid("organisationId is required (whose ticket it is)");
        }
        Sql sql = sql();
        requireExists(sql, "organisations", body.organisationId(), "organisationId");
        if (body.deviceId() != null) {
            requireExists(sql, "devices", body.deviceId(), "deviceId");
        }
        if (body.loanId() != null) {
            requireExists(sql, "loans", body.loanId(), "loanId");
        }
        if (body.patientId() != null) {
            requireExists(sql, "patients", body.patientId(), "patientId");
        }
        long id = store.open(sql, new TicketStore.Opening(title, body.description(), body.urgency(), body.impact(), body.priority(),
                body.organisationId(), body.deviceId(), body.loanId(), body.patientId(), "manual", null,
                Boolean.TRUE.equals(body.adverseEvent())), user.username());
        if (body.patientId() != null) {
            accessLog.record(user, body.patientId(), "open ticket " + id, "support", null);
        }
        return find(sql, id, true);
    }

    @Get("/{id}")
    @Transactional
    TicketView one(@PathVariable long id, Authentication auth) throws SQLException {
        TicketView ticket = find(sql(), id, true);
        if (ticket.patientId() != null) {
            accessLog.record(StaffUser.of(auth), ticket.patientId(), "read ticket " + id, "support", null);
        }
        return ticket;
    }

    /** Moves the ticket: {@code {"to": "assigned", "assignee": "..."}}, pending pauses the clocks, solved stops them. */
    @Post("/{id}/state")
    @Transactional
    TicketView move(@PathVariable long id, @Body Move body, Authentication auth) throws SQLException {
        if (body.to() == null) {
            throw Refusal.invalid("to is required: assigned, planned, pending, solved or closed");
        }
        Sql sql = sql();
        store.move(sql, id, body.to(), body.assignee(), body.note(), StaffUser.of(auth).username());
        return find(sql, id, true);
    }

    @Post("/{id}/comments")
    @Transactional
    TicketView comment(@PathVariable long id, @Body Comment body, Authentication auth) throws SQLException {
        if (body.text() == null || body.text().isBlank() || body.text().length() > 10_000) {
            throw Refusal.invalid("text is required, at most 10 000 characters");
        }
        Sql sql = sql();
        store.comment(sql, id, body.text().strip(), StaffUser.of(auth).username());
        return find(sql, id, true);
    }

    /** Flags the ticket as an adverse event: analysis and action plan are due within 90 days from now. */
    @Post("/{id}/adverse-event")
    @Transactional
    TicketView adverseEvent(@PathVariable long id, Authentication auth) throws SQLException {
        Sql sql = sql();
        store.lock(sql, id);
        sql.update("""
                UPDATE tickets SET adverse_event = true, adverse_reported_at = coalesce(adverse_reported_at, now()),
                                   analysis_due_at = coalesce(analysis_due_at, now() + interval '90 days') WHERE id = ?""", id);
        store.comment(sql, id, "reported as an adverse event (utilsigtet hændelse): analysis and action plan due within 90 days",
                StaffUser.of(auth).username());
        return find(sql, id, true);
    }

    /**
     * Tickets, most urgent first.
     *
     * @param state  one state, or {@code open} (default: not solved or closed) or {@code all}
     * @param sla    {@code warning} or {@code breached}: only tickets with such a record
     * @param device a device's tickets (the device's side of the link)
     * @param loan   a loan's tickets
     */
    @Get
    @Transactional
    List<TicketView> list(@Nullable @QueryValue String state, @Nullable @QueryValue String organisation, @Nullable @QueryValue String sla,
                          @Nullable @QueryValue String device, @Nullable @QueryValue UUID loan, @Nullable @QueryValue Integer limit,
                          Authentication auth) throws SQLException {
        String filter = state == null ? "open" : state;
        if (!Set.of("open", "all", "new", "assigned", "planned", "pending", "solved", "closed").contains(filter)) {
            throw Refusal.invalid("state must be open, all, new, assigned, planned, pending, solved or closed");
        }
        if (sla != null && !Set.of("warning", "breached").contains(sla)) {
            throw Refusal.invalid("sla must be warning or breached");
        }
        int rows = limit == null ? 500 : limit;
        if (rows < 1 || rows > 5000) {
            throw Refusal.invalid("limit must be between 1 and 5000");
        }
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (filter.equals("open")) {
            where.append(" AND t.state NOT IN ('solved', 'closed')");
        } else if (!filter.equals("all")) {
            where.append(" AND t.state = ?");
            params.add(filter);
        }
        if (organisation != null) {
            where.append(" AND t.organisation_id = ?");
            params.add(organisation);
        }
        if (device != null) {
            where.append(" AND t.device_id = ?");
            params.add(device);
        }
        if (loan != null) {
            where.append(" AND t.loan_id = ?");
            params.add(loan);
        }
        if (sla != null) {
            where.append(" AND EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = ?)");
            params.add(sla.equals("warning") ? "sla_warning" : "sla_breach");
        }
        params.add(rows);
        List<TicketView> tickets = sql().list("SELECT t.* FROM tickets t" + where + " ORDER BY t.priority DESC, t.created_at, t.id LIMIT ?",
                rs -> view(rs, null), params.toArray());
        // A ticket names its citizen: a line in the access log of each citizen the list shows.
        accessLog.recordEach(StaffUser.of(auth), tickets.stream().map(TicketView::patientId).filter(java.util.Objects::nonNull).toList(),
                "read ticket list", "support");
        return tickets;
    }

    private TicketView find(Sql sql, long id, boolean withEvents) {
        List<Event> events = withEvents ? sql.list("""
                SELECT at, username, kind, from_state, to_state, clock, due_at, text FROM ticket_events WHERE ticket_id = ? ORDER BY id""",
                rs -> new Event(Sql.instant(rs, "at"), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Sql.instant(rs, "due_at"), rs.getString(8)), id) : null;
        return sql.one("SELECT t.* FROM tickets t WHERE t.id = ?", rs -> view(rs, events), id)
                .orElseThrow(() -> Refusal.notFound("No ticket " + id + "."));
    }

    private TicketView view(ResultSet rs, @Nullable List<Event> events) throws SQLException {
        TicketClock clock = TicketStore.clock(rs);
        Instant now = Instant.now();
        return new TicketView(rs.getLong("id"), rs.getString("title"), rs.getString("description"), rs.getString("state"),
                rs.getInt("urgency"), rs.getInt("impact"), rs.getInt("priority"), rs.getString("organisation_id"),
                rs.getString("device_id"), rs.getObject("loan_id", UUID.class), rs.getObject("patient_id", UUID.class),
                rs.getString("assignee"), rs.getString("source"), rs.getString("calendar"), clock.own(now, store.warnFraction()),
                clock.resolve(now, store.warnFraction()), rs.getBoolean("adverse_event"), Sql.instant(rs, "analysis_due_at"),
                Sql.instant(rs, "created_at"), rs.getString("created_by"), events);
    }

    private static void requireExists(Sql sql, String table, Object id, String field) {
        if (sql.one("SELECT 1 FROM " + table + " WHERE id = ?", rs -> 1, id).isEmpty()) {
            throw Refusal.invalid(field + " " + id + " does not exist");
        }
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
