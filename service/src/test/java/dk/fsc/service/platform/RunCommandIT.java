package dk.fsc.service.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
    private final HttpClient http = HttpClient.newHttpClient();

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
        }

        try (Launcher ignored = Launcher.start(settings)) {
            assertTrue(readings(credentials, httpPort, patientId).contains("\"messageId\":\"run-1\""),
                    "the reading survives a restart");
        }
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
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(login)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        String bearer = json.readTree(token.body()).get("access_token").asText();
        HttpResponse<String> history = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/api/patients/" + patientId + "/readings"))
                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, history.statusCode(), history.body());
        return history.body();
    }

    private static String reading(String messageId, int spo2) {
        return "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1).withNano(0)
                + "\",\"observations\":[{\"type\":\"spo2\",\"value\":" + spo2 + ",\"unit\":\"%\"}]}";
    }
}
