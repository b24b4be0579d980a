package dk.fsc.service.platform.database;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection that LISTENs to PostgreSQL notification channels and calls the registered
 * listeners. Notifications only wake the listeners up; each keeps a polling fallback, so a lost
 * connection delays work but loses none.
 */
@Context
public class PgNotifications {
    private static final Logger LOG = LoggerFactory.getLogger(PgNotifications.class);
    private final Database db;
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    PgNotifications(Database db) {
        this.db = db;
        this.thread = new Thread(this::run, "pg-notifications");
        thread.setDaemon(true);
        thread.start();
    }

    public void listen(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    private void run() {
        while (running) {
            try (Connection c = db.ownConnection()) {
                c.setAutoCommit(true);
                java.util.Set<String> subscribed = new java.util.HashSet<>();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    for (String channel : listeners.keySet()) {
                        if (subscribed.add(channel)) {
                            try (Statement s = c.createStatement()) {
                                s.execute("LISTEN " + channel);
                            }
                        }
                    }
                    PGNotification[] received = pg.getNotifications(500);
                    if (received != null) {
                        java.util.Set<String> channels = new java.util.HashSet<>();
                        for (PGNotification n : received) {
                            channels.add(n.getName());
                        }
                        channels.forEach(ch -> listeners.getOrDefault(ch, List.of()).forEach(Runnable::run));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warn("Listening for database notifications failed ({}); polling until it is back", e.getMessage());
                    sleep(2_000);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
