package dk.fsc.service.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Plays many home devices publishing one reading per message, QoS 1, the way real firmware must:
 * a message counts as sent only when the broker acknowledged it (PUBACK); anything else is sent
 * again with the same messageId after the connection is back. Sends in windows so that a broker
 * restart costs at most one window of resends.
 */
final class ReadingPublisher implements AutoCloseable {
    private static final int WINDOW = 500;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final List<String> devices;
    private final Instant base = Instant.now().minusSeconds(3600);
    private long resent;

    ReadingPublisher(String url, String username, String password, List<String> devices) throws MqttException {
        this.devices = devices;
        this.client = new MqttAsyncClient(url, "fault-publisher-" + UUID.randomUUID().toString().substring(0, 8), new MemoryPersistence());
        this.options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setUserName(username);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        options.setReceiveMaximum(WINDOW);
        options.setConnectionTimeout(5);
        connect();
    }

    /** The topic and payload of reading number {@code n}: device n mod N, message id n, a plausible pulse. */
    String topicOf(int n) {
        return "fsc/v1/devices/" + devices.get(n % devices.size()) + "/readings";
    }

    byte[] payloadOf(int n) {
        Instant measuredAt = base.plusMillis(n);
        return ("{\"messageId\":\"r-" + n + "\",\"measuredAt\":\"" + measuredAt + "\",\"observations\":[{\"type\":\"pulse\","
                + "\"value\":" + (60 + n % 40) + ",\"unit\":\"/min\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Publishes readings [from, to) at about {@code perSecond} until the broker has acknowledged
     * every one.
     */
    void publish(int from, int to, int perSecond) throws InterruptedException {
        long windowNanos = 1_000_000_000L * WINDOW / perSecond;
        long next = System.nanoTime();
        for (int start = from; start < to; start += WINDOW) {
            next += windowNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            List<Integer> pending = new ArrayList<>();
            for (int n = start; n < Math.min(to, start + WINDOW); n++) {
                pending.add(n);
            }
            boolean first = true;
            while (!pending.isEmpty()) {
                if (!first) {
                    resent += pending.size();
                }
                first = false;
                pending = sendWindow(pending);
            }
        }
    }

    long resent() {
        return resent;
    }

    private List<Integer> sendWindow(List<Integer> window) throws InterruptedException {
        ensureConnected();
        List<IMqttToken> tokens = new ArrayList<>(window.size());
        List<Integer> failed = new ArrayList<>();
        for (int n : window) {
            try {
                tokens.add(client.publish(topicOf(n), payloadOf(n), 1, false));
            } catch (MqttException e) {
                tokens.add(null);
            }
        }
        for (int i = 0; i < window.size(); i++) {
            IMqttToken token = tokens.get(i);
            try {
                if (token == null) {
                    failed.add(window.get(i));
                } else {
                    token.waitForCompletion(15_000);
                    if (token.getException() != null) {
                        failed.add(window.get(i));
                    }
                }
            } catch (MqttException e) {
                failed.add(window.get(i));
            }
        }
        return failed;
    }

    private void ensureConnected() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!client.isConnected()) {
            try {
                connect();
            } catch (MqttException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker unreachable for 2 minutes", e);
                }
                Thread.sleep(250);
            }
        }
    }

    private void connect() throws MqttException {
        client.connect(options).waitForCompletion(10_000);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close();
    }
}
