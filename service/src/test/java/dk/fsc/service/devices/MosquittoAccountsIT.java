package dk.fsc.service.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.LocalMosquitto;
import dk.fsc.service.testing.TestDevice;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Device accounts on a real Mosquitto with the dynamic-security plugin: registering a device
 * through the API lets it log in and publish under its own id only; retiring it disconnects it and
 * refuses its next login. The broker, not the gateway, enforces the topic rights.
 */
@MicronautTest(transactional = false)
class MosquittoAccountsIT extends IntegrationTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private final Fixtures fixtures = new Fixtures();
    private LocalMosquitto mosquitto;

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        mosquitto = LocalMosquitto.startForGateway(p, m -> new String[] {m.gatewayUser, m.gatewayPassword});
        p.put("fsc.mqtt-accounts.kind", "mosquitto-dynsec");
        p.put("fsc.mqtt-accounts.url", mosquitto.url());
        p.put("fsc.mqtt-accounts.username", mosquitto.adminUser);
        p.put("fsc.mqtt-accounts.password", mosquitto.adminPassword);
        return p;
    }

    @AfterAll
    void stopBroker() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void aRegisteredDevicePublishesUnderItsOwnIdOnly() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api admin = new Api(http, fixtures.staff(org, "fsc_admin"));
        String mine = "DYN-A-" + runId.toUpperCase();
        String other = "DYN-B-" + runId.toUpperCase();
        String password = (String) admin.post("/api/devices", Map.of("id", mine, "deviceType", "pulse_oximeter")).get("mqttPassword");
        admin.post("/api/devices", Map.of("id", other, "deviceType", "pulse_oximeter"));
        fixtures.loan(mine, patient, org, Instant.now().minusSeconds(86400), null);
        fixtures.loan(other, fixtures.patient(org), org, Instant.now().minusSeconds(86400), null);

        assertThrows(MqttException.class, () -> new TestDevice(mosquitto.url(), mine, mine, "wrong-password").close());
        try (TestDevice device = new TestDevice(mosquitto.url(), mine, mine, password)) {
            // Another device's topic: the broker refuses it, so the gateway never sees it.
            try {
                device.publish("fsc/v1/devices/" + other + "/readings", reading("forged").getBytes());
            } catch (MqttException refused) {
                // Paho reports the broker's "not authorised" PUBACK as an exception; either way it must not be stored.
            }
            device.publishReading(reading("own"));
            String reply = device.nextReply(REPLY_TIMEOUT);
            assertNotNull(reply, "no reply on the device's own replies topic");
            assertTrue(reply.contains("\"status\":\"accepted\""), reply);
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", mine, patient));
        assertEquals(0, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, other), "a device wrote under another's id");
        assertEquals(0, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ?", other));
    }

    @Test
    void aDeviceCannotConnectUnderTheGatewaysOrAnotherDevicesClientId() throws Exception {
        Api admin = new Api(http, fixtures.staff(fixtures.organisation(), "fsc_admin"));
        String id = "DYN-T-" + runId.toUpperCase();
        String password = (String) admin.post("/api/devices", Map.of("id", id, "deviceType", "scale")).get("mqttPassword");
        // The session takeover of issue 22: the device's own account, the gateway's client id.
        assertThrows(MqttException.class, () -> new TestDevice(mosquitto.url(), "fsc-test-gateway-" + runId, id, id, password).close(),
                "a device connected under the gateway's client id");
        assertThrows(MqttException.class, () -> new TestDevice(mosquitto.url(), "DYN-OTHER-" + runId, id, id, password).close());
        new TestDevice(mosquitto.url(), id, id, password).close();
    }

    @Test
    void retiringADeviceDisconnectsItAndRefusesItsNextLogin() throws Exception {
        Api admin = new Api(http, fixtures.staff(fixtures.organisation(), "fsc_admin"));
        String id = "DYN-R-" + runId.toUpperCase();
        String password = (String) admin.post("/api/devices", Map.of("id", id, "deviceType", "scale")).get("mqttPassword");
        try (TestDevice device = new TestDevice(mosquitto.url(), id, id, password)) {
            assertTrue(device.isConnected());
            admin.post("/api/devices/" + id + "/retire", Map.of("reason", "end of life"));
            Eventually.await("the retired device to be disconnected", Duration.ofSeconds(10), () -> !device.isConnected());
        }
        assertThrows(MqttException.class, () -> new TestDevice(mosquitto.url(), id, id, password).close());
    }

    @Test
    void newCredentialsReplaceTheOldPasswordOnTheBroker() throws Exception {
        Api admin = new Api(http, fixtures.staff(fixtures.organisation(), "fsc_admin"));
        String id = "DYN-C-" + runId.toUpperCase();
        String first = (String) admin.post("/api/devices", Map.of("id", id, "deviceType", "scale")).get("mqttPassword");
        String second = (String) admin.post("/api/devices/" + id + "/credentials", Map.of()).get("mqttPassword");
        assertThrows(MqttException.class, () -> new TestDevice(mosquitto.url(), id, id, first).close());
        new TestDevice(mosquitto.url(), id, id, second).close();
    }

    private static String reading(String messageId) {
        return "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + Instant.now().minusSeconds(30)
                + "\",\"observations\":[{\"type\":\"pulse\",\"value\":77,\"unit\":\"/min\"}]}";
    }
}
