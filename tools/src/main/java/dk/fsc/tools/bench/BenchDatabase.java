package dk.fsc.tools.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/** The benchmark's database: created on its server when missing, and brought to the current schema. */
final class BenchDatabase {
    private static final Pattern NAME = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]+)(.*)$");

    private BenchDatabase() {
    }

    static void ensure(String jdbc) throws SQLException {
        Matcher m = NAME.matcher(jdbc);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL with a database name: " + jdbc.replaceAll("password=[^&]*", "password=…"));
        }
        String name = m.group(2);
        try (Connection c = DriverManager.getConnection(m.group(1) + "postgres" + m.group(3));
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
                    }
                    Benchmark.say("Created database " + name);
                }
            }
        }
        Flyway.configure().dataSource(jdbc, null, null).load().migrate();
    }

    /**
     * The server's settings that ops/postgres/postgresql.conf changes and that bear on the figures,
     * as one line ("shared_buffers=8GB, …"), so each run says whether it ran on Debian's defaults or
     * with production's settings (ops/postgres/apply).
     */
    static String settings(String jdbc) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
                       FROM unnest(ARRAY['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression',
                                         'random_page_cost', 'jit', 'autovacuum', 'synchronous_commit']) AS name""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Waits until no patient waits for evaluation ({@code evaluation_requests} empty), polling
     * every {@code pollMillis}, for at most {@code atMost}; answers how many still wait (0: none).
     */
    static long awaitNoEvaluationsWaiting(String jdbc, Duration atMost, long pollMillis) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        try (Connection c = DriverManager.getConnection(jdbc);
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM evaluation_requests")) {
            while (true) {
                long waiting;
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    waiting = rs.getLong(1);
                }
                if (waiting == 0 || System.nanoTime() >= deadline) {
                    return waiting;
                }
                Thread.sleep(pollMillis);
            }
        }
    }
}
