package dk.fsc.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.ingest.MqttIngest;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 22 (items 1 and 2) on a broker that does not bind client ids (the tests'
 * anonymous one): a client connects with the gateway's client id and a kept session, subscribes
 * the session to a device's replies topic, and leaves. The gateway gets its session back with
 * that subscription in it. It must not answer its own replies (that was a loop of ~720 messages a
 * second, each quarantined as BAD_TOPIC), must remove the subscription, and must count it.
 */
@MicronautTest(transactional = false)
class ForeignSubscriptionIT extends IntegrationTest {
    private static final Duration REPLY = Duration.ofSeconds(20);
    private final Fixtures fixtures = new Fixtures();

    @Inject
    MqttIngest gateway;

    @Inject
    MeterRegistry registry;

    private double foreignMessages() {
        return registry.get("fsc.gateway.foreign.messages").functionCounter().count();
    }

    @Test
    void aRepliesTopicAddedToTheGatewaysSessionIsNeverAnsweredAndIsUnsubscribed() throws Exception {
        String org = fixtures.organisation();
        String deviceId = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        Eventually.await("the gateway to connect", Duration.ofSeconds(30), gateway::isConnected);

        // The session takeover: the gateway's client id, clean start off, a subscription, gone again.
        MqttClient intruder = new MqttClient(TestInfrastructure.brokerUrl(), "fsc-test-gateway-" + runId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(600L);
        intruder.connect(options);
        intruder.subscribe("fsc/v1/devices/" + deviceId + "/replies", 1);
        intruder.disconnect();
        intruder.close();
        Thread.sleep(1_500); // the gateway's automatic reconnect starts after 1 s
        Eventually.await("the gateway to reconnect to its session", Duration.ofSeconds(60), gateway::isConnected);

        try (TestDevice device = new TestDevice(TestInfrastructure.brokerUrl(), deviceId)) {
            String first = device.sendReading("foreign-1-" + UUID.randomUUID(), 1, "{\"type\":\"pulse\",\"value\":71,\"unit\":\"/min\"}", REPLY);
            assertNotNull(first, "no reply to the reading");
            assertTrue(first.contains("\"status\":\"accepted\""), first);
            Eventually.await("the gateway to notice its reply coming back", Duration.ofSeconds(20), () -> foreignMessages() >= 1);
            assertNull(device.nextReply(Duration.ofSeconds(3)), "the gateway answered its own reply");
            assertEquals(0, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ?", deviceId),
                    "the gateway's own reply was quarantined");

            double noticed = foreignMessages();
            String second = device.sendReading("foreign-2-" + UUID.randomUUID(), 1, "{\"type\":\"pulse\",\"value\":72,\"unit\":\"/min\"}", REPLY);
            assertNotNull(second, "no reply to the second reading");
            assertTrue(second.contains("\"status\":\"accepted\""), second);
            Thread.sleep(2_000);
            assertEquals(noticed, foreignMessages(), "the foreign subscription was not removed");
            assertNull(device.nextReply(Duration.ofSeconds(1)));
        }
        assertEquals(2, fixtures.count("SELECT count(*) FROM device_messages WHERE device_id = ?", deviceId));
    }
}
