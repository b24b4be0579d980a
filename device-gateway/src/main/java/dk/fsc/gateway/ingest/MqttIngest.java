package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.limits.GatewayBacklog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's MQTT side: a persistent session (clean start off) with manual acknowledgements,
 * a shared subscription so several gateways split the load, and a bounded queue in front of the
 * {@link BatchWriter}. A message is acknowledged only after its batch committed, and only on the
 * connection it arrived on: after a reconnect the broker redelivers it and the idempotency key
 * turns it into a duplicate.
 */
@Context
@Requires(property = "fsc.gateway.enabled", value = "true")
public class MqttIngest implements MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);
    /** How often a message waiting for room checks whether its connection still stands. */
    private static final long WAIT_STEP_MS = 50;
    /** MQTT 5 DISCONNECT reason: another connection with our client id took the session. */
    private static final int SESSION_TAKEN_OVER = 0x8E;
    private static final long WATCH_MS = 1_000;
    /**
     * Paho's automatic reconnect does not follow a DISCONNECT the broker sent: neither "session
     * taken over" (0x8E) nor "server shutting down" (0x8B, a broker restart): the benchmark's
     * reconnect storm found the gateway 16 s disconnected after a 5 s restart, with this at 15 s.
     * One client reconnecting every few seconds costs a broker nothing; alerts wait for it.
     */
    static final long RECONNECT_AFTER_NANOS = 2_000_000_000L;
    /** After another client took the session: not sooner, so two clients with one id do not take it back and forth every 2 s. */
    private static final long RECONNECT_AFTER_TAKEOVER_NANOS = 15_000_000_000L;
    /** The last disconnect was a takeover of the session (0x8E). */
    private volatile boolean takenOver;

    private final GatewayConfig config;
    private final BlockingQueue<Parsed> queue;
    private final MessageChain chain;
    private final InFlightBytes inFlight;
    private final AtomicLong epoch = new AtomicLong();
    private final MqttAsyncClient client;
    private final ReplySender replies;
    private final BatchWriter writer;
    private final ForeignMessages foreign;
    private final BrokerDrops brokerDrops;
    private final Thread connector;
    private volatile boolean running = true;
    /** System.nanoTime() of the last lost connection; 0 while connected. */
    private volatile long disconnectedSince;
    /**
     * Whether the broker granted the devices' subscription. A refusal comes as a reason code in
     * the SUBACK, which Paho does not throw for: the gateway logged "subscribed" and reported
     * ready while it took nothing (a broker ACL refusing {@code $share/...}).
     */
    private volatile boolean subscribed;

    MqttIngest(GatewayConfig config, ReadingStore store, GatewayMetrics metrics, MeterRegistry registry, GatewayBacklog backlog) throws MqttException {
        this.config = config;
        PahoBulkReads.check();
        this.foreign = new ForeignMessages(config.getClientId());
        this.brokerDrops = new BrokerDrops(config.getBrokerDropsTopic(), registry);
        registry.more().counter("fsc.gateway.foreign.messages", java.util.List.of(), foreign, ForeignMessages::count);
        this.queue = new ArrayBlockingQueue<>(Math.max(16, config.getReceiveMaximum() * 2));
        this.chain = MessageChain.live(config);
        this.inFlight = new InFlightBytes(config.getMaxInFlightBytes());
        this.client = new MqttAsyncClient(config.getBrokerUrl(), config.getClientId(), new MemoryPersistence());
        // Connected but not subscribed: the broker refused the subscription (its ACL), not the login or the network.
        registry.gauge("fsc.gateway.broker.connected", this, i -> i.brokerConnected() ? 1 : 0);
        registry.gauge("fsc.gateway.broker.subscribed", this, i -> i.isConnected() ? 1 : 0);
        client.setManualAcks(true);
        client.setCallback(this); // before connect: queued messages arrive right after CONNACK
        this.replies = new ReplySender(config);
        replies.start();
        metrics.queueDepth(queue);
        this.writer = new BatchWriter(queue, inFlight, store, this, metrics, config, backlog);
        metrics.oldestUnacknowledged(writer);
        writer.start();
        this.connector = new Thread(this::connectAndWatch, "mqtt-connect");
        connector.setDaemon(true);
        connector.start();
    }

    /**
     * Connects, then watches: Paho reconnects on its own, but after the broker handed our session
     * to another client (reason 0x8E) it was seen not to, and the gateway sat disconnected for
     * good (ForeignSubscriptionIT on the embedded broker, one run of two), nor after a broker
     * restart. A connection down for longer than {@link #RECONNECT_AFTER_NANOS} is started again
     * from here, and again every that long until it stands.
     */
    private void connectAndWatch() {
        connectUntilConnected();
        long lostAt = 0; // when the outage being retried began, for the log
        long lastWarning = 0;
        while (running) {
            sleep(WATCH_MS);
            long since = disconnectedSince;
            if (since == 0 && running && client.isConnected() && !subscribed) {
                connectUntilConnected(); // connected, the subscription refused: asked again, backing off
            }
            if (since == 0) {
                lostAt = 0;
            } else if (running && !client.isConnected()
                    && System.nanoTime() - since > (takenOver ? RECONNECT_AFTER_TAKEOVER_NANOS : RECONNECT_AFTER_NANOS)) {
                long now = System.nanoTime();
                lostAt = lostAt == 0 ? since : lostAt;
                if (lastWarning == 0 || now - lastWarning > 60_000_000_000L || lastWarning < lostAt) {
                    LOG.warn("Gateway still disconnected from {} after {} s; reconnecting (every {} s until it stands)",
                            config.getBrokerUrl(), (now - lostAt) / 1_000_000_000L,
                            (takenOver ? RECONNECT_AFTER_TAKEOVER_NANOS : RECONNECT_AFTER_NANOS) / 1_000_000_000L);
                    lastWarning = now;
                }
                try {
                    client.reconnect();
                } catch (MqttException e) {
                    LOG.debug("Reconnect: {}", e.getMessage()); // already connecting: Paho is at it
                }
                disconnectedSince = System.nanoTime();
            }
        }
    }

    private void connectUntilConnected() {
        long delay = 500;
        while (running && !(client.isConnected() && subscribed)) {
            try {
                if (!client.isConnected()) {
                    client.connect(options()).waitForCompletion(15_000);
                    LOG.info("Gateway connected to {} as {}", config.getBrokerUrl(), config.getClientId());
                }
                subscribe();
                return;
            } catch (MqttException e) {
                LOG.warn("Gateway cannot connect to {} or subscribe there ({}); retrying in {} ms", config.getBrokerUrl(), e.getMessage(), delay);
                sleep(delay);
                delay = Math.min(delay * 2, 10_000);
            }
        }
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(config.getSessionExpiry().toSeconds());
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 30);
        o.setKeepAliveInterval(30);
        o.setReceiveMaximum(config.getReceiveMaximum());
        o.setConnectionTimeout(10);
        BufferedSockets.use(o, config.getBrokerUrl());
        if (config.getUsername() != null && !config.getUsername().isBlank()) {
            o.setUserName(config.getUsername());
            o.setPassword(config.getPassword() == null ? new byte[0] : config.getPassword().getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    private void subscribe() throws MqttException {
        String[] filters = filters();
        IMqttToken token = client.subscribe(filters, qos());
        token.waitForCompletion(15_000);
        String refused = refused(filters, token);
        if (refused != null) {
            subscribed = false;
            LOG.error("The broker refused the gateway's subscription: {}; nothing is taken until it grants it (retrying)", refused);
            throw new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION, new IllegalStateException("subscription refused: " + refused));
        }
        subscribed = true;
        LOG.info("Gateway subscribed to {}", String.join(", ", filters));
        subscribeToBrokerDrops();
    }

    /** The filters the SUBACK refused, with their reason codes (0x80 and up); null when all were granted. */
    private static String refused(String[] filters, IMqttToken token) {
        int[] codes = token.getReasonCodes();
        if (codes == null || codes.length < filters.length) {
            return "no reason code for each filter in the SUBACK";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < filters.length; i++) {
            if (codes[i] >= 0x80) {
                out.append(out.length() == 0 ? "" : ", ").append(filters[i]).append(String.format(" (0x%02X)", codes[i]));
            }
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** Best effort: a broker without the topic, or that refuses it, just leaves the count unread. */
    private void subscribeToBrokerDrops() {
        if (brokerDrops.topic() == null) {
            return;
        }
        try {
            client.subscribe(brokerDrops.topic(), 0, null, new org.eclipse.paho.mqttv5.client.MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        LOG.info("The broker does not let the gateway read {}: its dropped messages are not counted here", brokerDrops.topic());
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.info("Cannot read the broker's dropped-message count ({}): {}", brokerDrops.topic(), e.getMessage());
                }
            });
        } catch (MqttException e) {
            LOG.info("Cannot read the broker's dropped-message count ({}): {}", brokerDrops.topic(), e.getMessage());
        }
    }

    /**
     * Shared subscriptions ({@code $share/{group}/...}) let several gateways split the traffic; with
     * no share group the gateway subscribes plainly, which a broker restores from its persistence
     * after a restart (Mosquitto 2.0 forgets shared subscriptions over a restart: docs/mqtt.md).
     */
    private String[] filters() {
        DeviceTopic.Kind[] kinds = DeviceTopic.Kind.values();
        String[] filters = new String[kinds.length];
        String group = config.getShareGroup();
        for (int i = 0; i < kinds.length; i++) {
            String topic = DeviceTopic.subscription(kinds[i]);
            filters[i] = group == null || group.isBlank() ? topic : "$share/" + group + "/" + topic;
        }
        return filters;
    }

    private static int[] qos() {
        int[] qos = new int[DeviceTopic.Kind.values().length];
        java.util.Arrays.fill(qos, 1);
        return qos;
    }

    /**
     * Paho's callback thread: waits here while the queue or the byte budget is full; Paho's own
     * inbound queue is small, so its socket reader soon waits too and the broker holds the rest.
     * A burst of photos cannot exhaust memory.
     * <p>
     * It stops waiting once the connection the message came on is lost: the message is not
     * acknowledged, so the resumed session redelivers it. This matters for more than tidiness: Paho
     * 1.2.5 starts a new connection's callback thread only if the old one has ended, and otherwise
     * waits for it for good, so a callback thread still waiting here when the broker went away held
     * the reconnect up until the broker timed the half-open connection out (found by the fault
     * suite: 95 s without ingest after a broker restart while the batch writer was busy).
     */
    @Override
    public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
        if (!DeviceTopic.isSubscribed(topic)) {
            notFromADevice(topic, message);
            return;
        }
        if (!running) { // stopping: what is in hand is committed, this one the broker gives again
            leftForRedelivery(message);
            return;
        }
        long arrivedOn = epoch.get();
        int size = message.getPayload().length;
        while (!inFlight.tryAcquire(size, WAIT_STEP_MS, TimeUnit.MILLISECONDS)) {
            if (epoch.get() != arrivedOn || !running) {
                leftForRedelivery(message);
                return;
            }
        }
        Incoming incoming = new Incoming(topic, message.getPayload(), message.getId(), message.getQos(), arrivedOn, System.nanoTime());
        // The checks that need no database (rate, topic, decoding, a photo's cleaning) run here, on
        // the client's thread, as the message arrives and while the writer stores the batch before,
        // instead of on the writer's thread ahead of each batch (docs/benchmarks.md, "Decoding as
        // messages arrive").
        Parsed parsed;
        try {
            parsed = chain.check(incoming);
        } catch (RuntimeException e) {
            // A defect in a check: the message is refused, kept in quarantine and answered. Left unacknowledged (until
            // 2026-12-05) it was never delivered again on this connection and held one of the broker's in-flight slots.
            LOG.error("Unexpected failure checking a message on {}; quarantined", topic, e);
            parsed = Parsed.refused(incoming, DeviceTopic.deviceIdOf(topic), new RejectedMessage(RejectionCode.STORE_REFUSED,
                    "the gateway could not check the message (an error of ours); it is kept for an operator"));
        }
        while (!queue.offer(parsed, WAIT_STEP_MS, TimeUnit.MILLISECONDS)) {
            if (epoch.get() != arrivedOn || !running) {
                inFlight.release(size);
                leftForRedelivery(message);
                return;
            }
        }
    }

    /** The broker's drop count, or a message through a subscription the gateway did not make (never answered). */
    private void notFromADevice(String topic, MqttMessage message) {
        if (brokerDrops.isFor(topic)) {
            brokerDrops.report(message.getPayload());
        } else {
            List<String> filters = foreign.arrived(topic);
            if (!filters.isEmpty()) {
                try {
                    client.unsubscribe(filters.toArray(String[]::new));
                } catch (MqttException e) {
                    LOG.warn("Could not unsubscribe from {}: {}", topic, e.getMessage());
                }
            }
        }
        if (message.getQos() > 0) {
            try {
                client.messageArrivedComplete(message.getId(), message.getQos());
            } catch (MqttException e) {
                LOG.debug("Ack of message {} not sent: {}", message.getId(), e.getMessage());
            }
        }
    }

    private static void leftForRedelivery(MqttMessage message) {
        LOG.info("The connection was lost while message {} waited for room in the queue; it stays unacknowledged and the "
                + "broker delivers it again", message.getId());
    }

    /** Acknowledges a committed message to the broker, if the connection it came on still stands. */
    void acknowledge(Incoming message) {
        if (message.qos() == 0 || message.epoch() != epoch.get()) {
            return;
        }
        try {
            client.messageArrivedComplete(message.mqttId(), message.qos());
        } catch (MqttException e) {
            LOG.debug("Ack of message {} not sent ({}); the broker will redeliver it", message.mqttId(), e.getMessage());
        }
    }

    /** Sends a reply to a device: null when sent, else why not (a lost reply loses no data: counted and logged). */
    String reply(String deviceId, byte[] body) {
        return replies.send(deviceId, body);
    }

    /** Connected, with the devices' subscription granted (readiness). */
    public boolean isConnected() {
        return client.isConnected() && subscribed;
    }

    /** Connected to the broker, whether or not it granted the subscription (readiness' details: a refused ACL shows as connected, not subscribed). */
    public boolean brokerConnected() {
        return client.isConnected();
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        epoch.incrementAndGet();
        disconnectedSince = System.nanoTime();
        takenOver = response.getReturnCode() == SESSION_TAKEN_OVER;
        if (takenOver) {
            LOG.error("Another client connected to the broker with the gateway's client id {} and took over its session: "
                    + "reconnecting. If this repeats, a client is using the gateway's id; bind client ids to accounts "
                    + "(ops/mosquitto/README.md).", config.getClientId());
        } else {
            LOG.warn("Gateway lost the broker ({}); reconnecting", response.getReasonString());
        }
    }

    /**
     * Only {@link #disconnected} moves the epoch: messages that arrive on the new connection before
     * this callback runs belong to it and must be acknowledged on it.
     */
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        disconnectedSince = 0;
        if (reconnect) {
            // Not waited for: this is Paho's callback thread, which must stay free to complete the
            // SUBACK's token and to deliver messages. A resumed session may already hold the
            // subscription; subscribing again is harmless.
            try {
                String[] filters = filters();
                client.subscribe(filters, qos(), null, new org.eclipse.paho.mqttv5.client.MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        String refused = refused(filters, token);
                        if (refused != null) {
                            subscribed = false; // the watch thread subscribes again
                            LOG.error("The broker refused the gateway's subscription after reconnecting: {}", refused);
                        } else {
                            LOG.info("Gateway subscribed again after reconnecting");
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        LOG.warn("Re-subscribe after reconnect failed: {}", e.getMessage());
                    }
                });
            } catch (MqttException e) {
                LOG.warn("Re-subscribe after reconnect failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("MQTT error: {}", exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }

    /**
     * A stop drains: no new message is taken (left unacknowledged, the broker sends it again), the
     * messages in hand are committed and acknowledged (BatchWriter.stop, at most 10 s), then the
     * connection closes. Nothing is lost either way; draining spares redelivery.
     */
    @PreDestroy
    void stop() {
        running = false;
        connector.interrupt();
        BatchWriter.Drained drained = writer.stop();
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(6_000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect: {}", e.getMessage());
        }
        epoch.incrementAndGet();
        replies.close();
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("Close: {}", e.getMessage());
        }
        LOG.info("Gateway stopped: drained {} messages in hand (committed and acknowledged), {} left unacknowledged for redelivery",
                drained.committed(), drained.left());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
