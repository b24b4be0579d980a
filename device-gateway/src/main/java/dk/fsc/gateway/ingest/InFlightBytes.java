package dk.fsc.gateway.ingest;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A budget of memory for messages received but not yet committed, counted in KiB. A message
 * costs {@link #MEMORY_PER_PAYLOAD_BYTE} times its payload: the payload (kept for the quarantine
 * and the reply) and what is decoded from it while it waits, a photo's image bytes from its
 * base64 (three quarters of the payload) and their cleaned copy (as much again), a reading's
 * objects. Counted by payload alone (until 2026-12-05), a budget of 256 MiB of photos held about
 * 640 MiB, more than a gateway's heap in its 1 GiB container (ops/k8s/gateway.yaml): a burst of
 * photos ended it out of memory, and the broker gave the same burst to the restarted one. A
 * message larger than the whole budget still passes, alone.
 */
final class InFlightBytes {
    /** Memory a message holds while it waits, per byte of its payload (an estimate on the side of caution). */
    static final int MEMORY_PER_PAYLOAD_BYTE = 3;
    private final Semaphore kib;
    private final int total;

    InFlightBytes(long maxBytes) {
        this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / 1024));
        this.kib = new Semaphore(total, true);
    }

    void acquire(int bytes) throws InterruptedException {
        kib.acquire(permits(bytes));
    }

    /** Like {@link #acquire}, but gives up after the timeout: false when the bytes were not taken. */
    boolean tryAcquire(int bytes, long timeout, TimeUnit unit) throws InterruptedException {
        return kib.tryAcquire(permits(bytes), timeout, unit);
    }

    void release(int bytes) {
        kib.release(permits(bytes));
    }

    private int permits(int payloadBytes) {
        return (int) Math.min(total, Math.max(1, ((long) MEMORY_PER_PAYLOAD_BYTE * payloadBytes + 1023L) / 1024));
    }
}
