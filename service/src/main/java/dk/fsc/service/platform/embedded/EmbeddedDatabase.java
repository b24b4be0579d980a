package dk.fsc.service.platform.embedded;

import dk.fsc.service.platform.startup.StartupProblem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 15 server run from a folder, for the demo, a small installation and tests on a
 * machine without one. Data stays in the folder between runs, and by default it is as durable as
 * an installed server: fsync, synchronous commit and full-page writes on (the embedded library's
 * own defaults turn the first two off, which loses acknowledged readings on a crash and can leave
 * the folder beyond repair). A server left running by a process that was killed is stopped
 * before a new one starts on the same folder.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    public static final String DATABASE = "fsc";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final List<String> DURABILITY_SETTINGS = List.of("fsync", "synchronous_commit", "full_page_writes");

    /** How the server writes to disk. */
    public enum Durability {
        /** Like an installed server: nothing acknowledged is lost on a crash or power loss. */
        DURABLE("on"),
        /**
         * fsync and synchronous commit off: faster, but a crash can lose committed transactions
         * and corrupt the folder. Throw-away databases only (tests, benchmarks); warned at start.
         */
        UNSAFE_FAST("off");

        private final String value;

        Durability(String value) {
            this.value = value;
        }
    }

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A durable server on a free port; a null folder means a throw-away database. */
    public static EmbeddedDatabase start(Path folder) {
        return start(folder, 0, Durability.DURABLE);
    }

    /**
     * Starts on the given port (0: a free one), so a restart on the same folder keeps the address.
     */
    public static EmbeddedDatabase start(Path folder, int port, Durability durability) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    // Our owner closes it in order (after the gateway); the library's own hook would race that.
                    .setRegisterShutdownHook(false)
                    // The library starts the server with -F (fsync off); these come after it and win.
                    .setServerConfig("fsync", durability.value)
                    .setServerConfig("synchronous_commit", durability.value)
                    .setServerConfig("full_page_writes", "on");
            if (port > 0) {
                builder.setPort(port);
            }
            if (folder != null) {
                Files.createDirectories(folder.getParent());
                stopLeftOverServer(folder);
                // The server's own log, beside its folder: what an operator reads when it will not start.
                ProcessBuilder.Redirect serverLog = ProcessBuilder.Redirect.appendTo(serverLog(folder).toFile());
                builder.setDataDirectory(folder).setCleanDataDirectory(false)
                        .setOutputRedirector(serverLog).setErrorRedirector(serverLog)
                        // Recovery after a crash replays the WAL first; a large folder takes a while.
                        .setPGStartupWait(Duration.ofMinutes(10));
            }
            EmbeddedDatabase db = new EmbeddedDatabase(builder.start());
            db.createDatabase();
            db.checkDurability(durability, folder);
            return db;
        } catch (IOException | SQLException | RuntimeException e) {
            throw new StartupProblem("Could not start the embedded PostgreSQL" + (folder == null ? "" : " in " + folder)
                    + ": " + e.getMessage() + (folder == null ? "" : " (its log: " + serverLog(folder) + ")")
                    + ". Set FSC_DB_URL to use an installed PostgreSQL instead.", e);
        }
    }

    /**
     * A process killed with SIGKILL leaves its embedded server running (it is a child process of
     * its own); a new one cannot start on the folder while it does. Stop it (a smart shutdown:
     * its clients are gone), so a restart after a crash needs no hand.
     */
    static void stopLeftOverServer(Path folder) throws IOException {
        Optional<ProcessHandle> left = leftOverServer(folder);
        if (left.isEmpty()) {
            return;
        }
        ProcessHandle server = left.get();
        LOG.warn("An embedded PostgreSQL of an earlier run (pid {}) is still running on {}: stopping it before starting again",
                server.pid(), folder);
        server.destroy();
        try {
            server.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception stillRunning) {
            LOG.warn("The earlier embedded PostgreSQL (pid {}) did not stop in 60 s: killing it; it recovers from its WAL", server.pid());
            server.destroyForcibly();
            server.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
        waitUntilGone(folder.resolve("postmaster.pid"), Duration.ofSeconds(10));
    }

    static Path serverLog(Path folder) {
        return folder.resolveSibling(folder.getFileName() + ".log");
    }

    /** The postmaster named in the folder's postmaster.pid, if it is alive and a PostgreSQL server. */
    static Optional<ProcessHandle> leftOverServer(Path folder) throws IOException {
        Path pidFile = folder.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    }

    private static void waitUntilGone(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Files.exists(file) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void createDatabase() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    /** Reads the running server's settings: a durable start that is not durable does not start. */
    private void checkDurability(Durability durability, Path folder) throws SQLException {
        Map<String, String> settings = settings();
        if (durability == Durability.DURABLE) {
            settings.forEach((name, value) -> {
                if (!"on".equals(value)) {
                    throw new StartupProblem("The embedded PostgreSQL runs with " + name + "=" + value + ", which can lose acknowledged readings");
                }
            });
            LOG.info("Embedded PostgreSQL on port {} writes durably ({})", port(), settings);
        } else {
            LOG.warn("Embedded PostgreSQL on port {} runs WITHOUT durable writes ({}): a crash can lose acknowledged readings{}. "
                    + "For tests and benchmarks only.", port(), settings, folder == null ? "" : " and corrupt " + folder);
        }
    }

    /** fsync, synchronous_commit and full_page_writes as the running server reports them. */
    public Map<String, String> settings() throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String name : DURABILITY_SETTINGS) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings;
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
            LOG.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.warn("Stopping the embedded PostgreSQL: {}; it recovers from its WAL on the next start", e.getMessage());
        }
    }
}
