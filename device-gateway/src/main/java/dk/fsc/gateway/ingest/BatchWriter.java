package dk.fsc.gateway.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.limits.RateLimiter;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one chain every message goes through: take a batch from the queue, check topic and
 * payload ({@link MessageParser}), store it in one transaction, then acknowledge to the broker and reply to each device.
 * While the database is unreachable the batch is retried and nothing is acknowledged; a batch the
 * database refuses is split so only the offending message is quarantined.
 */
final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final BlockingQueue<Incoming> queue;
    private final InFlightBytes inFlight;
    private final ReadingStore store;
    private final MqttIngest mqtt;
    private final GatewayMetrics metrics;
    private final int batchSize;
    private final MessageParser parser;
    private final RateLimiter deviceRate;
    private final double deviceRatePerSecond;
    private final ObjectMapper json = new ObjectMapper();
    private final ThrottledWarning repliesUnsent = new ThrottledWarning(LOG,
            "replies to devices not sent (a device without a reply resends with the same messageId; docs/mqtt.md)");
    private final ThrottledWarning notKept = new ThrottledWarning(LOG,
            "rejected messages not kept: their device's quarantine quota is used up (answered QUARANTINE_QUOTA_EXCEEDED)");
    private final Thread thread;
    private volatile boolean running = true;
    /** Arrival of the oldest message of the batch being written, or 0 between batches. */
    private volatile long batchSince;

    BatchWriter(BlockingQueue<Incoming> queue, InFlightBytes inFlight, ReadingStore store, MqttIngest mqtt, GatewayMetrics metrics, GatewayConfig config) {
        this.queue = queue;
        this.inFlight = inFlight;
        this.store = store;
        this.mqtt = mqtt;
        this.metrics = metrics;
        this.batchSize = config.getBatchSize();
        this.parser = new MessageParser(Clock.systemUTC(), config);
        this.deviceRatePerSecond = config.getDeviceRate();
        this.deviceRate = config.getDeviceRate() > 0 ? new RateLimiter(config.getDeviceRate(), Math.max(1, config.getDeviceBurst())) : null;
        this.thread = new Thread(this::run, "gateway-batch-writer");
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                Incoming first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Incoming> batch = new ArrayList<>(batchSize);
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                process(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Unacknowledged messages come back after a reconnect; the writer must not die.
                LOG.error("Unexpected failure in the batch writer; messages stay unacknowledged", e);
            }
        }
    }

    /** Seconds the oldest received but not yet acknowledged message has waited (0 when none). */
    double oldestUnacknowledgedSeconds() {
        long now = System.nanoTime();
        long oldest = batchSince;
        Incoming head = queue.peek();
        if (head != null && (oldest == 0 || head.arrivedNanos() < oldest)) {
            oldest = head.arrivedNanos();
        }
        return oldest == 0 ? 0 : (now - oldest) / 1e9;
    }

    private void process(List<Incoming> batch) throws InterruptedException {
        batchSince = batch.get(0).arrivedNanos();
        try {
            writeAndAcknowledge(batch);
        } finally {
            batchSince = 0;
            for (Incoming message : batch) {
                inFlight.release(message.payload().length);
            }
        }
    }

    private void writeAndAcknowledge(List<Incoming> batch) throws InterruptedException {
        List<Parsed> parsed = new ArrayList<>(batch.size());
        for (Incoming message : batch) {
            parsed.add(withinRate(message));
        }
        long started = System.nanoTime();
        List<Outcome> outcomes = storeWithRetry(parsed);
        if (outcomes == null) {
            return; // stopping: not acknowledged, so the broker keeps them for the next run
        }
        metrics.batch(batch.size(), System.nanoTime() - started);
        for (Incoming message : batch) {
            mqtt.acknowledge(message);
        }
        for (Outcome outcome : outcomes) {
            metrics.outcome(outcome);
            if (outcome.code() == RejectionCode.QUARANTINE_QUOTA_EXCEEDED) {
                notKept.record("last from device " + outcome.deviceId());
            }
            reply(outcome);
        }
    }

    /** Parsed, unless its device is over its rate: then refused before any parsing work, and quarantined. */
    private Parsed withinRate(Incoming message) {
        if (deviceRate != null) {
            String deviceId = DeviceTopic.deviceIdOf(message.topic());
            long wait = deviceRate.take(deviceId == null ? message.topic() : deviceId);
            if (wait > 0) {
                return Parsed.refused(message, deviceId, new RejectedMessage(RejectionCode.RATE_LIMITED,
                        "more than " + deviceRatePerSecond + " messages per second from this device; this one is kept in "
                                + "quarantine. Wait " + wait + " s and send more slowly."));
            }
        }
        return parser.parse(message);
    }

    private List<Outcome> storeWithRetry(List<Parsed> batch) throws InterruptedException {
        long delay = 100;
        while (running) {
            try {
                return store.write(batch);
            } catch (SQLException e) {
                if (isTransient(e)) {
                    LOG.warn("Database unavailable ({}); batch of {} kept unacknowledged, retrying in {} ms",
                            e.getMessage(), batch.size(), delay);
                    Thread.sleep(delay);
                    delay = Math.min(delay * 2, 5_000);
                } else if (batch.size() > 1) {
                    return storeOneByOne(batch);
                } else {
                    return refused(batch.get(0), e);
                }
            }
        }
        return null;
    }

    private List<Outcome> storeOneByOne(List<Parsed> batch) throws InterruptedException {
        List<Outcome> all = new ArrayList<>();
        for (Parsed message : batch) {
            List<Outcome> one = storeWithRetry(List.of(message));
            if (one == null) {
                return null;
            }
            all.addAll(one);
        }
        return all;
    }

    private List<Outcome> refused(Parsed message, SQLException cause) throws InterruptedException {
        String detail = "the database refused the message (" + cause.getSQLState() + "); it is kept for an operator";
        LOG.error("Database refused a message on {}; quarantined: {}", message.message().topic(), cause.getMessage());
        while (running) {
            try {
                Outcome outcome = Outcome.rejected(message.deviceId(), null, RejectionCode.STORE_REFUSED, detail).of(message.kind());
                return List.of(store.quarantineRefused(message, detail) ? outcome : outcome.notKept());
            } catch (SQLException e) {
                LOG.warn("Cannot quarantine yet ({}); retrying", e.getMessage());
                Thread.sleep(1_000);
            }
        }
        return null;
    }

    /** Connection trouble, shutdown, lack of resources or a serialisation conflict: worth retrying. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException || state == null
                || state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40")
                || state.equals("55P03") || state.equals("58030");
    }

    private void reply(Outcome outcome) {
        if (outcome.deviceId() == null) {
            return;
        }
        ObjectNode body = json.createObjectNode();
        body.put("messageId", outcome.messageId());
        body.put("status", outcome.status().name());
        body.put("code", outcome.code() == null ? null : outcome.code().name());
        body.put("detail", outcome.detail());
        String lost;
        try {
            lost = mqtt.reply(outcome.deviceId(), json.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            lost = "the reply could not be written";
        }
        if (lost != null) {
            metrics.replyLost();
            repliesUnsent.record("last: " + lost + ", device " + outcome.deviceId());
        }
    }
}
