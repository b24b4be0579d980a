package dk.fsc.service.testing;

import dk.fsc.service.platform.mqtt.MqttMessageCallback;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** A home device in a test: publishes on its topics and collects the replies it gets. */
public final class TestDevice implements AutoCloseable {
    private final String deviceId;
    private final MqttClient client;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    /** A device logging in with its own account connects with its device id as client id (brokers bind the two). */
    public TestDevice(String brokerUrl, String deviceId, String username, String password) throws MqttException {
        this(brokerUrl, username == null ? "test-device-" + deviceId + "-" + UUID.randomUUID().toString().substring(0, 6) : deviceId,
                deviceId, username, password);
    }

    /** A device connecting under a client id of the caller's choosing (someone else's, in an attack). */
    public TestDevice(String brokerUrl, String clientId, String deviceId, String username, String password) throws MqttException {
        this.deviceId = deviceId;
        this.client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        // A broker that never answers fails the test after 30 s instead of hanging it (Paho waits forever by default).
        client.setTimeToWait(30_000);
        client.setCallback((MqttMessageCallback) (topic, message) ->
                replies.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options);
        client.subscribe("fsc/v1/devices/" + deviceId + "/replies", 1);
    }

    public TestDevice(String brokerUrl, String deviceId) throws MqttException {
        this(brokerUrl, deviceId, null, null);
    }

    /** A reading's JSON as a device sends it, with one observation (itself JSON). */
    public static String reading(String messageId, String measuredAt, String observation) {
        return "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + measuredAt + "\",\"observations\":[" + observation + "]}";
    }

    /** Publishes a reading measured {@code minutesAgo} and returns the gateway's reply (sent after its commit), or null. */
    public String sendReading(String messageId, long minutesAgo, String observation, Duration timeout)
            throws MqttException, InterruptedException {
        publishReading(reading(messageId, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(minutesAgo).withNano(0).toString(), observation));
        return nextReply(timeout);
    }

    /** A wound photo message as a camera sends it (wound w-1, a venous leg ulcer on the left lower leg, taken a minute ago). */
    public static byte[] photo(String messageId, String contentType, byte[] image) {
        return ("{\"messageId\": \"" + messageId + "\", \"takenAt\": \"" + java.time.Instant.now().minusSeconds(60) + "\","
                + " \"woundId\": \"w-1\", \"woundType\": \"venous_leg_ulcer\", \"bodySite\": \"left lower leg\","
                + " \"lengthCm\": 3.5, \"widthCm\": 2.0, \"contentType\": \"" + contentType + "\","
                + " \"image\": \"" + java.util.Base64.getEncoder().encodeToString(image) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    public void publishPhoto(byte[] message) throws MqttException {
        publish("fsc/v1/devices/" + deviceId + "/photos", message);
    }

    public void publishReading(String json) throws MqttException {
        publish("fsc/v1/devices/" + deviceId + "/readings", json.getBytes(StandardCharsets.UTF_8));
    }

    public void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** The next reply, or null when none came in time. */
    public String nextReply(Duration timeout) throws InterruptedException {
        return replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            try {
                client.disconnect();
            } catch (MqttException e) {
                // The broker may close the connection between the check and the DISCONNECT (as it does after a refused
                // publish): the client is then already disconnected, or still disconnecting on its own thread.
                if (e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_ALREADY_DISCONNECTED
                        && e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_DISCONNECTING) {
                    throw e;
                }
            }
        }
        client.close();
    }
}
