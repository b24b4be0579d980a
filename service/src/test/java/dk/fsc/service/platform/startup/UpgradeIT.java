package dk.fsc.service.platform.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.testing.TestCprs;
import dk.fsc.service.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * Upgrades keep the data (issue 23): a data folder as the previous release left it (its schema,
 * with readings over more than a year, so in monthly partitions and the default one) is started by
 * this build's run command, which migrates it; every reading is still there and readable.
 */
class UpgradeIT {
    /**
     * The last migration of the previous release (273b181, the last landed build). Raise it to
     * the newest migration of each release when the next one lands.
     */
    static final String PREVIOUS_RELEASE_SCHEMA = "9";
    private static final int MESSAGES = 400;

    @Test
    void aNewerBuildMigratesAnOlderDataFolderAndKeepsEveryReading() throws Exception {
        Path dataDir = TestInfrastructure.scratch("upgrade");
        String cprKey = TestInfrastructure.cprKey();
        UUID patient = UUID.randomUUID();
        String nursePassword = PasswordHasher.randomSecret(18);

        try (EmbeddedDatabase old = EmbeddedDatabase.start(dataDir.resolve("postgres"))) {
            Flyway.configure().dataSource(old.jdbcUrl(), "postgres", null).target(MigrationVersion.fromVersion(PREVIOUS_RELEASE_SCHEMA))
                    .load().migrate();
            try (Connection c = DriverManager.getConnection(old.jdbcUrl(), "postgres", null)) {
                writeOlderData(c, new CprCipher(cprKey, ""), patient, nursePassword);
            }
        }

        int httpPort = TestInfrastructure.freePort();
        Settings settings = Settings.fromEnvironment(Map.of("FSC_DATA_DIR", dataDir.toString(), "FSC_DEMO_DATA", "false",
                "FSC_CPR_KEY", cprKey, "FSC_HTTP_PORT", String.valueOf(httpPort),
                "FSC_MQTT_PORT", String.valueOf(TestInfrastructure.freePort())));
        try (Launcher launcher = Launcher.start(settings);
             Connection c = DriverManager.getConnection(launcher.context().getRequiredProperty("datasources.default.url", String.class),
                     "postgres", null)) {
            assertEquals(latestMigration(), one(c, "SELECT max(version::int) FROM flyway_schema_history WHERE success"),
                    "the folder was migrated to this build's schema");
            assertEquals(MESSAGES, one(c, "SELECT count(*) FROM device_messages WHERE device_id = 'UPGRADE-OX-1'"));
            assertEquals(2L * MESSAGES, one(c, "SELECT count(*) FROM readings WHERE device_id = 'UPGRADE-OX-1'"));
            assertEquals(MESSAGES, one(c, "SELECT count(DISTINCT measured_at) FROM readings WHERE patient_id = '" + patient + "'"));

            String token = login(httpPort, nursePassword);
            HttpResponse<String> latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + httpPort + "/api/patients/" + patient + "/readings"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, latest.statusCode(), latest.body());
            assertTrue(latest.body().contains("\"messageId\":\"old-0\""), "the newest old reading is readable: " + latest.body());
        }
    }

    /** What the previous release wrote: an organisation, a nurse, a patient, a device on loan, readings. */
    private static void writeOlderData(Connection c, CprCipher cpr, UUID patient, String nursePassword) throws SQLException {
        String cprNumber = TestCprs.next();
        update(c, "INSERT INTO organisations (id, name, kind) VALUES ('upgrade-org', 'Upgrade Kommune', 'municipality')");
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id)
                VALUES ('nurse.upgrade', ?, 'Nurse Upgrade', 'nurse', 'upgrade-org')""")) {
            s.setString(1, PasswordHasher.hash(nursePassword));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, 'upgrade-org', 'Upgrade Patient', ?, ?)""")) {
            s.setObject(1, patient);
            s.setBytes(2, cpr.encrypt(cprNumber));
            s.setBytes(3, cpr.lookupHash(cprNumber));
            s.executeUpdate();
        }
        update(c, "INSERT INTO devices (id, device_type, state, mqtt_username, mqtt_password_hash) "
                + "VALUES ('UPGRADE-OX-1', 'pulse_oximeter', 'on_loan', 'UPGRADE-OX-1', 'not-a-login')");
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO loans (device_id, patient_id, organisation_id, starts_at) VALUES ('UPGRADE-OX-1', ?, 'upgrade-org', ?)""")) {
            s.setObject(1, patient);
            s.setObject(2, OffsetDateTime.now(ZoneOffset.UTC).minusDays(500));
            s.executeUpdate();
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (PreparedStatement message = c.prepareStatement("""
                INSERT INTO device_messages (device_id, message_id, measured_at, patient_id, observation_count)
                VALUES ('UPGRADE-OX-1', ?, ?, ?, 2)""");
             PreparedStatement reading = c.prepareStatement("""
                     INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, unit)
                     VALUES ('UPGRADE-OX-1', ?, ?, ?, ?, ?, ?, ?)""")) {
            for (int i = 0; i < MESSAGES; i++) {
                OffsetDateTime at = OffsetDateTime.ofInstant(now.minus(i * 30L, ChronoUnit.HOURS), ZoneOffset.UTC); // over 500 days
                message.setString(1, "old-" + i);
                message.setObject(2, at);
                message.setObject(3, patient);
                message.addBatch();
                addReading(reading, "old-" + i, 0, at, patient, "spo2", 94 + i % 4, "%");
                addReading(reading, "old-" + i, 1, at, patient, "pulse", 70 + i % 10, "/min");
            }
            message.executeBatch();
            reading.executeBatch();
        }
    }

    private static void addReading(PreparedStatement s, String messageId, int seq, OffsetDateTime at, UUID patient, String type,
                                   double value, String unit) throws SQLException {
        s.setString(1, messageId);
        s.setInt(2, seq);
        s.setObject(3, at);
        s.setObject(4, patient);
        s.setString(5, type);
        s.setDouble(6, value);
        s.setString(7, unit);
        s.addBatch();
    }

    private static long latestMigration() throws Exception {
        Path folder = Path.of("src", "main", "resources", "db", "migration");
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToLong(n -> Long.parseLong(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
    }

    private static String login(int httpPort, String password) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"nurse.upgrade\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static long one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
