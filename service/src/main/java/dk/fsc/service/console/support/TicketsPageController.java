package dk.fsc.service.console.support;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Format;
import dk.fsc.service.console.Pages;
import dk.fsc.service.devices.DeviceReader;
import dk.fsc.service.devices.DeviceView;
import dk.fsc.service.logistics.LoanStore;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.tickets.TicketReader;
import dk.fsc.service.tickets.TicketState;
import dk.fsc.service.tickets.TicketStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The support desk's board: the open tickets in a column per state, each with its two SLA clocks
 * (time to own, time to resolve) counting down while they run, paused while pending; a ticket's
 * page with its history, a comment and the moves its state allows. The same store and access-log
 * lines as {@code /api/tickets}.
 */
@Controller(value = "/tickets", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class TicketsPageController {
    /** The board's columns, in the order work flows. */
    static final List<String> COLUMNS = List.of("new", "assigned", "planned", "pending");
    /** The most urgent tickets a column of the board shows; its count says how many there are, a link shows more. */
    static final int COLUMN_SHOWN = 50;
    /** What one column shown alone shows (then: narrow by organisation or SLA). */
    static final int COLUMN_ALONE = 500;
    private static final int MAX_TEXT = 10_000;

    private final Pages pages;
    private final TicketReader tickets;
    private final TicketStore store;
    private final AccessLog accessLog;
    private final DeviceReader devices;
    private final LoanStore loans;

    TicketsPageController(Pages pages, TicketReader tickets, TicketStore store, AccessLog accessLog, DeviceReader devices, LoanStore loans) {
        this.pages = pages;
        this.tickets = tickets;
        this.store = store;
        this.accessLog = accessLog;
        this.devices = devices;
        this.loans = loans;
    }

    @Get
    @Transactional
    HttpResponse<String> board(HttpRequest<?> request, @Nullable @QueryValue String organisation, @Nullable @QueryValue String sla,
                               @Nullable @QueryValue String column, Authentication auth) {
        String org = organisation == null || organisation.isBlank() ? null : organisation.strip();
        String slaKind = "warning".equals(sla) ? "sla_warning" : "breached".equals(sla) ? "sla_breach" : null;
        String alone = column != null && COLUMNS.contains(column) ? column : null; // List.of refuses contains(null)
        Map<String, Long> counts = tickets.countByState(new TicketReader.Filter(null, false, org, slaKind, null, null, 0));
        // Each column its most urgent few, as a support desk's board shows them: thousands of cards help no one (docs/benchmarks.md).
        Map<String, List<Map<String, Object>>> columns = new LinkedHashMap<>();
        List<UUID> citizens = new ArrayList<>();
        Format fmt = pages.format(request);
        for (String c : alone == null ? COLUMNS : List.of(alone)) {
            List<TicketReader.TicketView> shown = tickets.list(new TicketReader.Filter(TicketState.of(c).orElseThrow(), false, org, slaKind,
                    null, null, alone == null ? COLUMN_SHOWN : COLUMN_ALONE), 0);
            columns.put(c, shown.stream().map(t -> TicketCards.card(t, fmt)).toList());
            shown.stream().map(TicketReader.TicketView::patientId).filter(Objects::nonNull).forEach(citizens::add);
        }
        // As the API's list: a ticket names its citizen, so each citizen on the board is a line in their access log.
        accessLog.recordEach(ConsoleSession.of(auth).user(), citizens, "read ticket list", "support");
        Map<String, Object> model = new HashMap<>();
        model.put("columns", columns);
        model.put("counts", COLUMNS.stream().collect(java.util.stream.Collectors.toMap(c -> c, c -> counts.getOrDefault(c, 0L))));
        model.put("total", COLUMNS.stream().mapToLong(c -> counts.getOrDefault(c, 0L)).sum());
        model.put("alone", alone == null ? "" : alone);
        model.put("organisation", org == null ? "" : org);
        model.put("sla", slaKind == null ? "" : sla);
        StringBuilder query = new StringBuilder();
        if (org != null) {
            query.append("&organisation=").append(java.net.URLEncoder.encode(org, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (slaKind != null) {
            query.append("&sla=").append(sla);
        }
        model.put("query", query.toString());
        return pages.page(request, "support/tickets", model);
    }

    /**
     * A new ticket, filled in from the device's or the loan's page: the device, the loan and its
     * citizen (by id), and the organisation whose ticket it is (the loan's, the one that has the
     * device, else FSC's own).
     */
    @Get("/new")
    @Transactional
    HttpResponse<String> newForm(HttpRequest<?> request, @Nullable @QueryValue String device, @Nullable @QueryValue UUID loan,
                                 Authentication auth) {
        Map<String, String> v = new HashMap<>();
        v.put("urgency", "3");
        v.put("impact", "3");
        if (loan != null) {
            LoanStore.LoanView l = loans.find(loan, false);
            v.put("loanId", l.id().toString());
            v.put("deviceId", l.deviceId());
            v.put("patientId", l.patientId().toString());
            // The form carries the loan's citizen (by id, as the loan list names them): a line in their access log, as for the list.
            accessLog.record(ConsoleSession.of(auth).user(), l.patientId(), "read loan " + l.id() + " for a new ticket", "support", null);
            v.put("organisationId", l.organisationId());
        } else if (device != null && !device.isBlank()) {
            DeviceView d = devices.one(device.strip());
            v.put("deviceId", d.id());
            v.put("organisationId", d.loanOrganisation() != null ? d.loanOrganisation() : store.fscOrganisation().orElse(""));
        } else {
            v.put("organisationId", store.fscOrganisation().orElse(""));
        }
        return newPage(request, v, new FormErrors());
    }

    @Post(value = "/new", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> open(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        FormErrors errors = new FormErrors();
        String title = FormInput.text(form, "title");
        if (title.isEmpty()) {
            errors.add("title", "ticket.new.titleLabel", "ticket.error.required");
        } else if (title.length() > 200) {
            errors.add("title", "ticket.new.titleLabel", "ticket.error.long", 200);
        }
        Integer urgency = level(form, "urgency", errors);
        Integer impact = level(form, "impact", errors);
        String description = FormInput.text(form, "description");
        if (description.length() > MAX_TEXT) {
            errors.add("description", "ticket.new.description", "ticket.error.long", MAX_TEXT);
        }
        UUID loanId = uuid(form, "loanId");
        UUID patientId = uuid(form, "patientId");
        if (errors.isEmpty()) {
            try {
                long id = store.open(new TicketStore.Request(title, description, urgency, impact,
                        "on".equals(form.get("major")) ? Integer.valueOf(6) : null, FormInput.text(form, "organisationId"),
                        FormInput.text(form, "deviceId"), loanId, patientId, "on".equals(form.get("adverseEvent"))), user);
                if (patientId != null) {
                    accessLog.record(user, patientId, "open ticket " + id, "support", null); // as POST /api/tickets
                }
                return HttpResponse.<String>seeOther(URI.create("/tickets/" + id));
            } catch (Refusal r) {
                errors.add("title", "ticket.new.titleLabel", "ticket.error.refused", r.getMessage());
            }
        }
        return newPage(request, form, errors);
    }

    private static Integer level(Map<String, String> form, String field, FormErrors errors) {
        try {
            int n = Integer.parseInt(FormInput.text(form, field));
            if (n >= 1 && n <= 5) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        errors.add(field, "ticket.new." + field, "ticket.error.level");
        return null;
    }

    private static @Nullable UUID uuid(Map<String, String> form, String field) {
        String text = FormInput.text(form, field);
        try {
            return text.isEmpty() ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(field + " is not an id"); // a hidden field typed over by hand
        }
    }

    private HttpResponse<String> newPage(HttpRequest<?> request, Map<String, String> values, FormErrors errors) {
        Map<String, Object> model = new HashMap<>();
        model.put("v", values);
        model.put("errors", errors);
        model.put("levels", List.of("1", "2", "3", "4", "5"));
        model.put("payers", loans.payers());
        model.put("fsc", store.fscOrganisation().orElse(""));
        return pages.page(request, "support/ticket-new", model);
    }

    @Get("/{id}")
    @Transactional
    HttpResponse<String> ticket(HttpRequest<?> request, @PathVariable long id, Authentication auth) {
        return pages.page(request, "support/ticket", model(id, ConsoleSession.of(auth).user(), new FormErrors(), "", ""));
    }

    @Post(value = "/{id}/comment", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> comment(HttpRequest<?> request, @PathVariable long id, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        String text = FormInput.text(form, "text");
        FormErrors errors = new FormErrors();
        if (text.isEmpty()) {
            errors.add("text", "ticket.comment", "ticket.error.text");
        } else if (text.length() > MAX_TEXT) {
            errors.add("text", "ticket.comment", "ticket.error.long", MAX_TEXT);
        }
        if (!errors.isEmpty()) {
            return pages.page(request, "support/ticket", model(id, user, errors, form.getOrDefault("text", ""), ""));
        }
        store.comment(id, text, user.username());
        changed(user, id, "comment on ticket");
        return HttpResponse.<String>seeOther(URI.create("/tickets/" + id + "#events"));
    }

    @Post(value = "/{id}/move", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> move(HttpRequest<?> request, @PathVariable long id, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        FormErrors errors = new FormErrors();
        TicketState to = TicketState.of(FormInput.text(form, "to")).orElse(null);
        if (to == null) {
            errors.add("to", "ticket.move.to", "ticket.error.to");
        } else {
            // The assignee is changed only when the field was: the page shows the ticket's own (a colleague's
            // stays theirs when someone else moves it), and what it showed comes back as assigneeShown.
            String assignee = FormInput.text(form, "assignee");
            String changedAssignee = assignee.isEmpty() || assignee.equals(FormInput.text(form, "assigneeShown")) ? null : assignee;
            TicketState seen = TicketState.of(FormInput.text(form, "stateShown")).orElse(null);
            String note = FormInput.text(form, "note");
            try {
                store.move(id, seen, to, changedAssignee, note.isEmpty() ? null : note, user.username());
                changed(user, id, "move ticket");
                return HttpResponse.<String>seeOther(URI.create("/tickets/" + id));
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.NOT_FOUND) {
                    throw r;
                }
                String now = tickets.find(id).state();
                if (seen != null && !seen.wire().equals(now)) {
                    errors.add("to", "ticket.move.to", "ticket.error.movedMeanwhile");
                } else {
                    errors.add(to == TicketState.assigned && r.kind() == Refusal.Kind.INVALID ? "assignee" : "to", "ticket.move.to",
                            "ticket.error.refused", r.getMessage());
                }
            }
        }
        return pages.page(request, "support/ticket", model(id, user, errors, "", FormInput.text(form, "assignee")));
    }

    /** A change's access-log line, as the API writes it ({@code TicketsController}), when the ticket names a citizen. */
    private void changed(StaffUser user, long id, String action) {
        UUID patient = tickets.find(id).patientId();
        if (patient != null) {
            accessLog.record(user, patient, action + " " + id, "support", null);
        }
    }

    private Map<String, Object> model(long id, StaffUser user, FormErrors errors, String text, String assignee) {
        TicketReader.TicketView ticket = tickets.find(id);
        if (ticket.patientId() != null) {
            accessLog.record(user, ticket.patientId(), "read ticket " + id, "support", null); // as GET /api/tickets/{id}
        }
        Map<String, Object> model = new HashMap<>();
        model.put("t", ticket);
        model.put("moves", TicketState.of(ticket.state()).map(TicketState::next).orElse(List.of()));
        model.put("errors", errors);
        model.put("text", text);
        // The ticket's own assignee; for a ticket nobody owns, the viewer, so "assign to me" is one click.
        model.put("assignee", !assignee.isEmpty() ? assignee : ticket.assignee() != null ? ticket.assignee() : user.username());
        return model;
    }
}
