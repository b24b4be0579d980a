package dk.fsc.gateway.ingest;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A budget of bytes for messages received but not yet committed, counted in KiB. A message
 * larger than the whole budget still passes, alone.
 */
final class InFlightBytes {
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

    private int permits(int bytes) {
        return (int) Math.min(total, Math.max(1, (bytes + 1023L) / 1024));
    }
}
