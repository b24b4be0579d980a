package dk.fsc.service.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.embedded.BrokerAccess;
import dk.fsc.service.platform.embedded.EmbeddedBroker;
import dk.fsc.service.platform.mqtt.BrokerRules;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedded broker binds each account to its client ids (issue 22, item 1): a device only
 * under its own device id, the gateway's account only under the gateway's ids, the simulator's
 * only under fsc-sim-*; so no device can take over the gateway's session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedBrokerAccessIT {
    private static final String GATEWAY_ID = "fsc-gateway-access-it";
    private final Fixtures fixtures = new Fixtures();
    private final BrokerRules.Account gateway = new BrokerRules.Account("fsc-gateway", "gw-" + System.nanoTime());
    private final BrokerRules.Account tool = new BrokerRules.Account("fsc-simulator", "sim-" + System.nanoTime());
    private EmbeddedBroker broker;

    @BeforeAll
    void start() {
        TestInfrastructure.Database db = TestInfrastructure.database();
        broker = EmbeddedBroker.start(TestInfrastructure.scratch("broker-access"), "127.0.0.1", TestInfrastructure.freePort(),
                new BrokerAccess(gateway, GATEWAY_ID, tool, db.url(), db.user(), db.password()));
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private MqttClient connect(String clientId, String username, String password) throws MqttException {
        MqttClient client = new MqttClient(broker.url(), clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(username);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(false);
        options.setSessionExpiryInterval(600L);
        client.connect(options);
        return client;
    }

    private static boolean granted(MqttClient client, String filter) {
        try {
            IMqttToken token = client.subscribe(new String[] {filter}, new int[] {1});
            return token.getReasonCodes()[0] < 0x80;
        } catch (MqttException refused) {
            return false;
        }
    }

    @Test
    void aDeviceConnectsUnderItsOwnIdOnly() throws Exception {
        String device = fixtures.device("on_loan");
        String other = fixtures.device("on_loan");
        new TestDevice(broker.url(), device, device, "pw-" + device).close();
        assertThrows(MqttException.class, () -> connect(GATEWAY_ID, device, "pw-" + device), "a device took the gateway's client id");
        assertThrows(MqttException.class, () -> connect(GATEWAY_ID + "-replies", device, "pw-" + device));
        assertThrows(MqttException.class, () -> connect(other, device, "pw-" + device), "a device took another device's client id");
        assertThrows(MqttException.class, () -> connect("random-" + System.nanoTime(), device, "pw-" + device));
    }

    @Test
    void theGatewaysAccountUsesTheGatewaysIdsAndCannotReadReplies() throws Exception {
        MqttClient ingest = connect(GATEWAY_ID, gateway.username(), gateway.password());
        MqttClient replies = connect(GATEWAY_ID + "-replies", gateway.username(), gateway.password());
        try {
            assertTrue(granted(ingest, "fsc/v1/devices/+/readings"), "the gateway may subscribe to readings");
            assertTrue(!granted(ingest, "fsc/v1/devices/+/replies"), "the gateway's account subscribed to replies topics");
        } finally {
            ingest.disconnect();
            ingest.close();
            replies.disconnect();
            replies.close();
        }
        assertThrows(MqttException.class, () -> connect("someone-else", gateway.username(), gateway.password()));
    }

    @Test
    void theSimulatorsAccountUsesItsOwnPrefixOnly() throws Exception {
        MqttClient sim = connect(BrokerRules.TOOL_CLIENT_PREFIX + "test-1", tool.username(), tool.password());
        sim.disconnect();
        sim.close();
        assertThrows(MqttException.class, () -> connect(GATEWAY_ID, tool.username(), tool.password()));
        assertEquals(0, broker.droppedMessages());
    }
}
