package dk.fsc.service.alerts;

import dk.fsc.service.alerts.AlertStore.EventRow;
import dk.fsc.service.platform.database.PgNotifications;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans new alert events out to the open event streams of their organisation. One thread reads
 * {@code alert_events} past the last id it sent (woken by NOTIFY, else every second) and hands
 * each event to the subscribers. A new subscriber is first given what it missed since its
 * Last-Event-ID, on the same thread, so nothing is lost or doubled between replay and live.
 */
@Context
public class AlertFeed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertFeed.class);
    private static final int PAGE = 5000;

    /** A stream's handle: close it when the client goes away. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Subscriber(String organisation, String viewer, Consumer<AlertEventView> sink) {
    }

    private record Pending(Subscriber subscriber, long after) {
    }

    private final AlertStore store;
    private final Map<Object, Subscriber> live = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Pending> joining = new LinkedBlockingQueue<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastSent = -1;

    private final int maxPerViewer;
    private final int maxStreams;
    private final int maxReplay;

    AlertFeed(AlertStore store, PgNotifications notifications,
              @Value("${fsc.alerts.max-streams-per-user:5}") int maxPerViewer, @Value("${fsc.alerts.max-streams:2000}") int maxStreams,
              @Value("${fsc.alerts.max-replay:2000}") int maxReplay) {
        this.store = store;
        this.maxPerViewer = maxPerViewer;
        this.maxStreams = maxStreams;
        this.maxReplay = maxReplay;
        notifications.listen("fsc_alert_events", wake::release);
        this.thread = new Thread(this::run, "alert-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Streams the organisation's alert events to {@code sink}: those after {@code afterId} first
     * (a reconnect with Last-Event-ID), then new ones as they happen. A null {@code afterId}
     * starts with the next new event. A viewer may hold {@code fsc.alerts.max-streams-per-user}
     * streams and the service {@code fsc.alerts.max-streams}; past that the answer is 429.
     *
     * <p>A replay is at most {@code fsc.alerts.max-replay} events (default 2000): a Last-Event-ID
     * further behind (a laptop that slept for days, a client sending 0) is refused (409) before
     * anything is replayed, as the replay runs on the one thread every stream's live events wait
     * for, and each event replayed is an access-log line. Such a client reads the current alerts
     * and streams from there (the console's worklist reloads).
     */
    public Subscription subscribe(String organisation, String viewer, Long afterId, Consumer<AlertEventView> sink) {
        if (afterId != null && store.eventsAfterMoreThan(afterId, organisation, maxReplay)) {
            throw Refusal.conflict("Last-Event-ID " + afterId + " is more than " + maxReplay
                    + " events behind, more than a stream replays; read the alerts as they are now and open the stream without it.");
        }
        return register(organisation, viewer, afterId, sink);
    }

    private synchronized Subscription register(String organisation, String viewer, Long afterId, Consumer<AlertEventView> sink) {
        if (openStreams() >= maxStreams) {
            throw Refusal.tooMany("The service has " + maxStreams
                    + " open alert streams, its limit; try again shortly.");
        }
        long mine = java.util.stream.Stream.concat(live.values().stream(), joining.stream().map(Pending::subscriber))
                .filter(s -> s.viewer().equals(viewer)).count();
        if (mine >= maxPerViewer) {
            throw Refusal.tooMany("You have " + mine + " alert streams open, the most one account may "
                    + "have; close one (another tab or screen) and try again.");
        }
        Subscriber subscriber = new Subscriber(organisation, viewer, sink);
        // Without Last-Event-ID the stream starts from what has been sent so far, so events that
        // commit while the subscription is being registered are not lost.
        long sent = lastSent;
        joining.add(new Pending(subscriber, afterId != null ? afterId : sent >= 0 ? sent : Long.MAX_VALUE));
        wake.release();
        return () -> {
            live.remove(subscriber);
            joining.removeIf(p -> p.subscriber() == subscriber);
        };
    }

    public int openStreams() {
        return live.size() + joining.size();
    }

    private void run() {
        while (running) {
            try {
                if (lastSent < 0) {
                    lastSent = store.lastEventId();
                }
                sendNewEvents();
                admitNewSubscribers();
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // Not even an Error ends this thread: with it gone, open streams would go on sending their
                // keep-alives and nurses would watch a feed that never shows an alert again (found in review).
                if (e instanceof Error) {
                    LOG.error("Alert feed failed; retrying in 1 s", e);
                } else {
                    LOG.warn("Alert feed cannot read events ({}); retrying", e.getMessage());
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void sendNewEvents() {
        List<EventRow> page;
        do {
            page = store.eventsAfter(lastSent, null, PAGE);
            for (EventRow row : page) {
                for (Subscriber s : live.values()) {
                    if (s.organisation().equals(row.organisation())) {
                        deliver(s, row.event());
                    }
                }
                lastSent = row.event().id();
            }
        } while (page.size() == PAGE);
    }

    /** Replays what each new subscriber missed, up to what live subscribers have had, then adds it. */
    private void admitNewSubscribers() {
        Pending p;
        while ((p = joining.poll()) != null) {
            long replayed = p.after();
            boolean open = true;
            while (open && replayed < lastSent) {
                List<EventRow> page = store.eventsAfter(replayed, p.subscriber().organisation(), PAGE);
                if (page.isEmpty()) {
                    break;
                }
                for (EventRow row : page) {
                    if (open && row.event().id() <= lastSent) {
                        open = deliver(p.subscriber(), row.event());
                    }
                    replayed = row.event().id();
                }
            }
            if (open) {
                live.put(p.subscriber(), p.subscriber());
            }
        }
    }

    /** False when the stream is broken: it is dropped, and must not hold the others up. */
    private boolean deliver(Subscriber s, AlertEventView event) {
        try {
            s.sink().accept(event);
            return true;
        } catch (RuntimeException e) {
            live.remove(s);
            return false;
        }
    }

    /** The id of the last event handed to the live subscribers (tests watch the feed's progress). */
    long lastSent() {
        return lastSent;
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
