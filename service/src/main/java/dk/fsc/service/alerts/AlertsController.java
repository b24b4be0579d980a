package dk.fsc.service.alerts;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

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
    private static final String SELECT = """
            SELECT a.*, p.display_name, mp.paused_until FROM alerts a JOIN patients p ON p.id = a.patient_id
              LEFT JOIN LATERAL (SELECT max(ends_at) AS paused_until FROM monitoring_pauses
                                  WHERE patient_id = a.patient_id AND starts_at <= now() AND ends_at > now()) mp ON true
             WHERE a.organisation_id = ?""";
    private final DataSource dataSource;
    private final AlertStore store;
    private final AlertFeed feed;
    private final AccessLog accessLog;
    private final JsonMapper json;

    AlertsController(DataSource dataSource, AlertStore store, AlertFeed feed, AccessLog accessLog, JsonMapper json) {
        this.dataSource = dataSource;
        this.store = store;
        this.feed = feed;
        this.accessLog = accessLog;
        this.json = json;
    }

    /**
     * The caller's worklist: worst severity first, then the longest waiting.
     *
     * @param status {@code active} (open and acknowledged, the default), {@code open},
     *               {@code acknowledged}, {@code resolved} or {@code all}
     */
    @Get
    @Transactional
    List<AlertView> worklist(@Nullable @QueryValue String status, @Nullable @QueryValue Integer limit, Authentication auth)
            throws SQLException {
        String filter = status == null ? "active" : status;
        if (!STATUS_FILTERS.contains(filter)) {
            throw Refusal.invalid("status must be one of " + STATUS_FILTERS);
        }
        int rows = limit == null ? 500 : limit;
        if (rows < 1 || rows > 5000) {
            throw Refusal.invalid("limit must be between 1 and 5000");
        }
        String where = switch (filter) {
            case "active" -> " AND a.status <> 'resolved'";
            case "all" -> "";
            default -> " AND a.status = '" + filter + "'";
        };
        StaffUser user = StaffUser.of(auth);
        List<AlertView> alerts = sql().list(SELECT + where + "\n" + """
                 ORDER BY CASE a.severity WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END DESC, a.opened_at, a.id
                 LIMIT ?""", rs -> view(rs, null), user.organisationId(), rows);
        // The worklist names citizens and their alerts: each one shown is a line in their access log.
        accessLog.recordEach(user, alerts.stream().map(AlertView::patientId).toList(), "read alert worklist", "care");
        return alerts;
    }

    @Get("/{id}")
    @Transactional
    AlertView one(@PathVariable long id, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        Sql sql = sql();
        List<AlertEventView> events = sql.list("SELECT " + AlertEventView.COLUMNS
                        + " FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.alert_id = ? AND a.organisation_id = ? ORDER BY e.id",
                AlertEventView::from, id, user.organisationId());
        AlertView alert = sql.one(SELECT + " AND a.id = ?", rs -> view(rs, events), user.organisationId(), id)
                .orElseThrow(() -> Refusal.notFound("No alert " + id + " for your organisation."));
        accessLog.record(user, alert.patientId(), "read alert " + id, "care", null);
        return alert;
    }

    @Post("/{id}/acknowledge")
    @Transactional
    AlertView acknowledge(@PathVariable long id, @Valid @Body AlertRequests.Acknowledge body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        store.acknowledge(sql(), id, user.organisationId(), user.username(), body.note());
        return changed(id, user, "acknowledge alert");
    }

    @Post("/{id}/resolve")
    @Transactional
    AlertView resolve(@PathVariable long id, @Valid @Body AlertRequests.Resolve body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        store.resolve(sql(), id, user.organisationId(), user.username(), body.outcome());
        return changed(id, user, "resolve alert");
    }

    @Post("/{id}/assign")
    @Transactional
    AlertView assign(@PathVariable long id, @Valid @Body AlertRequests.Assign body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        store.assign(sql(), id, user.organisationId(), user.username(), body.assignee());
        return changed(id, user, "assign alert");
    }

    @Post("/{id}/comments")
    @Transactional
    AlertView comment(@PathVariable long id, @Valid @Body AlertRequests.Comment body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        store.comment(sql(), id, user.organisationId(), user.username(), body.text());
        return changed(id, user, "comment on alert");
    }

    /** Acknowledges many yellow or blue alerts at once; red ones must be looked at one by one. */
    @Post("/acknowledge")
    @Transactional
    Map<String, Object> acknowledgeMany(@Valid @Body AlertRequests.BulkAcknowledge body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        Sql sql = sql();
        List<Long> red = sql.list("SELECT id FROM alerts WHERE id = ANY (?) AND organisation_id = ? AND severity = 'red'",
                rs -> rs.getLong(1), dataSource.getConnection().createArrayOf("bigint", body.ids().toArray()), user.organisationId());
        if (!red.isEmpty()) {
            throw Refusal.conflict("Red alerts cannot be acknowledged in bulk: " + red + ". Open each one.");
        }
        for (Long id : body.ids()) {
            store.acknowledge(sql, id, user.organisationId(), user.username(), body.note());
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
        StaffUser user = StaffUser.of(auth);
        Long after = parseEventId(lastEventId);
        // Opened here, not inside the Flux, so a refusal (too many streams) is an ordinary 429 answer;
        // events that arrive before the response is subscribed wait in the unicast buffer.
        Sinks.Many<Event<?>> out = Sinks.many().unicast().onBackpressureBuffer();
        AlertFeed.Subscription subscription = feed.subscribe(user.organisationId(), user.username(), after, event -> {
            // Each event shown names a citizen: logged before it is sent.
            accessLog.record(user, event.patientId(), "alert stream event " + event.id(), "care", "alert " + event.alertId());
            if (out.tryEmitNext(Event.of(event).id(String.valueOf(event.id()))).isFailure()) {
                throw new IllegalStateException("stream closed"); // the feed drops this subscriber
            }
        });
        Flux<Event<?>> events = out.asFlux().doFinally(signal -> subscription.close());
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

    private AlertView changed(long id, StaffUser user, String action) throws SQLException {
        AlertView alert = sql().one(SELECT + " AND a.id = ?", rs -> view(rs, null), user.organisationId(), id).orElseThrow();
        accessLog.record(user, alert.patientId(), action + " " + id, "care", null);
        return alert;
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }

    private AlertView view(ResultSet rs, List<AlertEventView> events) throws SQLException {
        Map<String, Object> details;
        try {
            details = json.readValue(rs.getString("details"), Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            details = Map.of();
        }
        return new AlertView(rs.getLong("id"), rs.getObject("patient_id", UUID.class), rs.getString("display_name"),
                rs.getString("kind"), rs.getString("severity"), rs.getString("status"), rs.getString("summary"), details,
                rs.getString("policy"), rs.getString("assignee"), Sql.instant(rs, "opened_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"), Sql.instant(rs, "resolved_at"),
                rs.getString("resolved_by"), rs.getString("outcome"), rs.getInt("escalation_level"), Sql.instant(rs, "escalate_at"),
                Sql.instant(rs, "paused_until"), events);
    }
}
