package dk.fsc.gateway.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Acknowledges messages in the order they arrived, whichever {@link BatchWriter} commits first:
 * MQTT 5 (4.6, message ordering) has a receiver send its PUBACKs in the order of the PUBLISH
 * packets. Each message gets a number as it is queued ({@link #number}); a writer that committed
 * (or gave up on) a batch settles its messages ({@link #settled}), and every message from the
 * oldest unsettled one on is acknowledged once all before it are settled. A message given a number
 * and then not queued is settled unacknowledged ({@link #dropped}), else the acknowledgements
 * after it would wait for good.
 */
final class ArrivalOrder {
    /** What acknowledging a message takes: its packet id and QoS, on the connection it came on (not its payload). */
    record Ack(int mqttId, int qos, long epoch) {
    }

    /** Settled without an acknowledgement: not committed, the broker sends it again. */
    private static final Ack NOT_ACKNOWLEDGED = new Ack(0, 0, -1);

    private final Consumer<Ack> acknowledge;
    private final AtomicLong numbers = new AtomicLong();
    /** Settled messages waiting for one before them, by number; guarded by this. */
    private final Map<Long, Ack> waiting = new HashMap<>();
    /** The number of the oldest message not yet settled; guarded by this. */
    private long next = 1;

    /** @param acknowledge sends one message's acknowledgement (called in arrival order, under this object's lock) */
    ArrivalOrder(Consumer<Ack> acknowledge) {
        this.acknowledge = acknowledge;
    }

    /** The next message's number, from 1 on; taken by the one thread that queues messages, in arrival order. */
    long number() {
        return numbers.incrementAndGet();
    }

    /** A batch's messages are settled: acknowledged (committed) or not; each is sent once all before it are settled. */
    synchronized void settled(List<Parsed> batch, boolean committed) {
        for (Parsed parsed : batch) {
            Incoming m = parsed.message();
            waiting.put(m.sequence(), committed ? new Ack(m.mqttId(), m.qos(), m.epoch()) : NOT_ACKNOWLEDGED);
        }
        release();
    }

    /** A numbered message that was not queued after all (its connection went while it waited): never acknowledged here. */
    synchronized void dropped(long number) {
        waiting.put(number, NOT_ACKNOWLEDGED);
        release();
    }

    /** Settled messages held back for one before them still being written. */
    synchronized int heldBack() {
        return waiting.size();
    }

    private void release() {
        Ack message;
        while ((message = waiting.remove(next)) != null) {
            next++;
            if (message != NOT_ACKNOWLEDGED) {
                acknowledge.accept(message);
            }
        }
    }
}
