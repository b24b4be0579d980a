package dk.fsc.gateway.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.limits.GatewayBacklog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's writer thread: takes a batch of checked messages from the queue ({@link #nextBatch};
 * {@link MqttIngest} ran the {@link MessageChain}'s checks that need no database as each arrived),
 * stores it with {@link StoreRetries} (the chain's steps in the database), then acknowledges it to
 * the broker (after the commit) and replies to each device.
 */
final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final BlockingQueue<Parsed> queue;
    private final InFlightBytes inFlight;
    private final MqttIngest mqtt;
    private final GatewayMetrics metrics;
    private final int batchSize;
    private final GatewayBacklog backlog;
    private final int fullBatch;
    private final StoreRetries storage;
    private final ObjectMapper json = new ObjectMapper();
    private final ThrottledWarning repliesUnsent = new ThrottledWarning(LOG,
            "replies to devices not sent (a device without a reply resends with the same messageId; docs/mqtt.md)");
    private final ThrottledWarning notKept = new ThrottledWarning(LOG,
            "rejected messages not kept: their device's quarantine quota is used up (answered QUARANTINE_QUOTA_EXCEEDED)");
    private final Thread thread;
    private volatile boolean running = true;
    /** Arrival of the oldest message of the batch being written, or 0 between batches. */
    private volatile long batchSince;

    BatchWriter(BlockingQueue<Parsed> queue, InFlightBytes inFlight, ReadingStore store, MqttIngest mqtt, GatewayMetrics metrics,
                GatewayConfig config, GatewayBacklog backlog) {
        this.queue = queue;
        this.backlog = backlog;
        // A full batch: the batch size, or all the broker lets be in flight when that is fewer.
        this.fullBatch = Math.min(config.getBatchSize(), config.getReceiveMaximum());
        this.inFlight = inFlight;
        this.mqtt = mqtt;
        this.metrics = metrics;
        this.batchSize = config.getBatchSize();
        // Retries go on while running, and while a stop drains (else the drain would give up at once).
        this.storage = new StoreRetries(store, this::writing, Thread::sleep);
        this.thread = new Thread(this::run, "gateway-batch-writer");
    }

    void start() {
        thread.start();
    }

    /** How long a stop waits for the messages received to be committed. */
    static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(10);
    private volatile long drainUntil;
    /** The size of the batch being written, 0 between batches. */
    private volatile int inHand;
    private final AtomicInteger acknowledgedWhileStopping = new AtomicInteger();
    private final AtomicInteger notAcknowledgedWhileStopping = new AtomicInteger();

    /**
     * Stops after committing (and acknowledging) what was received, for at most {@link #DRAIN}:
     * a stop loses nothing and leaves as little as it can to redelivery. What is left (the
     * database away) stays unacknowledged, and the broker sends it again: to this gateway's
     * session when it comes back, or, as the broker does with a shared subscription, to another.
     */
    Drained stop() {
        drainUntil = System.nanoTime() + DRAIN.toNanos();
        running = false;
        try {
            thread.join(DRAIN.toMillis() + 2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Drained(acknowledgedWhileStopping.get(), queue.size() + inHand + notAcknowledgedWhileStopping.get());
    }

    /** What a stop did with the messages in hand: committed and acknowledged, or left unacknowledged for redelivery. */
    record Drained(int committed, int left) {
    }

    private boolean writing() {
        return running || System.nanoTime() < drainUntil;
    }

    private void run() {
        while (running || !queue.isEmpty() && System.nanoTime() < drainUntil) {
            try {
                List<Parsed> batch = nextBatch(queue, batchSize, fullBatch, backlog);
                if (!batch.isEmpty()) {
                    process(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // Unacknowledged messages come back after a reconnect; the writer must not die, not even of an Error
                // (its thread gone, nothing would be stored while the gateway looked ready). Out of memory, the image's
                // -XX:+ExitOnOutOfMemoryError ends the process first.
                LOG.error("Unexpected failure in the batch writer; messages stay unacknowledged", e);
            }
        }
        backlog.caughtUp();
    }

    /**
     * The messages waiting, up to {@code batchSize} in arrival order, after waiting up to 200 ms
     * for the first; empty when none came. Tells {@code backlog} whether the gateway is behind: a
     * batch of {@code fullBatch} or more left others waiting, none found means it caught up.
     */
    static List<Parsed> nextBatch(BlockingQueue<Parsed> queue, int batchSize, int fullBatch, GatewayBacklog backlog)
            throws InterruptedException {
        Parsed first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            backlog.caughtUp();
            return List.of();
        }
        List<Parsed> batch = new ArrayList<>(batchSize);
        batch.add(first);
        queue.drainTo(batch, batchSize - 1);
        backlog.batchTaken(batch.size(), fullBatch);
        return batch;
    }

    /** Seconds the oldest received but not yet acknowledged message has waited (0 when none). */
    double oldestUnacknowledgedSeconds() {
        long now = System.nanoTime();
        long oldest = batchSince;
        Parsed head = queue.peek();
        if (head != null && (oldest == 0 || head.message().arrivedNanos() < oldest)) {
            oldest = head.message().arrivedNanos();
        }
        return oldest == 0 ? 0 : (now - oldest) / 1e9;
    }

    private void process(List<Parsed> batch) throws InterruptedException {
        batchSince = batch.get(0).message().arrivedNanos();
        inHand = batch.size();
        try {
            writeAndAcknowledge(batch);
        } finally {
            batchSince = 0;
            inHand = 0;
            for (Parsed message : batch) {
                inFlight.release(message.message().payload().length);
            }
        }
    }

    private void writeAndAcknowledge(List<Parsed> batch) throws InterruptedException {
        long started = System.nanoTime();
        List<Outcome> outcomes = storage.store(batch);
        if (outcomes == null) {
            notAcknowledgedWhileStopping.addAndGet(batch.size());
            return; // stopping: not acknowledged, so the broker keeps them for the next run
        }
        metrics.batch(batch.size(), System.nanoTime() - started);
        for (Parsed message : batch) {
            mqtt.acknowledge(message.message());
        }
        if (!running) {
            acknowledgedWhileStopping.addAndGet(batch.size());
        }
        for (Outcome outcome : outcomes) {
            metrics.outcome(outcome);
            if (outcome.code() == RejectionCode.QUARANTINE_QUOTA_EXCEEDED) {
                notKept.record("last from device " + outcome.deviceId());
            }
            reply(outcome);
        }
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
