package dk.fsc.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.ingest.MqttIngest;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Two gateways in one shared-subscription group split the devices' messages; each reading is stored once. */
class TwoGatewaysIT extends IntegrationTest {
    private static final int DEVICES = 20;
    private static final int READINGS_PER_DEVICE = 50;
    /** Paho's reason code for "too many publishes in progress". */
    private static final int TOO_MANY_PUBLISHES_IN_PROGRESS = 32202;
    private final Fixtures fixtures = new Fixtures();

    @Test
    void twoGatewaysSplitTheLoadAndStoreEveryReadingOnce() throws Exception {
        // Several gateways need a shared subscription, and the embedded HiveMQ CE was seen to stall
        // one (docs/mqtt.md): the run command there has one gateway, subscribed plainly. Where the
        // tests fall back to that broker this test has nothing of ours to prove; .ci/run installs Mosquitto.
        Assumptions.assumeFalse(TestInfrastructure.brokerKind().equals("embedded"),
                "skipped on the embedded HiveMQ CE: several gateways need a broker whose shared subscriptions do not stall (Mosquitto)");
        String org = fixtures.organisation();
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            devices.add(fixtures.deviceOnLoanTo(fixtures.patient(org), org));
        }
        try (ApplicationContext first = gateway("a"); ApplicationContext second = gateway("b")) {
            MqttClient publisher = new MqttClient(TestInfrastructure.brokerUrl(), "two-gw-pub-" + runId, new MemoryPersistence());
            publisher.connect(new MqttConnectionOptions());
            for (int n = 0; n < READINGS_PER_DEVICE; n++) {
                for (String device : devices) {
                    String body = GatewayIngestIT.reading("m-" + n, GatewayIngestIT.minutesAgo(60 - n), GatewayIngestIT.pulse(60 + n % 30));
                    publish(publisher, "fsc/v1/devices/" + device + "/readings", body.getBytes(StandardCharsets.UTF_8));
                }
            }
            publisher.disconnect();
            publisher.close();
            int total = DEVICES * READINGS_PER_DEVICE;
            Eventually.await(total + " readings stored", Duration.ofSeconds(60), () -> stored(org) >= total);
            double byFirst = storedBy(first);
            double bySecond = storedBy(second);
            assertEquals(total, stored(org), "every reading exactly once");
            assertEquals(total, byFirst + bySecond, "each stored by exactly one gateway");
            assertTrue(byFirst > 0 && bySecond > 0, "both gateways took a share: " + byFirst + " / " + bySecond);
        }
    }

    /**
     * Paho's MQTT 5 client can report "too many publishes in progress" right after a synchronous
     * publish completed (its in-flight count lags the PUBACK); like a device, wait and send again.
     */
    private static void publish(MqttClient publisher, String topic, byte[] body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                publisher.publish(topic, body, 1, false);
                return;
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                if (e.getReasonCode() != TOO_MANY_PUBLISHES_IN_PROGRESS || attempt > 50) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private long stored(String org) {
        return fixtures.count("SELECT count(*) FROM readings r JOIN devices d ON d.device_number = r.device_number JOIN loans l ON l.device_id = d.id WHERE l.organisation_id = ?", org);
    }

    private static double storedBy(ApplicationContext gateway) {
        return gateway.getBean(MeterRegistry.class).counter("fsc.gateway.readings.stored").count();
    }

    private ApplicationContext gateway(String name) throws InterruptedException {
        Map<String, Object> properties = new HashMap<>(getProperties());
        properties.put("fsc.gateway.client-id", "fsc-test-two-" + name + "-" + runId);
        properties.put("fsc.gateway.share-group", "fsc-test-two-" + runId);
        properties.put("fsc.alerts.evaluation-enabled", "false");
        ApplicationContext context = ApplicationContext.run(properties);
        MqttIngest ingest = context.getBean(MqttIngest.class);
        Eventually.await("gateway " + name + " connects", Duration.ofSeconds(20), ingest::isConnected);
        Thread.sleep(300);
        return context;
    }
}
