package dk.fsc.service.alerts;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.PgNotifications;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
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
    private static final String EVENTS = "SELECT " + AlertEventView.COLUMNS + ", e.organisation_id"
            + " FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id > ?";

    /** A stream's handle: close it when the client goes away. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Subscriber(String organisation, String viewer, Consumer<AlertEventView> sink) {
    }

    private record Pending(Subscriber subscriber, long after) {
    }

    private final DataSource dataSource;
    private final Map<Object, Subscriber> live = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Pending> joining = new LinkedBlockingQueue<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastSent = -1;

    private final int maxPerViewer;
    private final int maxStreams;

    AlertFeed(DataSource dataSource, @Nullable DataSourceResolver resolver, PgNotifications notifications,
              @Value("${fsc.alerts.max-streams-per-user:5}") int maxPerViewer, @Value("${fsc.alerts.max-streams:2000}") int maxStreams) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.maxPerViewer = maxPerViewer;
        this.maxStreams = maxStreams;
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
     */
    public synchronized Subscription subscribe(String organisation, String viewer, Long afterId, Consumer<AlertEventView> sink) {
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
                    lastSent = currentMaxId();
                }
                sendNewEvents();
                admitNewSubscribers();
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Alert feed cannot read events ({}); retrying", e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void sendNewEvents() throws SQLException {
        List<Row> page;
        do {
            page = read(lastSent, null);
            for (Row row : page) {
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
    private void admitNewSubscribers() throws SQLException {
        Pending p;
        while ((p = joining.poll()) != null) {
            long replayed = p.after();
            while (replayed < lastSent) {
                List<Row> page = read(replayed, p.subscriber().organisation());
                if (page.isEmpty()) {
                    break;
                }
                for (Row row : page) {
                    if (row.event().id() <= lastSent) {
                        deliver(p.subscriber(), row.event());
                    }
                    replayed = row.event().id();
                }
            }
            live.put(p.subscriber(), p.subscriber());
        }
    }

    private void deliver(Subscriber s, AlertEventView event) {
        try {
            s.sink().accept(event);
        } catch (RuntimeException e) {
            live.remove(s); // a broken stream must not hold the others up
        }
    }

    private record Row(String organisation, AlertEventView event) {
    }

    private List<Row> read(long after, String organisation) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String sql = EVENTS + (organisation == null ? "" : " AND e.organisation_id = ?") + " ORDER BY e.id LIMIT " + PAGE;
            Object[] params = organisation == null ? new Object[] {after} : new Object[] {after, organisation};
            return Sql.on(c).list(sql, rs -> new Row(rs.getString("organisation_id"), AlertEventView.from(rs)), params);
        }
    }

    private long currentMaxId() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Sql.on(c).one("SELECT coalesce(max(id), 0) FROM alert_events", rs -> rs.getLong(1)).orElse(0L);
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
