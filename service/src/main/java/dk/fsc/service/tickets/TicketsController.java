package dk.fsc.service.tickets;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.web.Paging;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.tickets.TicketReader.TicketView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
    private final TicketStore store;
    private final TicketReader reader;
    private final AccessLog accessLog;
    private final Paging paging;

    TicketsController(TicketStore store, TicketReader reader, AccessLog accessLog, Paging paging) {
        this.paging = paging;
        this.store = store;
        this.reader = reader;
        this.accessLog = accessLog;
    }

    @Serdeable
    record Move(@Nullable String to, @Nullable String assignee, @Nullable String note) {
    }

    @Serdeable
    record Comment(@Nullable String text) {
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    TicketView open(@Body TicketStore.Request body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        long id = store.open(body, user);
        if (body.patientId() != null) {
            accessLog.record(user, body.patientId(), "open ticket " + id, "support", null);
        }
        return reader.find(id);
    }

    @Get("/{id}")
    @Transactional
    TicketView one(@PathVariable long id, Authentication auth) {
        TicketView ticket = reader.find(id);
        if (ticket.patientId() != null) {
            accessLog.record(StaffUser.of(auth), ticket.patientId(), "read ticket " + id, "support", null);
        }
        return ticket;
    }

    /** Moves the ticket: {@code {"to": "assigned", "assignee": "..."}}, pending pauses the clocks, solved stops them. */
    @Post("/{id}/state")
    @Transactional
    TicketView move(@PathVariable long id, @Body Move body, Authentication auth) {
        if (body.to() == null) {
            throw Refusal.invalid("to is required: assigned, planned, pending, solved or closed");
        }
        TicketState to = TicketState.of(body.to())
                .orElseThrow(() -> Refusal.invalid("to must be one of new, assigned, planned, pending, solved, closed"));
        store.move(id, to, body.assignee(), body.note(), StaffUser.of(auth).username());
        return changed(id, "move ticket", auth);
    }

    @Post("/{id}/comments")
    @Transactional
    TicketView comment(@PathVariable long id, @Body Comment body, Authentication auth) {
        if (body.text() == null || body.text().isBlank() || body.text().length() > 10_000) {
            throw Refusal.invalid("text is required, at most 10 000 characters");
        }
        store.comment(id, body.text().strip(), StaffUser.of(auth).username());
        return changed(id, "comment on ticket", auth);
    }

    /** Flags the ticket as an adverse event: analysis and action plan are due within 90 days from now. */
    @Post("/{id}/adverse-event")
    @Transactional
    TicketView adverseEvent(@PathVariable long id, Authentication auth) {
        store.reportAdverseEvent(id, StaffUser.of(auth).username());
        return changed(id, "report adverse event on ticket", auth);
    }

    /** A change answers the whole ticket, the citizen named in it too: a line in that citizen's access log, as a read. */
    private TicketView changed(long id, String action, Authentication auth) {
        TicketView ticket = reader.find(id);
        if (ticket.patientId() != null) {
            accessLog.record(StaffUser.of(auth), ticket.patientId(), action + " " + id, "support", null);
        }
        return ticket;
    }

    /**
     * Tickets, most urgent first; a page of {@code limit} (1–5000, 500) from {@code offset}, with a
     * {@code Link} to the next while more follow ({@link Paging}).
     *
     * @param state  one state, or {@code open} (default: not solved or closed) or {@code all}
     * @param sla    {@code warning} or {@code breached}: only tickets with such a record
     * @param device a device's tickets (the device's side of the link)
     * @param loan   a loan's tickets
     */
    @Get
    @Transactional
    HttpResponse<List<TicketView>> list(@Nullable @QueryValue String state, @Nullable @QueryValue String organisation,
                                        @Nullable @QueryValue String sla, @Nullable @QueryValue String device, @Nullable @QueryValue UUID loan,
                                        @Nullable @QueryValue Integer limit, @Nullable @QueryValue Integer offset, Authentication auth,
                                        HttpRequest<?> request) {
        String filter = state == null ? "open" : state;
        Optional<TicketState> one = TicketState.of(filter);
        if (one.isEmpty() && !Set.of("open", "all").contains(filter)) {
            throw Refusal.invalid("state must be open, all, new, assigned, planned, pending, solved or closed");
        }
        if (sla != null && !Set.of("warning", "breached").contains(sla)) {
            throw Refusal.invalid("sla must be warning or breached");
        }
        Paging.Page page = Paging.page(limit, offset, 500, 5000);
        HttpResponse<List<TicketView>> tickets = paging.answer(reader.list(new TicketReader.Filter(one.orElse(null), filter.equals("all"),
                organisation, sla == null ? null : sla.equals("warning") ? "sla_warning" : "sla_breach", device, loan, page.read()),
                page.offset()), page, request);
        // A ticket names its citizen: a line in the access log of each citizen the list shows.
        accessLog.recordEach(StaffUser.of(auth), tickets.body().stream().map(TicketView::patientId).filter(java.util.Objects::nonNull).toList(),
                "read ticket list", "support");
        return tickets;
    }
}
