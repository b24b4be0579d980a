package dk.fsc.service.alerts;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.audit.AccessLogEntry;
import dk.fsc.service.audit.AccessLogWriter;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
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
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The alerts feed of an organisation's nurses and clinicians: the worklist, one alert with its
 * history, the actions (acknowledge, resolve, assign, comment, bulk acknowledge) and the live
 * event stream. Alerts of other organisations answer 404.
 */
@Controller("/api/alerts")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class AlertsController {
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);
    private static final Set<String> STATUS_FILTERS = Set.of("active", "open", "acknowledged", "resolved", "all");
    private final AlertStore store;
    private final AlertFeed feed;
    private final AccessLog accessLog;
    private final AccessLogWriter accessLogWriter;

    AlertsController(AlertStore store, AlertFeed feed, AccessLog accessLog, AccessLogWriter accessLogWriter) {
        this.store = store;
        this.feed = feed;
        this.accessLog = accessLog;
        this.accessLogWriter = accessLogWriter;
    }

    /**
     * The caller's worklist: worst severity first, then the longest waiting.
     *
     * @param status {@code active} (open and acknowledged, the default), {@code open},
     *               {@code acknowledged}, {@code resolved} or {@code all}
     */
    @Get
    @Transactional
    List<AlertView> worklist(@Nullable @QueryValue String status, @Nullable @QueryValue Integer limit, Authentication auth) {
        String filter = status == null ? "active" : status;
        if (!STATUS_FILTERS.contains(filter)) {
            throw Refusal.invalid("status must be one of " + STATUS_FILTERS);
        }
        int rows = limit == null ? 500 : limit;
        if (rows < 1 || rows > 5000) {
            throw Refusal.invalid("limit must be between 1 and 5000");
        }
        Set<AlertStatus> statuses = switch (filter) {
            case "active" -> EnumSet.of(AlertStatus.open, AlertStatus.acknowledged);
            case "all" -> EnumSet.allOf(AlertStatus.class);
            default -> EnumSet.of(AlertStatus.of(filter));
        };
        StaffUser user = StaffUser.of(auth);
        List<AlertView> alerts = store.worklist(user.organisationId(), statuses, rows);
        // The worklist names citizens and their alerts: each one shown is a line in their access log.
        accessLog.recordEach(user, alerts.stream().map(AlertView::patientId).toList(), "read alert worklist", "care");
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
            store.acknowledge(id, user.organisationId(), user.username(), body.note());
            changed(id, user, "acknowledge alert (bulk)");
        }
        return Map.of("acknowledged", body.ids().size());
    }

    /** An event on its way to the stream, with its access-log line being written. */
    private record Logged(AlertEventView event, CompletableFuture<Void> line) {
    }

    /**
     * New and changed alerts of the caller's organisation as Server-Sent Events; the event id is
     * the alert event id. Reconnect with {@code Last-Event-ID} to get everything since.
     */
    @Get(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM)
    Publisher<Event<?>> stream(@Nullable @Header("Last-Event-ID") String lastEventId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Long after = parseEventId(lastEventId);
        // Opened here, not inside the Flux, so a refusal (too many streams) is an ordinary 429 answer;
        // events that arrive before the response is subscribed wait in the unicast buffer.
        Sinks.Many<Logged> out = Sinks.many().unicast().onBackpressureBuffer();
        AlertFeed.Subscription subscription = feed.subscribe(user.organisationId(), user.username(), after, event -> {
            // Each event shown names a citizen: its line is handed to the access log's writer (the
            // feed's thread goes on), and the event is sent once that line is committed.
            CompletableFuture<Void> line = accessLogWriter.append(AccessLogEntry.of(user, event.patientId(),
                    "alert stream event " + event.id(), "care", "alert " + event.alertId()));
            if (out.tryEmitNext(new Logged(event, line)).isFailure()) {
                throw new IllegalStateException("stream closed"); // the feed drops this subscriber
            }
        });
        // In order, each after its line; a line that cannot be written ends the stream with an error.
        Flux<Event<?>> events = out.asFlux()
                // publishOn: the event is built and written off the access-log writer's thread, which completes the futures
                .concatMap(l -> Mono.fromFuture(l.line()).publishOn(Schedulers.parallel())
                        .<Event<?>>thenReturn(Event.of(l.event()).id(String.valueOf(l.event().id()))))
                .doFinally(signal -> subscription.close());
        // A comment at once (the client sees the stream is open) and then every 20 s (proxies keep it open);
        // an event without data is ignored by EventSource clients.
        Flux<Event<?>> keepAlive = Flux.interval(Duration.ZERO, KEEP_ALIVE).map(i -> Event.of("").comment("keep-alive"));
        return Flux.merge(keepAlive, events);
    }

    private static Long parseEventId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("Last-Event-ID must be an event id from this stream");
        }
    }

    private AlertView changed(long id, StaffUser user, String action) {
        AlertView alert = store.alert(user.organisationId(), id);
        accessLog.record(user, alert.patientId(), action + " " + id, "care", null);
        return alert;
    }
}
