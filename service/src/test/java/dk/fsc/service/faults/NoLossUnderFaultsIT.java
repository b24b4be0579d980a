package dk.fsc.service.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.testing.LocalMosquitto;
import dk.fsc.service.testing.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, item 1: while 100 000 readings stream in, the gateway is killed with SIGKILL, PostgreSQL
 * is restarted and the broker is restarted (with persistence); afterwards every reading is stored
 * exactly once. Every part is real and separate: the gateway jar in its own process, a PostgreSQL
 * server and a Mosquitto broker of the test's own (so they can be restarted). The number of
 * readings can be raised for a longer run: -Dfsc.faults.readings=1000000.
 */
class NoLossUnderFaultsIT {
    private static final int READINGS = Integer.getInteger("fsc.faults.readings", 100_000);
    private static final int DEVICES = 100;
    /** Readings per second the devices send: below what the gateway stores, so faults hit a live stream. */
    private static final int RATE = Integer.getInteger("fsc.faults.rate", 3_000);

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyReadingIsStoredExactlyOnceThroughAGatewayCrashADatabaseRestartAndABrokerRestart() throws Exception {
        Assumptions.assumeTrue(LocalMosquitto.unavailable().isEmpty(), () -> "skipped: " + LocalMosquitto.unavailable().get());
        Path folder = TestInfrastructure.scratch("faults");
        int pgPort = TestInfrastructure.freePort();
        Path pgData = folder.resolve("postgres");
        EmbeddedDatabase db = EmbeddedDatabase.start(pgData, pgPort);
        String url = db.jdbcUrl();
        Flyway.configure().dataSource(url, null, null).load().migrate();
        List<String> devices = devicesOnLoan(url);

        try (LocalMosquitto broker = LocalMosquitto.start();
             GatewayProcess gateway = new GatewayProcess(Map.of(
                     "FSC_DB_URL", url,
                     "FSC_MQTT_URL", broker.url(),
                     "FSC_MQTT_USERNAME", broker.gatewayUser,
                     "FSC_MQTT_PASSWORD", broker.gatewayPassword,
                     "FSC_GATEWAY_CLIENT_ID", "fault-gateway",
                     // One gateway, plain subscription: Mosquitto 2.0 restores it after a restart (not a shared one).
                     "FSC_GATEWAY_SHARE_GROUP", "",
                     "FSC_GATEWAY_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()),
                     // 100 simulated devices at 30 messages/s each, far past a real device's rate limit
                     "FSC_DEVICE_RATE", "0",
                     "FSC_BLOB_DIR", folder.resolve("blobs").toString()), folder.resolve("gateway.log"));
             ReadingPublisher publisher = new ReadingPublisher(broker.url(), broker.simulatorUser, broker.simulatorPassword, devices)) {
            gateway.start();
            gateway.awaitSubscribed(Duration.ofMinutes(1));
            // The devices publish all the time; the faults hit while readings are in every stage.
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                try {
                    publisher.publish(0, READINGS, RATE);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            awaitStored(url, READINGS / 5, Duration.ofMinutes(2));
            gateway.kill();
            log("gateway killed with SIGKILL at " + count(url) + " stored");
            Thread.sleep(1_000);
            gateway.start();

            awaitStored(url, READINGS * 9 / 20, Duration.ofMinutes(3));
            db.close();
            log("PostgreSQL stopped at " + READINGS * 9 / 20 + "+ stored");
            Thread.sleep(2_000);
            db = EmbeddedDatabase.start(pgData, pgPort);
            log("PostgreSQL started again");

            awaitStored(url, READINGS * 7 / 10, Duration.ofMinutes(3));
            broker.restart();
            log("broker restarted (SIGTERM, persistence) at " + count(url) + " stored");

            stream.get(5, TimeUnit.MINUTES);
            awaitStored(url, READINGS, Duration.ofMinutes(5));
            Thread.sleep(2_000); // anything still in flight would show as an extra row now

            Counts counts = counts(url);
            log("published " + READINGS + " at " + RATE + "/s (resent " + publisher.resent() + " after faults); stored readings " + counts.readings
                    + ", distinct messages " + counts.messages + ", quarantined " + counts.quarantined);
            assertEquals(READINGS, counts.messages, "every reading's message stored exactly once");
            assertEquals(READINGS, counts.readings, "one observation row per reading, none lost, none doubled");
            assertEquals(READINGS, counts.distinctReadings);
            assertEquals(0, counts.quarantined, "nothing refused: " + Files.readString(gateway.log()).lines()
                    .filter(l -> l.contains("ERROR")).limit(5).toList());
        } finally {
            db.close();
        }
    }

    private static List<String> devicesOnLoan(String url) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO organisations (id, name, kind) VALUES ('fault-org', 'Fault Kommune', 'municipality')");
            try (PreparedStatement patient = c.prepareStatement("INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, 'fault-org', 'Test', '\\x01', ?)");
                 PreparedStatement device = c.prepareStatement("INSERT INTO devices (id, device_type, state, mqtt_username, mqtt_password_hash) VALUES (?, 'pulse_oximeter', 'on_loan', ?, 'x')");
                 PreparedStatement loan = c.prepareStatement("INSERT INTO loans (device_id, patient_id, organisation_id, starts_at) VALUES (?, ?, 'fault-org', now() - interval '10 days')")) {
                for (int i = 0; i < DEVICES; i++) {
                    UUID p = UUID.randomUUID();
                    String id = "FAULT-" + i;
                    patient.setObject(1, p);
                    patient.setBytes(2, UUID.randomUUID().toString().getBytes());
                    patient.executeUpdate();
                    device.setString(1, id);
                    device.setString(2, id);
                    device.executeUpdate();
                    loan.setString(1, id);
                    loan.setObject(2, p);
                    loan.executeUpdate();
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    private record Counts(long messages, long readings, long distinctReadings, long quarantined) {
    }

    private static Counts counts(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT (SELECT count(*) FROM device_messages),
                            (SELECT count(*) FROM readings),
                            (SELECT count(DISTINCT (device_id, message_id)) FROM readings),
                            (SELECT count(*) FROM quarantine)""")) {
            rs.next();
            return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
    }

    private static long count(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM device_messages")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // the database is restarting
        }
    }

    private static void awaitStored(String url, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stored = 0;
        while (System.nanoTime() < deadline) {
            stored = count(url);
            if (stored >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("only " + stored + " of " + atLeast + " readings stored after " + timeout.toSeconds() + " s");
    }

    private static void log(String line) {
        System.out.println("[faults] " + line);
    }
}
