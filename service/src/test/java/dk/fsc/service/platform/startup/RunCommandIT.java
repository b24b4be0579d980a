package dk.fsc.service.platform.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.fsc.service.platform.embedded.EmbeddedBroker;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The run command as a user meets it: no database or broker installed, so it starts the embedded
 * PostgreSQL and MQTT broker, loads the demo, writes demo-credentials.json, lets a demo device in
 * with its credentials only, and keeps the data over a restart.
 */
class RunCommandIT {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void startsEverythingEmbeddedAndKeepsDataOverARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("fsc-run");
        int httpPort = TestInfrastructure.freePort();
        int mqttPort = TestInfrastructure.freePort();
        Settings settings = Settings.fromEnvironment(Map.of("FSC_DATA_DIR", dataDir.toString(),
                "FSC_HTTP_PORT", String.valueOf(httpPort), "FSC_MQTT_PORT", String.valueOf(mqttPort)));
        String broker = "tcp://127.0.0.1:" + mqttPort;

        JsonNode credentials;
        String patientId;
        try (Launcher ignored = Launcher.start(settings)) {
            credentials = json.readTree(dataDir.resolve("demo-credentials.json").toFile());
            assertEquals(mqttPort, credentials.at("/mqtt/port").asInt());
            assertEquals(httpPort, credentials.at("/http/port").asInt());
            JsonNode device = credentials.at("/devices/0");
            JsonNode other = credentials.at("/devices/1");
            patientId = device.get("patientId").asText();

            try (TestDevice d = new TestDevice(broker, device.get("deviceId").asText(),
                    device.get("mqttUsername").asText(), device.get("mqttPassword").asText())) {
                // The broker must refuse a device writing under another device's topic.
                try {
                    d.publish("fsc/v1/devices/" + other.get("deviceId").asText() + "/readings",
                            reading("forged", 90).getBytes());
                } catch (MqttException refusedOrDisconnected) {
                    // either answer is a refusal
                }
            }
            try (TestDevice d = new TestDevice(broker, device.get("deviceId").asText(),
                    device.get("mqttUsername").asText(), device.get("mqttPassword").asText())) {
                d.publishReading(reading("run-1", 91));
                String reply = d.nextReply(Duration.ofSeconds(30));
                assertNotNull(reply, "no reply from the embedded system");
                assertTrue(reply.contains("accepted"), reply);
            }
            assertThrows(MqttException.class, () -> new TestDevice(broker, device.get("deviceId").asText(),
                    device.get("mqttUsername").asText(), "wrong-password").close());

            String history = readings(credentials, httpPort, patientId);
            assertTrue(history.contains("\"messageId\":\"run-1\""), history);
            String otherHistory = readings(credentials, httpPort, other.get("patientId").asText());
            assertFalse(otherHistory.contains("forged"), "a forged reading was stored: " + otherHistory);

            // The wound demo: the clinic's specialist sees the open referral, the wound's three photos and can open one.
            JsonNode specialist = null;
            for (JsonNode user : credentials.get("users")) {
                if (user.get("role").asText().equals("wound_specialist")) {
                    specialist = user;
                }
            }
            assertNotNull(specialist, "the demo has a wound specialist login");
            JsonNode referrals = json.readTree(get(httpPort, specialist, "/api/referrals").body());
            assertEquals(1, referrals.size(), referrals.toString());
            JsonNode wound = json.readTree(get(httpPort, specialist, "/api/wounds/" + referrals.get(0).get("woundId").asText()).body());
            assertEquals(3, wound.get("photos").size(), wound.toString());
            assertEquals(3, wound.get("measurements").size(), "the area curve of the series");
            HttpResponse<String> image = get(httpPort, specialist, wound.at("/photos/0/imageUrl").asText());
            assertEquals("image/jpeg", image.headers().firstValue("Content-Type").orElse(""));
        }

        try (Launcher ignored = Launcher.start(settings)) {
            assertTrue(readings(credentials, httpPort, patientId).contains("\"messageId\":\"run-1\""),
                    "the reading survives a restart");
        }
    }

    /** Issue 23: the embedded database writes like an installed server, and only this machine reaches the demo. */
    @Test
    void theEmbeddedDatabaseIsDurableAndTheDemoListensOnLoopback() throws Exception {
        Path dataDir = Files.createTempDirectory("fsc-run");
        Settings settings = Settings.fromEnvironment(Map.of("FSC_DATA_DIR", dataDir.toString(),
                "FSC_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()), "FSC_MQTT_PORT", String.valueOf(TestInfrastructure.freePort())));
        try (Launcher launcher = Launcher.start(settings)) {
            try (Connection c = database(launcher); Statement s = c.createStatement()) {
                for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
                    try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                        rs.next();
                        assertEquals("on", rs.getString(1), setting + " of the running embedded PostgreSQL");
                    }
                }
            }
            assertEquals("127.0.0.1", launcher.context().getBean(EmbeddedServer.class).getHost());
        }
        StartupProblem exposed = assertThrows(StartupProblem.class, () -> Launcher.start(Settings.fromEnvironment(Map.of(
                "FSC_DATA_DIR", dataDir.toString(), "FSC_BIND_ADDRESS", "0.0.0.0",
                "FSC_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()), "FSC_MQTT_PORT", String.valueOf(TestInfrastructure.freePort())))));
        assertTrue(exposed.getMessage().contains("FSC_DEMO_DATA"), exposed.getMessage());
        // The folder holds the demo's public logins now: asking for no demo is not enough to expose it.
        RuntimeException old = assertThrows(RuntimeException.class, () -> Launcher.start(Settings.fromEnvironment(Map.of(
                "FSC_DATA_DIR", dataDir.toString(), "FSC_BIND_ADDRESS", "0.0.0.0", "FSC_DEMO_DATA", "false",
                "FSC_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()), "FSC_MQTT_PORT", String.valueOf(TestInfrastructure.freePort())))));
        assertTrue(String.valueOf(causes(old)).contains("demo's public login"), String.valueOf(causes(old)));
    }

    /**
     * Issue 22, item 3: 2 000 QoS 1 readings from one device, back to back, through the embedded
     * broker while the gateway is behind: every one the broker acknowledged is stored or quarantined with a reason (past the
     * device's burst: RATE_LIMITED), and the broker dropped none.
     */
    @Test
    void aBurstFromOneDeviceIsNeitherAcknowledgedAndDroppedNorLost() throws Exception {
        Path dataDir = Files.createTempDirectory("fsc-run");
        int mqttPort = TestInfrastructure.freePort();
        Settings settings = Settings.fromEnvironment(Map.of("FSC_DATA_DIR", dataDir.toString(),
                "FSC_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()), "FSC_MQTT_PORT", String.valueOf(mqttPort)));
        int burst = 2_000;
        try (Launcher launcher = Launcher.start(settings)) {
            JsonNode device = json.readTree(dataDir.resolve("demo-credentials.json").toFile()).at("/devices/0");
            String deviceId = device.get("deviceId").asText();
            String at = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).withNano(0).toString();
            // The gateway is behind (its table locked, as under a slow database): the burst waits in the broker.
            try (Connection lock = database(launcher);
                 TestDevice d = new TestDevice("tcp://127.0.0.1:" + mqttPort, deviceId, device.get("mqttUsername").asText(),
                    device.get("mqttPassword").asText())) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("LOCK TABLE device_messages IN ACCESS EXCLUSIVE MODE");
                }
                // The gateway is behind for a while, not for ever: a broker that stops reading from a publisher under
                // load (HiveMQ's overload protection) would otherwise wait for the gateway while the test waits for it.
                long releaseAt = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                long giveUpAt = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                boolean locked = true;
                for (int i = 0; i < burst; i++) {
                    String reading = TestDevice.reading("burst-" + i, at, "{\"type\":\"pulse\",\"value\":" + (60 + i % 40) + ",\"unit\":\"/min\"}");
                    while (true) {
                        if (locked && System.nanoTime() > releaseAt) {
                            lock.rollback();
                            locked = false;
                        }
                        assertTrue(System.nanoTime() < giveUpAt, "the broker took only " + i + " of " + burst + " readings in 180 s");
                        try {
                            d.publishReading(reading);
                            break;
                        } catch (MqttException e) {
                            if (e.getReasonCode() != 32202 /* too many publishes in progress */) {
                                throw e;
                            }
                            Thread.sleep(1); // Paho frees the slot just after the PUBACK; a device tries again
                        }
                    }
                }
                if (locked) {
                    lock.rollback();
                }
            }
            long[] accounted = new long[1];
            Eventually.await("every message of the burst stored or quarantined", Duration.ofSeconds(120), () -> {
                // A fresh folder: everything of this device is the burst (a rate-limited message is kept unparsed).
                accounted[0] = count(launcher, "SELECT (SELECT count(*) FROM device_messages WHERE device_id = ?)"
                        + " + (SELECT count(*) FROM quarantine WHERE device_id = ?)", deviceId);
                return accounted[0] >= burst;
            });
            assertEquals(burst, accounted[0]);
            assertTrue(count(launcher, "SELECT count(*) FROM device_messages WHERE device_id = ? AND message_id LIKE 'burst-%' AND ? IS NOT NULL",
                    deviceId) > 0, "none of the burst was stored");
            assertEquals(0, launcher.context().getBean(EmbeddedBroker.class).droppedMessages(), "the broker dropped messages");
        }
    }

    private static Connection database(Launcher launcher) throws java.sql.SQLException {
        return DriverManager.getConnection(launcher.context().getRequiredProperty("datasources.default.url", String.class), "postgres", "");
    }

    private static long count(Launcher launcher, String sql, String deviceId) {
        try (Connection c = database(launcher); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, deviceId);
            s.setString(2, deviceId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.List<String> causes(Throwable e) {
        java.util.List<String> messages = new java.util.ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(t.getMessage());
        }
        return messages;
    }

    private HttpResponse<String> get(int httpPort, JsonNode user, String path) throws Exception {
        String login = "{\"username\":\"" + user.get("username").asText() + "\",\"password\":\"" + user.get("password").asText() + "\"}";
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(login)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + json.readTree(token.body()).get("access_token").asText()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        return answer;
    }

    private String readings(JsonNode credentials, int httpPort, String patientId) throws Exception {
        JsonNode nurse = null;
        for (JsonNode device : credentials.get("devices")) {
            if (device.path("patientId").asText().equals(patientId)) {
                for (JsonNode user : credentials.get("users")) {
                    if (user.get("organisation").asText().equals(device.get("organisation").asText())
                            && user.get("role").asText().equals("nurse")) {
                        nurse = user;
                    }
                }
            }
        }
        assertNotNull(nurse, "no demo nurse for the patient's municipality");
        String login = "{\"username\":\"" + nurse.get("username").asText() + "\",\"password\":\"" + nurse.get("password").asText() + "\"}";
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(login)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        String bearer = json.readTree(token.body()).get("access_token").asText();
        HttpResponse<String> history = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/api/patients/" + patientId + "/readings")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, history.statusCode(), history.body());
        return history.body();
    }

    private static String reading(String messageId, int spo2) {
        return "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1).withNano(0)
                + "\",\"observations\":[{\"type\":\"spo2\",\"value\":" + spo2 + ",\"unit\":\"%\"}]}";
    }
}
