package dk.fsc.service.alerts;

import dk.fsc.service.audit.AccessLogEntry;
import dk.fsc.service.audit.AccessLogWriter;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * An organisation's alert events as Server-Sent Events, for every stream that shows them (the
 * API's JSON events, the console's worklist rows): each event goes out after its access-log line
 * is committed, with the event id as the SSE id, so a client resumes from the last id it had.
 * The controllers turn each {@link Item} into an SSE event (this package knows no HTTP).
 */
@Singleton
public class AlertStream {
    /** Ends the stream: after the last keep-alive when the viewer is no longer signed in, or after what a stream too far behind held. */
    private static final Item ENDED = new Item(null, null);
    private final AlertFeed feed;
    private final AccessLogWriter accessLogWriter;
    private final Duration keepAlive;
    /** Events a stream holds for a client that reads slower than they come: twice a replay, so a full replay leaves room for new ones. */
    private final int maxBehind;

    AlertStream(AlertFeed feed, AccessLogWriter accessLogWriter, @Value("${fsc.alerts.keep-alive:20s}") Duration keepAlive,
                @Value("${fsc.alerts.max-replay:2000}") int maxReplay) {
        this.feed = feed;
        this.accessLogWriter = accessLogWriter;
        this.keepAlive = keepAlive;
        this.maxBehind = 2 * maxReplay;
    }

    /** How many events a stream holds for its client before it ends (the client resumes with Last-Event-ID). */
    int maxBehind() {
        return maxBehind;
    }

    /**
     * What a stream sends: an event's data with its id, or (null data) a keep-alive comment.
     *
     * @param id the alert event id, for the SSE id
     */
    public record Item(@Nullable String id, @Nullable Object data) {
        public boolean keepAlive() {
            return data == null;
        }
    }

    /** An event on its way to the stream, with its access-log line being written. */
    private record Logged(AlertEventView event, CompletableFuture<Void> line) {
    }

    /**
     * The user's organisation's events after {@code after} (null: from now on), each turned into
     * the data sent by {@code data} (which may read the database: it runs off the feed's and the
     * writer's threads, on a thread that may block). At each keep-alive {@code signedIn} is asked
     * (on a thread that may block) whether the viewer still is: a stream ends with the console
     * session signed out, ended or its account deactivated, and with the API token's expiry (it
     * went on sending citizens' names for as long as the connection stood). A client that falls
     * {@link #maxBehind()} events behind (its connection stands but it does not read: a laptop
     * asleep) gets what the stream holds and then the stream ends; it resumes with Last-Event-ID
     * from the database. Until 2026-12-05 the stream held every event for it, without a bound.
     */
    public Flux<Item> open(StaffUser user, @Nullable Long after, Function<AlertEventView, Object> data, BooleanSupplier signedIn) {
        // Opened here, not inside the Flux, so a refusal (too many streams) is an ordinary 429 answer;
        // events that arrive before the response is subscribed wait in the unicast buffer.
        Sinks.Many<Logged> out = Sinks.many().unicast().onBackpressureBuffer(Queues.<Logged>get(maxBehind).get());
        AlertFeed.Subscription subscription = feed.subscribe(user.organisationId(), user.username(), after, event -> {
            // Each event shown names a citizen: its line is handed to the access log's writer (the
            // feed's thread goes on), and the event is sent once that line is committed.
            CompletableFuture<Void> line = accessLogWriter.append(AccessLogEntry.of(user, event.patientId(),
                    "alert stream event " + event.id(), "care", "alert " + event.alertId()));
            Sinks.EmitResult emitted = out.tryEmitNext(new Logged(event, line));
            if (emitted == Sinks.EmitResult.FAIL_OVERFLOW) {
                out.tryEmitComplete(); // what it holds goes out, then the stream ends
            }
            if (emitted.isFailure()) {
                throw new IllegalStateException("stream closed or too far behind"); // the feed drops this subscriber
            }
        });
        // In order, each after its line; a line that cannot be written ends the stream with an error.
        Flux<Item> events = out.asFlux()
                // publishOn: the event is built and written off the access-log writer's thread, which completes the futures
                .concatMap(l -> Mono.fromFuture(l.line()).publishOn(Schedulers.boundedElastic())
                        .then(Mono.fromCallable(() -> new Item(String.valueOf(l.event().id()), data.apply(l.event())))))
                .concatWith(Mono.just(ENDED)) // only when too far behind: the whole stream ends, keep-alives too
                .doFinally(signal -> subscription.close());
        // A comment at once (the client sees the stream is open) and then every 20 s (proxies keep it open);
        // an event without data is ignored by EventSource clients.
        Flux<Item> keepAlives = Flux.interval(Duration.ZERO, keepAlive).publishOn(Schedulers.boundedElastic())
                .map(i -> i == 0 || signedIn.getAsBoolean() ? new Item(null, null) : ENDED);
        return Flux.merge(keepAlives, events).takeWhile(item -> item != ENDED);
    }

    /** Signed in until the bearer token's expiry ({@code exp}, seconds or a date); always, for a token without one. */
    public static BooleanSupplier untilExpiry(Authentication auth) {
        Object exp = auth.getAttributes().get("exp");
        Instant until = exp instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : exp instanceof Date d ? d.toInstant() : null;
        return until == null ? () -> true : () -> Instant.now().isBefore(until);
    }

    /** The id to resume after, from a Last-Event-ID header (or a query parameter); null when none. */
    public static Long parseEventId(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("Last-Event-ID must be an event id from this stream");
        }
    }
}
