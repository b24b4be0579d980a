package dk.fsc.service.alerts;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.web.Paging;
import dk.fsc.service.staff.Colleagues;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.reactivestreams.Publisher;

/**
 * The alerts feed of an organisation's nurses and clinicians: the worklist, one alert with its
 * history, the actions (acknowledge, resolve, assign, comment, bulk acknowledge) and the live
 * event stream. Alerts of other organisations answer 404.
 */
@Controller("/api/alerts")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class AlertsController {
    private static final Set<String> STATUS_FILTERS = Set.of("active", "open", "acknowledged", "resolved", "all");
    private final AlertStore store;
    private final AlertStream stream;
    private final Colleagues colleagues;
    private final AccessLog accessLog;
    private final Paging paging;

    AlertsController(AlertStore store, AlertStream stream, AccessLog accessLog, Colleagues colleagues, Paging paging) {
        this.colleagues = colleagues;
        this.paging = paging;
        this.store = store;
        this.stream = stream;
        this.accessLog = accessLog;
    }

    /**
     * The caller's worklist: worst severity first, then the longest waiting; a page of {@code limit}
     * (1–5000, 500) from {@code offset}, with a {@code Link} to the next while more follow ({@link Paging}).
     *
     * @param status {@code active} (open and acknowledged, the default), {@code open},
     *               {@code acknowledged}, {@code resolved} or {@code all}
     */
    @Get
    @Transactional
    HttpResponse<List<AlertView>> worklist(@Nullable @QueryValue String status, @Nullable @QueryValue Integer limit,
                                           @Nullable @QueryValue Integer offset, Authentication auth, HttpRequest<?> request) {
        String filter = status == null ? "active" : status;
        if (!STATUS_FILTERS.contains(filter)) {
            throw Refusal.invalid("status must be one of " + STATUS_FILTERS);
        }
        Paging.Page page = Paging.page(limit, offset, 500, 5000);
        Set<AlertStatus> statuses = switch (filter) {
            case "active" -> EnumSet.of(AlertStatus.open, AlertStatus.acknowledged);
            case "all" -> EnumSet.allOf(AlertStatus.class);
            default -> EnumSet.of(AlertStatus.of(filter));
        };
        StaffUser user = StaffUser.of(auth);
        HttpResponse<List<AlertView>> alerts = paging.answer(store.worklist(user.organisationId(), statuses, page.read(), page.offset()), page, request);
        // The worklist names citizens and their alerts: each one shown is a line in their access log.
        accessLog.recordEach(user, alerts.body().stream().map(AlertView::patientId).toList(), "read alert worklist", "care");
        return alerts;
    }

    @Get("/{id}")
    @Transactional
    AlertView one(@PathVariable long id, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        AlertView alert = store.alertWithEvents(user.organisationId(), id);
        accessLog.record(user, alert.patientId(), "read alert " + id, "care", null);
        return alert;
    }

    @Post("/{id}/acknowledge")
    @Transactional
    AlertView acknowledge(@PathVariable long id, @Valid @Body AlertRequests.Acknowledge body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        store.acknowledge(id, user.organisationId(), user.username(), body.note());
        return changed(id, user, "acknowledge alert");
    }

    @Post("/{id}/resolve")
    @Transactional
    AlertView resolve(@PathVariable long id, @Valid @Body AlertRequests.Resolve body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        store.resolve(id, user.organisationId(), user.username(), body.outcome());
        return changed(id, user, "resolve alert");
    }

    @Post("/{id}/assign")
    @Transactional
    AlertView assign(@PathVariable long id, @Valid @Body AlertRequests.Assign body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        store.alert(user.organisationId(), id); // another organisation's alert: 404 before anything else is said
        if (!colleagues.assignable(user.organisationId(), user.username(), body.assignee())) {
            throw Refusal.invalid("assignee '" + body.assignee() + "' is not an active nurse or clinician of your organisation");
        }
        store.assign(id, user.organisationId(), user.username(), body.assignee());
        return changed(id, user, "assign alert");
    }

    @Post("/{id}/comments")
    @Transactional
    AlertView comment(@PathVariable long id, @Valid @Body AlertRequests.Comment body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        store.comment(id, user.organisationId(), user.username(), body.text());
        return changed(id, user, "comment on alert");
    }

    /** Acknowledges many yellow or blue alerts at once; red ones must be looked at one by one. */
    @Post("/acknowledge")
    @Transactional
    Map<String, Object> acknowledgeMany(@Valid @Body AlertRequests.BulkAcknowledge body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        List<Long> red = store.redAmong(body.ids(), user.organisationId());
        if (!red.isEmpty()) {
            throw Refusal.conflict("Red alerts cannot be acknowledged in bulk: " + red + ". Open each one.");
        }
        for (Long id : body.ids()) {
            store.acknowledgeUnlessRed(id, user.organisationId(), user.username(), body.note());
            changed(id, user, "acknowledge alert (bulk)");
        }
        return Map.of("acknowledged", body.ids().size());
    }

    /**
     * New and changed alerts of the caller's organisation as Server-Sent Events; the event id is
     * the alert event id. Reconnect with {@code Last-Event-ID} to get everything since.
     */
    @Get(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<?>> stream(@Nullable @Header("Last-Event-ID") String lastEventId, Authentication auth) {
        return stream.open(StaffUser.of(auth), AlertStream.parseEventId(lastEventId), event -> event, AlertStream.untilExpiry(auth))
                .map(i -> i.keepAlive() ? Event.of("").comment("keep-alive") : Event.of(i.data()).id(i.id()));
    }

    private AlertView changed(long id, StaffUser user, String action) {
        AlertView alert = store.alert(user.organisationId(), id);
        accessLog.record(user, alert.patientId(), action + " " + id, "care", null);
        return alert;
    }
}
