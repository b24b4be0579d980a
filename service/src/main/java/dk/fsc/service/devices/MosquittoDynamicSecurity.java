package dk.fsc.service.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.service.platform.mqtt.MqttMessageCallback;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device accounts on Mosquitto 2 through its dynamic-security plugin: commands published to
 * {@code $CONTROL/dynamic-security/v1}, answers read from its {@code /response} topic. Each device
 * gets a client (username = device id) with its own role that allows publishing to
 * {@code fsc/v1/devices/{id}/readings|photos|status} and subscribing to its replies, nothing
 * else. Deleting the client disconnects the device at once.
 */
final class MosquittoDynamicSecurity implements BrokerAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(MosquittoDynamicSecurity.class);
    private static final String CONTROL = "$CONTROL/dynamic-security/v1";
    private static final long TIMEOUT_SECONDS = 10;

    private final String url;
    private final String username;
    private final String password;
    private final ObjectMapper json = new ObjectMapper();
    private MqttClient client;
    private volatile CompletableFuture<JsonNode> pending;
    private volatile String pendingCorrelation;

    MosquittoDynamicSecurity(String url, String username, String password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    @Override
    public synchronized void issue(String deviceId, String deviceUsername, String devicePassword) throws BrokerAccountException {
        String role = role(deviceId);
        ObjectNode createRole = command("createRole").put("rolename", role);
        ArrayNode acls = createRole.putArray("acls");
        for (DeviceTopic.Kind kind : DeviceTopic.Kind.values()) {
            acl(acls, "publishClientSend", DeviceTopic.PREFIX + deviceId + "/" + kind.name());
        }
        acl(acls, "subscribeLiteral", DeviceTopic.repliesTopic(deviceId));
        acl(acls, "publishClientReceive", DeviceTopic.repliesTopic(deviceId));
        // Bound to its device id: no device can connect under the gateway's (or another device's) client id.
        ObjectNode createClient = command("createClient").put("username", deviceUsername).put("password", devicePassword)
                .put("clientid", deviceId).put("textname", "FSC device " + deviceId);
        createClient.putArray("roles").addObject().put("rolename", role);
        List<String> errors = send(createRole, createClient);
        if (errors.get(1) != null && errors.get(1).contains("already exists")) {
            // New credentials, or a registration retried after a failure: reset the password, enable the client.
            errors = send(command("setClientPassword").put("username", deviceUsername).put("password", devicePassword),
                    command("setClientId").put("username", deviceUsername).put("clientid", deviceId),
                    command("enableClient").put("username", deviceUsername));
            fail("issue the account of " + deviceId, errors, "already");
            // Make sure the role is on; Mosquitto answers with an error when it already is, which is fine.
            send(command("addClientRole").put("username", deviceUsername).put("rolename", role));
        } else {
            fail("issue the account of " + deviceId, errors, "already exists");
        }
    }

    @Override
    public synchronized void revoke(String deviceId, String deviceUsername) throws BrokerAccountException {
        List<String> errors = send(command("deleteClient").put("username", deviceUsername),
                command("deleteRole").put("rolename", role(deviceId)));
        fail("revoke the account of " + deviceId, errors, "not found");
    }

    @Override
    public String describe() {
        return "Mosquitto dynamic security at " + url;
    }

    private static String role(String deviceId) {
        return "fsc-device-" + deviceId;
    }

    private ObjectNode command(String name) {
        return json.createObjectNode().put("command", name);
    }

    private static void acl(ArrayNode acls, String type, String topic) {
        acls.addObject().put("acltype", type).put("topic", topic).put("allow", true).put("priority", 0);
    }

    /** Errors other than the tolerated kind (e.g. "not found" when revoking twice) fail the change. */
    private static void fail(String what, List<String> errors, String tolerated) throws BrokerAccountException {
        for (String error : errors) {
            if (error != null && !error.contains(tolerated)) {
                throw new BrokerAccountException("Mosquitto refused to " + what + ": " + error, null);
            }
        }
    }

    /** Sends the commands as one request and returns each one's error (null when it succeeded). */
    private List<String> send(ObjectNode... commands) throws BrokerAccountException {
        String correlation = UUID.randomUUID().toString();
        ObjectNode request = json.createObjectNode();
        ArrayNode list = request.putArray("commands");
        for (ObjectNode c : commands) {
            list.add(c.deepCopy().put("correlationData", correlation));
        }
        try {
            connect();
            pendingCorrelation = correlation;
            pending = new CompletableFuture<>();
            client.publish(CONTROL, json.writeValueAsBytes(request), 1, false);
            JsonNode response = pending.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            JsonNode responses = response.path("responses");
            if (!responses.isArray() || responses.size() != commands.length) {
                throw new BrokerAccountException("unexpected answer from Mosquitto dynamic security: " + response, null);
            }
            return java.util.stream.StreamSupport.stream(responses.spliterator(), false)
                    .map(r -> r.hasNonNull("error") ? r.get("error").asText() : null).toList();
        } catch (MqttException | java.io.IOException | ExecutionException | TimeoutException e) {
            disconnect();
            throw new BrokerAccountException("cannot reach Mosquitto dynamic security at " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerAccountException("interrupted", e);
        }
    }

    private void connect() throws MqttException {
        if (client != null && client.isConnected()) {
            return;
        }
        client = new MqttClient(url, "fsc-accounts-" + UUID.randomUUID().toString().substring(0, 8), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setUserName(username);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        options.setConnectionTimeout((int) TIMEOUT_SECONDS);
        client.setCallback((MqttMessageCallback) (topic, message) -> answer(message));
        client.connect(options);
        client.subscribe(CONTROL + "/response", 1);
        LOG.info("Connected to Mosquitto dynamic security at {} as {}", url, username);
    }

    private void answer(MqttMessage message) {
        CompletableFuture<JsonNode> waiting = pending;
        if (waiting == null) {
            return;
        }
        try {
            JsonNode response = json.readTree(message.getPayload());
            // A late answer to a request that timed out is not this request's answer.
            if (pendingCorrelation.equals(response.path("responses").path(0).path("correlationData").asText())) {
                waiting.complete(response);
            }
        } catch (java.io.IOException e) {
            waiting.completeExceptionally(e);
        }
    }

    private void disconnect() {
        try {
            if (client != null) {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1000); // no quiesce: Paho would wait 30 s by default
                }
                client.close();
            }
        } catch (MqttException e) {
            LOG.debug("Closing the dynamic-security connection: {}", e.getMessage());
        }
        client = null;
    }

    @Override
    public synchronized void close() {
        disconnect();
    }
}
