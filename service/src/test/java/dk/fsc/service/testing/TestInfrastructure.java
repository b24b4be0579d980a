package dk.fsc.service.testing;

import dk.fsc.service.platform.embedded.EmbeddedBroker;
import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The real PostgreSQL and MQTT broker the integration tests run against, one of each per test
 * JVM, chosen in this order: the servers named by FSC_TEST_DB_URL / FSC_TEST_MQTT_URL, containers
 * where Docker runs, else the embedded PostgreSQL and HiveMQ CE the run command also uses.
 * Each run gets a database of its own, so tests never see data of another run; of test JVMs
 * side by side, only the first uses FSC_TEST_MQTT_URL, the others a Mosquitto of their own.
 */
public final class TestInfrastructure {

    /** How to reach one database. */
    public record Database(String url, String user, String password, String kind) {
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    private static Database database;
    private static String brokerUrl;
    private static String brokerKind;

    private TestInfrastructure() {
    }

    public static synchronized Database database() {
        if (database == null) {
            Database started = startDatabase();
            // Migrated once here, so fixtures can be written before any service context starts.
            Flyway.configure().dataSource(started.url(), started.user(), started.password()).load().migrate();
            database = started;
        }
        return database;
    }

    /** Another migrated database of this run on the same server (dropped when the JVM ends), for a test that changes its schema. */
    public static Database anotherDatabase() {
        return anotherDatabaseAt(MigrationVersion.LATEST);
    }

    /** As {@link #anotherDatabase()}, migrated only up to {@code version}: a store an older build left, to upgrade. */
    public static Database anotherDatabaseAt(MigrationVersion version) {
        Database run = database();
        Database other = freshDatabaseOn(withDatabase(run.url(), "postgres"), run.user(), run.password());
        Flyway.configure().dataSource(other.url(), other.user(), other.password()).target(version).load().migrate();
        return other;
    }

    private static String cprKey;

    /** One CPR key per test run (random, test only), so every test context can read the fixtures' patients. */
    public static synchronized String cprKey() {
        if (cprKey == null) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            cprKey = java.util.Base64.getEncoder().encodeToString(key);
        }
        return cprKey;
    }

    public static synchronized String brokerUrl() {
        if (brokerUrl == null) {
            brokerUrl = startBroker();
        }
        return brokerUrl;
    }

    /** {@code external}, {@code local} (a Mosquitto of this JVM's own), {@code testcontainers} (Mosquitto) or {@code embedded} (HiveMQ CE). */
    public static synchronized String brokerKind() {
        brokerUrl();
        return brokerKind;
    }

    private static Database startDatabase() {
        String external = System.getenv("FSC_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return freshDatabaseOn(external, System.getenv("FSC_TEST_DB_USER"), System.getenv("FSC_TEST_DB_PASSWORD"));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:15-alpine");
            pg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            return new Database(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), "testcontainers");
        }
        // Throw-away and remade every run: durability would only slow the tests (it is warned at start).
        EmbeddedDatabase embedded = EmbeddedDatabase.start(null, 0, EmbeddedDatabase.Durability.UNSAFE_FAST);
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
        return new Database(embedded.jdbcUrl(), null, null, "embedded");
    }

    /** A database of this run's own on an external server, dropped when the JVM ends. */
    private static Database freshDatabaseOn(String adminUrl, String user, String password) {
        String name = "fsc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("FSC_TEST_DB_URL " + adminUrl + " must allow CREATE DATABASE: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                // left behind; harmless, named fsc_test_*
            }
        }));
        return new Database(withDatabase(adminUrl, name), user, password, "external");
    }

    static String withDatabase(String url, String name) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + name + params;
    }

    private static String startBroker() {
        String external = System.getenv("FSC_TEST_MQTT_URL");
        if (external != null && !external.isBlank()) {
            if (fork() <= 1) {
                brokerKind = "external";
                return external;
            }
            // The integration tests run in two JVMs (fsc.test.forks in the root pom.xml). Each has its own database;
            // the broker must be its own too: a gateway of this JVM would take the other's device messages
            // (each test class subscribes with a group of its own), find no such device in its database and
            // answer the device UNKNOWN_DEVICE. So every JVM after the first runs a Mosquitto of its own.
            try {
                brokerKind = "local";
                LocalMosquitto own = LocalMosquitto.startAnonymous();
                Runtime.getRuntime().addShutdownHook(new Thread(own::close));
                return own.url();
            } catch (IOException e) {
                throw new IllegalStateException("test JVM " + fork() + " needs a Mosquitto of its own beside FSC_TEST_MQTT_URL: "
                        + e.getMessage() + " (or run the tests in one JVM: -Dfsc.test.forks=1)", e);
            }
        }
        if (dockerAvailable()) {
            brokerKind = "testcontainers";
            GenericContainer<?> mosquitto = new GenericContainer<>("eclipse-mosquitto:2.0")
                    .withCopyFileToContainer(MountableFile.forClasspathResource("mosquitto-test.conf"), "/mosquitto/config/mosquitto.conf")
                    .withExposedPorts(1883);
            mosquitto.start();
            Runtime.getRuntime().addShutdownHook(new Thread(mosquitto::stop));
            return "tcp://" + mosquitto.getHost() + ":" + mosquitto.getMappedPort(1883);
        }
        try {
            Path folder = Files.createTempDirectory("fsc-test-broker");
            brokerKind = "embedded";
            EmbeddedBroker broker = EmbeddedBroker.start(folder, "127.0.0.1", freePort(), null);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
            return broker.url();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new empty folder for one test's files (blob store, broker data), under target/. */
    public static Path scratch(String name) {
        try {
            Path base = Files.createDirectories(Path.of("target", "scratch"));
            return Files.createTempDirectory(base, name + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Which of the test JVMs that run side by side this is, from 1 (failsafe's fork number; 1 when not forked). */
    static int fork() {
        String number = System.getProperty("fsc.test.fork", "");
        return number.matches("\\d+") ? Integer.parseInt(number) : 1;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }
}
