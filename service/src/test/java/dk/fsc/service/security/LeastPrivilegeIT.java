package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dk.fsc.service.lifecycle.Retention;
import dk.fsc.service.lifecycle.Timescale;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The service on a database set up as ops/postgres/roles.sql sets up a real one: the migrations
 * run as the schema's owner, the service and its gateway as a runtime role. Everything works
 * (a device's reading, a nurse's read with its access-log line, new and dropped partitions), and
 * the runtime role cannot change the schema nor change or remove a line of the access log.
 */
@MicronautTest(transactional = false)
class LeastPrivilegeIT extends IntegrationTest {
    private static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private static final String OWNER = "fsc_lp_owner_" + SUFFIX;
    private static final String SERVICE = "fsc_lp_service_" + SUFFIX;
    private static final String RUNTIME = "fsc_lp_runtime_" + SUFFIX;
    private static final String GATEWAY = "fsc_lp_gateway_" + SUFFIX;
    private static final String READER = "fsc_lp_reader_" + SUFFIX;
    private static final String DATABASE = "fsc_lp_" + SUFFIX;
    private static final String PASSWORD = "lp-" + SUFFIX; // throw-away, for this test's roles only

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    Retention retention;

    @Inject
    Timescale timescale;

    private String url;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(super.getProperties());
        TestInfrastructure.Database admin = TestInfrastructure.database();
        // This test's own database; logins as its own roles (the embedded server's URL names its superuser: not here).
        url = admin.url().replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1").replaceAll("([?&])user=[^&]*&?", "$1")
                .replaceFirst("[?&]$", "");
        try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + OWNER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        // ops/postgres/roles.sql as a DBA runs it, with this test's own role names (roles belong to the whole server).
        try (Connection c = DriverManager.getConnection(url, admin.user() == null ? "postgres" : admin.user(), admin.password());
             Statement s = c.createStatement()) {
            String script = Files.readString(Path.of("..", "ops", "postgres", "roles.sql"))
                    .replace("\\set ON_ERROR_STOP on", "")
                    .replace(":\"owner\"", OWNER).replace(":'service_pw'", "'" + PASSWORD + "'").replace(":'gateway_pw'", "'" + PASSWORD + "'")
                    .replace("fsc_runtime", RUNTIME).replace("fsc_service", SERVICE).replace("fsc_gateway", GATEWAY);
            s.execute(script);
            s.execute(script); // again, as after a restore onto the same server (ops/backup): the roles exist then

        } catch (Exception e) {
            throw new IllegalStateException("roles.sql: " + e.getMessage(), e);
        }
        p.put("datasources.default.url", url);
        p.put("datasources.default.username", SERVICE);
        p.put("datasources.default.password", PASSWORD);
        p.put("flyway.datasources.default.url", url);
        p.put("flyway.datasources.default.user", OWNER);
        p.put("flyway.datasources.default.password", PASSWORD);
        return p;
    }

    @AfterAll
    void dropTheDatabaseAndRoles() {
        TestInfrastructure.Database admin = TestInfrastructure.database();
        try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            for (String role : new String[] {SERVICE, GATEWAY, RUNTIME, READER, OWNER}) {
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        } catch (SQLException e) {
            // left behind on a test server: named fsc_lp_*
        }
    }

    @Test
    void theServiceWorksAsARuntimeRoleThatCannotChangeTheSchemaNorTheAccessLog() throws Exception {
        Fixtures fixtures = new Fixtures(url, OWNER, PASSWORD);
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            String reply = d.sendReading("lp-" + UUID.randomUUID(), 1, "{\"type\":\"spo2\",\"value\":96,\"unit\":\"%\"}", Duration.ofSeconds(20));
            assertTrue(reply != null && reply.contains("accepted"), String.valueOf(reply));
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        assertEquals(1, ((java.util.List<?>) nurse.get("/api/patients/" + patient + "/readings").get("readings")).size(),
                "stored by the gateway as the runtime role");
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient) >= 1, "the read is in the access log");

        try (Connection runtime = DriverManager.getConnection(url, SERVICE, PASSWORD)) {
            // Partitions: a new month made, an old one dropped by retention, both through the owner's functions (on
            // TimescaleDB, where readings are in chunks, a month of the idempotency keys).
            String table = timescale.on() ? "device_messages" : "readings";
            LocalDate ahead = LocalDate.now(ZoneOffset.UTC).plusMonths(20).withDayOfMonth(1);
            query(runtime, "SELECT make_monthly_partition('" + table + "', '" + ahead + "')");
            LocalDate old = LocalDate.now(ZoneOffset.UTC).minusYears(12).withDayOfMonth(1);
            query(runtime, "SELECT make_monthly_partition('" + table + "', '" + old + "')");
            String oldName = "%s_%04d_%02d".formatted(table, old.getYear(), old.getMonthValue());
            if (timescale.on()) { // and a chunk of readings 12 years old, which retention drops as the schema's owner
                fixtures.update("""
                        INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                        VALUES (?, 'lp-old', 0, CAST(? AS timestamptz), ?, 'spo2', 95)""",
                        device, java.sql.Timestamp.from(old.atStartOfDay(ZoneOffset.UTC).toInstant()), patient);
            }
            retention.run(Instant.now());
            assertEquals(0, fixtures.count("SELECT count(*) FROM pg_class WHERE relname = ?", oldName), "retention dropped it as the runtime role");
            assertEquals(0, fixtures.count("SELECT count(*) FROM readings WHERE measured_at < now() - interval '11 years'"),
                    "no reading older than retention keeps");
            // The schema is the owner's.
            refused(runtime, "CREATE TABLE sneaky (x int)");
            refused(runtime, "ALTER TABLE readings ADD COLUMN sneaky int");
            refused(runtime, "DROP TABLE quarantine");
            refused(runtime, "CREATE INDEX sneaky ON readings (value)");
            // The access log: added to and read, never changed or removed, not even a month at a time.
            String month = "access_log_" + LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7).replace('-', '_');
            refused(runtime, "UPDATE access_log SET purpose = 'x'");
            refused(runtime, "DELETE FROM access_log");
            refused(runtime, "TRUNCATE access_log");
            refused(runtime, "DELETE FROM " + month);
            refused(runtime, "TRUNCATE " + month);
            refused(runtime, "UPDATE security_log SET route = 'x'");
            try (Statement s = runtime.createStatement()) {
                s.executeQuery("SELECT drop_monthly_partition('access_log', '" + month + "')");
                fail("the current month of the access log was dropped");
            } catch (SQLException e) {
                assertTrue(e.getMessage().contains("less than a year old"), e.getMessage());
            }
            // Nor the current month of the readings (or, on TimescaleDB, of the keys).
            String current = table + "_" + LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7).replace('-', '_');
            try (Statement s = runtime.createStatement()) {
                s.executeQuery("SELECT drop_monthly_partition('" + table + "', '" + current + "')");
                fail("the current month of " + table + " was dropped");
            } catch (SQLException e) {
                assertTrue(e.getMessage().contains("has not ended"), e.getMessage());
            }
        }
        // Another role of the server (a reporting account) may not run it at all (PUBLIC could until V43).
        try (Connection admin = DriverManager.getConnection(url, TestInfrastructure.database().user() == null ? "postgres"
                : TestInfrastructure.database().user(), TestInfrastructure.database().password()); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + READER);
        }
        try (Connection reader = DriverManager.getConnection(url, READER, PASSWORD)) {
            refused(reader, "SELECT drop_monthly_partition('readings', 'readings_2000_01')");
        }
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient) >= 1, "the lines are all still there");
    }

    private static void query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
        }
    }

    /** Refused for want of privilege (42501), not for another reason such as a trigger or a typo. */
    private static void refused(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            fail("the runtime role could: " + sql);
        } catch (SQLException e) {
            assertNotNull(e.getSQLState());
            assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
        }
    }
}
