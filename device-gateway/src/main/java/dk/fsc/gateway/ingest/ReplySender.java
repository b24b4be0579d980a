package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.DeviceTopic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes replies to devices (QoS 1) on a connection of its own with a clean session. Replies
 * are a courtesy, not the delivery guarantee (the PUBACK is), so after a lost connection nothing is
 * resent. The two connections come up independently, and a resumed ingest session delivers its
 * backlog right after its CONNACK, so a reply waits for this connection up to {@link #GRACE} after
 * it started or was lost: the backlog after a gateway or broker restart gets its replies, and a
 * connection that stays down costs the batch writer one wait, not one per reply. Keeping replies
 * off the ingest connection matters: Paho's MQTT 5 client gives outgoing messages topic aliases
 * and, on a resumed session, would resend a reply with an alias the new connection does not know,
 * which the broker answers by closing the connection: over and over, with the ingest stalled
 * behind it.
 * <p>
 * The broker takes only so many unacknowledged replies at once (its receive maximum: 20 on a
 * default Mosquitto, 10 on HiveMQ CE) and Paho refuses a publish beyond that: a batch answering
 * hundreds of messages lost the replies beyond it that way, silently (issue 22). A reply now waits
 * for room up to {@link #ROOM_WAIT}; a broker that stops acknowledging costs one wait, not one per reply.
 */
final class ReplySender implements AutoCloseable {
    static final Duration GRACE = Duration.ofSeconds(10);
    static final Duration ROOM_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(ReplySender.class);
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private volatile boolean closed;
    /** When the connection was last lost (or the sender created): replies wait for it until then plus {@link #GRACE}. */
    private volatile long downSince = System.nanoTime();
    /** A reply waited for room in vain: the next ones do not wait until one is taken again. */
    private volatile boolean congested;

    ReplySender(GatewayConfig config) throws MqttException {
        client = new MqttAsyncClient(config.getBrokerUrl(), config.getClientId() + "-replies", new MemoryPersistence());
        options.setCleanStart(true);
        options.setSessionExpiryInterval(0L);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        BufferedSockets.use(options, config.getBrokerUrl());
        if (config.getUsername() != null && !config.getUsername().isBlank()) {
            options.setUserName(config.getUsername());
            options.setPassword(config.getPassword() == null ? new byte[0] : config.getPassword().getBytes(StandardCharsets.UTF_8));
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                downSince = System.nanoTime();
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
    }

    /**
     * Connects in the background, retrying until it stands (Paho's automatic reconnect only covers
     * a connection that was once up); replies sent before then are counted as lost. Then watches
     * it: Paho does not reconnect after a DISCONNECT the broker sent (a broker restart), so a
     * connection down longer than {@link MqttIngest#RECONNECT_AFTER_NANOS} is started again from
     * here, as the ingest connection is.
     */
    void start() {
        Thread connector = new Thread(() -> {
            long delay = 500;
            while (!closed && !client.isConnected()) {
                try {
                    client.connect(options).waitForCompletion(15_000);
                } catch (MqttException e) {
                    LOG.debug("Reply connection to {} not up yet: {}", client.getServerURI(), e.getMessage());
                    if (!pause(delay)) {
                        return;
                    }
                    delay = Math.min(delay * 2, 10_000);
                }
            }
            long lastTry = System.nanoTime();
            while (!closed && pause(1_000)) {
                long now = System.nanoTime();
                if (!closed && !client.isConnected() && now - downSince > MqttIngest.RECONNECT_AFTER_NANOS
                        && now - lastTry > MqttIngest.RECONNECT_AFTER_NANOS) {
                    lastTry = now;
                    try {
                        client.reconnect();
                    } catch (MqttException e) {
                        LOG.debug("Reply connection: reconnect: {}", e.getMessage()); // already connecting: Paho is at it
                    }
                }
            }
        }, "mqtt-reply-connect");
        connector.setDaemon(true);
        connector.start();
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException interrupted) {
            return false;
        }
    }

    /** Publishes a reply: null when the broker took it, else why it is lost (for the log: no payload in it). */
    String send(String deviceId, byte[] body) {
        if (!awaitConnection()) {
            return "the reply connection is down";
        }
        long deadline = System.nanoTime() + (congested ? 0 : ROOM_WAIT.toNanos());
        while (true) {
            try {
                client.publish(DeviceTopic.repliesTopic(deviceId), body, 1, false);
                congested = false;
                return null;
            } catch (MqttException e) {
                boolean full = e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT;
                if (!full || System.nanoTime() - deadline >= 0) {
                    congested = full;
                    return "the broker did not take it: " + e.getMessage();
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for the broker";
            }
        }
    }

    private boolean awaitConnection() {
        long deadline = downSince + GRACE.toNanos();
        while (!client.isConnected() && !closed && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return client.isConnected();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("Closing the reply connection: {}", e.getMessage());
        }
    }
}
