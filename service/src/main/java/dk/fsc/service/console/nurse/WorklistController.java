package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.AlertEventView;
import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.AlertStream;
import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.ConsoleSessions;
import dk.fsc.service.console.Pages;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.Colleagues;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * The nurses' live alert worklist (a nurse's home page): the organisation's alerts worst first,
 * the actions on them as plain forms (post, then back to the list with the same filters) that
 * worklist.js sends with fetch to get the changed row back, and the live stream of rows.
 */
@Controller(value = "/worklist", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class WorklistController {
    // The API's limits on the same fields (alerts.AlertRequests).
    private static final int NOTE_MAX = 2000;
    private static final int OUTCOME_MAX = 2000;
    private static final int COMMENT_MAX = 4000;
    private static final int BULK_MAX = 500;
    private static final String HTML = MediaType.TEXT_HTML + ";charset=utf-8";

    private final Pages pages;
    private final WorklistActions actions;
    private final AlertStore store;
    private final AlertStream stream;
    private final ConsoleSessions sessions;
    private final Colleagues colleagues;

    WorklistController(Pages pages, WorklistActions actions, AlertStore store, AlertStream stream, Colleagues colleagues,
                       ConsoleSessions sessions) {
        this.sessions = sessions;
        this.pages = pages;
        this.actions = actions;
        this.store = store;
        this.stream = stream;
        this.colleagues = colleagues;
    }

    /**
     * What a form got wrong, for the row (or, with alert 0, the bulk form) it came from: a message
     * key, and what was typed so the form shows it again.
     */
    public record Problem(long alertId, String action, String key, String detail, Map<String, String> typed) {
        public String value(String field) {
            return typed.getOrDefault(field, "");
        }
    }

    /**
     * The list. Rows carry only the quick acknowledge; the other actions are in a row's panel,
     * opened by its "More" link: {@code open} (an alert id) renders that row's panel open (the
     * link without a script), {@code GET /worklist/{id}} answers the row with it for the script.
     */
    @Get
    HttpResponse<?> show(HttpRequest<?> request, @Nullable @QueryValue String status, @Nullable @QueryValue String severity,
                         @Nullable @QueryValue String kind, @Nullable @QueryValue String mine, @Nullable @QueryValue String open,
                         Authentication auth) {
        long opened = open == null ? -1 : parseId(open);
        return page(request, ConsoleSession.of(auth).user(), WorklistFilter.of(status, severity, kind, mine), null, Set.of(),
                opened > 0 ? Set.of(opened) : Set.of());
    }

    /** One row with its panel of actions open, for the script's "More"; without the script, the list with that row open. */
    @Get("/{id}")
    HttpResponse<?> row(HttpRequest<?> request, @PathVariable long id, @Nullable @QueryValue String status, @Nullable @QueryValue String severity,
                        @Nullable @QueryValue String kind, @Nullable @QueryValue String mine, Authentication auth) {
        WorklistFilter filter = WorklistFilter.of(status, severity, kind, mine);
        if (!fromScript(request)) {
            return HttpResponse.seeOther(URI.create(filter.pathOpening(id)));
        }
        StaffUser user = ConsoleSession.of(auth).user();
        return HttpResponse.ok(row(request, model(user, filter, null), filter, actions.read(user, id), null, Set.of(id))).contentType(HTML);
    }

    private HttpResponse<?> page(HttpRequest<?> request, StaffUser user, WorklistFilter filter, @Nullable Problem problem, Set<Long> selected) {
        return page(request, user, filter, problem, selected, Set.of());
    }

    private HttpResponse<?> page(HttpRequest<?> request, StaffUser user, WorklistFilter filter, @Nullable Problem problem, Set<Long> selected,
                                 Set<Long> openRows) {
        // Read before the list: the page's stream starts here, so a change committed in between is replayed, not lost.
        long lastEventId = store.lastEventId();
        List<AlertView> alerts = actions.worklist(user, filter);
        Map<String, Object> model = model(user, filter, problem);
        model.put("alerts", WorklistRow.of(alerts, new WorklistRow.Context(pages.format(request), filter, problem, selected, openRows)));
        model.put("lastEventId", lastEventId);
        model.put("openRed", filter.equals(WorklistFilter.DEFAULT)
                ? alerts.stream().filter(a -> a.severity().equals("red") && a.status().equals("open")).map(AlertView::id).toList()
                : actions.openRed(user));
        // A row's problem is shown in its row; when the row is not on this list (resolved meanwhile), above it.
        model.put("problemOutsideList", problem != null && problem.alertId() != 0 && alerts.stream().noneMatch(a -> a.id() == problem.alertId()));
        model.put("statuses", WorklistFilter.STATUSES);
        model.put("severities", WorklistFilter.SEVERITIES);
        model.put("kinds", WorklistFilter.KINDS);
        return pages.page(request, "nurse/worklist", model);
    }

    private Map<String, Object> model(StaffUser user, WorklistFilter filter, @Nullable Problem problem) {
        Map<String, Object> model = new HashMap<>();
        model.put("filter", filter);
        model.put("filterFields", filter.fields().entrySet());
        model.put("colleagues", colleagues.careStaff(user.organisationId()));
        model.put("username", user.username());
        model.put("problemOutsideList", false);
        if (problem != null) {
            model.put("problem", problem);
        }
        return model;
    }

    /**
     * The organisation's alert events as the worklist's rows: JSON with the event and the alert's
     * row rendered again; the SSE id is the event id. Resumes after {@code after} (the page's last
     * event id, or the last one a script had) or the browser's Last-Event-ID.
     */
    @Get(value = "/events", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<?>> events(HttpRequest<?> request, @Nullable @QueryValue String after,
                               @Nullable @Header("Last-Event-ID") String lastEventId, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Long from = AlertStream.parseEventId(lastEventId != null && !lastEventId.isBlank() ? lastEventId : after);
        // Rows are rendered as for the unfiltered list; the script decides whether its filters show them.
        Map<String, Object> base = model(user, WorklistFilter.DEFAULT, null);
        Flux<AlertStream.Item> items;
        try {
            items = stream.open(user, from, event -> {
                AlertView alert = actions.streamed(user, event.alertId());
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("eventId", event.id());
                data.put("alertId", event.alertId());
                data.put("type", event.type());
                data.put("severity", alert.severity());
                data.put("status", alert.status());
                data.put("patientName", alert.patientName());
                data.put("actor", event.actor());
                data.put("html", row(request, base, WorklistFilter.DEFAULT, alert, null, Set.of()));
                return data;
            }, () -> sessions.stillOpen(auth));
        } catch (Refusal r) {
            if (r.kind() != Refusal.Kind.CONFLICT) {
                throw r;
            }
            // Further behind than a stream replays (a screen that slept for days): the page loads the list as it is now.
            return Flux.<Event<?>>just(Event.of(Map.of("reload", true)));
        }
        return items.map(i -> i.keepAlive() ? Event.of("").comment("keep-alive") : Event.of(i.data()).id(i.id()));
    }

    private String row(HttpRequest<?> request, Map<String, Object> base, WorklistFilter filter, AlertView alert, @Nullable Problem problem,
                       Set<Long> openRows) {
        Map<String, Object> model = new HashMap<>(base);
        // The row reads its problem from WorklistRow; the model's "problem" is the bulk form's alone.
        model.put("alerts", List.of(WorklistRow.of(alert, new WorklistRow.Context(pages.format(request), filter, problem, Set.of(), openRows))));
        return pages.render(request, "nurse/worklist :: row", model);
    }

    @Post(value = "/{id}/acknowledge", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> acknowledge(HttpRequest<?> request, @PathVariable long id, @Body Map<String, String> form, Authentication auth) {
        String note = text(form, "note");
        return act(request, auth, id, "acknowledge", form, note != null && note.length() > NOTE_MAX ? "worklist.problem.noteTooLong" : null,
                user -> actions.acknowledge(user, id, note));
    }

    @Post(value = "/{id}/resolve", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> resolve(HttpRequest<?> request, @PathVariable long id, @Body Map<String, String> form, Authentication auth) {
        String outcome = text(form, "outcome");
        String problem = outcome == null ? "worklist.problem.outcomeMissing" : outcome.length() > OUTCOME_MAX ? "worklist.problem.outcomeTooLong" : null;
        return act(request, auth, id, "resolve", form, problem, user -> actions.resolve(user, id, outcome));
    }

    @Post(value = "/{id}/assign", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> assign(HttpRequest<?> request, @PathVariable long id, @Body Map<String, String> form, Authentication auth) {
        StaffUser me = ConsoleSession.of(auth).user();
        String assignee = text(form, "assignee");
        boolean known = assignee != null && colleagues.assignable(me.organisationId(), me.username(), assignee);
        return act(request, auth, id, "assign", form, known ? null : "worklist.problem.assigneeUnknown",
                user -> actions.assign(user, id, assignee));
    }

    @Post(value = "/{id}/comment", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> comment(HttpRequest<?> request, @PathVariable long id, @Body Map<String, String> form, Authentication auth) {
        String comment = text(form, "text");
        String problem = comment == null ? "worklist.problem.commentMissing" : comment.length() > COMMENT_MAX ? "worklist.problem.commentTooLong" : null;
        return act(request, auth, id, "comment", form, problem, user -> actions.comment(user, id, comment));
    }

    /**
     * One action on one alert. Done: back to the list (a script gets the changed row). Not done,
     * because the form needs fixing or a colleague changed the alert first: the row again with
     * what to do and what was typed, and nothing overwritten.
     */
    private HttpResponse<?> act(HttpRequest<?> request, Authentication auth, long id, String action, Map<String, String> form,
                                @Nullable String problemKey, Function<StaffUser, AlertView> change) {
        StaffUser user = ConsoleSession.of(auth).user();
        WorklistFilter filter = WorklistFilter.of(form);
        AlertView changed = null;
        Problem problem = null;
        if (problemKey == null) {
            try {
                changed = change.apply(user);
            } catch (Refusal r) {
                if (r.kind() != Refusal.Kind.CONFLICT) {
                    throw r;
                }
                problem = new Problem(id, action, "worklist.problem.conflict", r.getMessage(), form);
            }
        } else {
            problem = new Problem(id, action, problemKey, "", form);
        }
        if (!fromScript(request)) {
            return problem == null ? HttpResponse.seeOther(URI.create(filter.path())) : page(request, user, filter, problem, Set.of());
        }
        AlertView alert = changed != null ? changed : actions.read(user, id);
        HttpStatus status = problem == null ? HttpStatus.OK : problemKey == null ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
        return HttpResponse.status(status).body(row(request, model(user, filter, null), filter, alert, problem, Set.of())).contentType(HTML);
    }

    /** Acknowledges the selected yellow and blue alerts; red ones are refused, to be opened one by one. */
    @Post(value = "/acknowledge", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> acknowledgeMany(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        WorklistFilter filter = WorklistFilter.of(form);
        List<Long> ids = form.keySet().stream().filter(k -> k.startsWith("sel-")).map(k -> parseId(k.substring(4)))
                .filter(i -> i > 0).distinct().sorted().toList();
        String note = text(form, "note");
        Problem problem = null;
        if (ids.isEmpty() || ids.size() > BULK_MAX) {
            problem = new Problem(0, "bulk", ids.isEmpty() ? "worklist.problem.noneSelected" : "worklist.problem.tooMany", "", form);
        } else if (note != null && note.length() > NOTE_MAX) {
            problem = new Problem(0, "bulk", "worklist.problem.noteTooLong", "", form);
        } else {
            List<AlertView> red = actions.redAmong(user, ids);
            if (!red.isEmpty()) {
                problem = new Problem(0, "bulk", "worklist.problem.redInBulk",
                        red.stream().map(AlertView::patientName).distinct().collect(Collectors.joining(", ")), form);
            } else {
                try {
                    List<AlertView> done = actions.acknowledgeMany(user, ids, note);
                    if (!fromScript(request)) {
                        return HttpResponse.seeOther(URI.create(filter.path()));
                    }
                    Map<String, Object> model = model(user, filter, null);
                    model.put("alerts", WorklistRow.of(done, new WorklistRow.Context(pages.format(request), filter, null, Set.of(), Set.of())));
                    return HttpResponse.ok(pages.render(request, "nurse/worklist :: row", model)).contentType(HTML);
                } catch (Refusal r) {
                    if (r.kind() != Refusal.Kind.CONFLICT) {
                        throw r;
                    }
                    problem = new Problem(0, "bulk", "worklist.problem.bulkConflict", r.getMessage(), form);
                }
            }
        }
        if (!fromScript(request)) {
            return page(request, user, filter, problem, Set.copyOf(ids));
        }
        Map<String, Object> model = model(user, filter, problem);
        return HttpResponse.status(problem.key().equals("worklist.problem.redInBulk") || problem.key().equals("worklist.problem.bulkConflict")
                ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST).body(pages.render(request, "nurse/worklist :: bulkProblem", model)).contentType(HTML);
    }

    private static long parseId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A form field, trimmed; null when empty. */
    private static String text(Map<String, String> form, String field) {
        String v = form.get(field);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** worklist.js sends its requests with X-Requested-With and wants the row back, not a redirect. */
    private static boolean fromScript(HttpRequest<?> request) {
        return request.getHeaders().get("X-Requested-With") != null;
    }
}
