package dk.fsc.gateway.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * How much of the quarantine one device may fill: {@code rows} rows and {@code bytes} payload
 * bytes per window. A device over it gets its rejected messages answered
 * QUARANTINE_QUOTA_EXCEEDED and not kept. Plain rules; {@link ReadingStore} keeps each device's
 * {@link Usage} in the quarantine_quota table, locked while a batch uses it.
 */
record QuarantineQuota(int rows, long bytes, Duration window) {

    /**
     * One device's use of the current window, and its episode of drops: an episode starts with a
     * drop after a whole window without one, so a device that stays over quota day after day is
     * one episode (one support ticket), and one that recovered starts a new one.
     */
    static final class Usage {
        Instant windowStart;
        Instant windowEnd;
        int rowsUsed;
        long bytesUsed;
        int dropped;
        Instant exceededSince;
        Instant lastExceededAt;

        Usage(Instant windowStart, Instant windowEnd, int rowsUsed, long bytesUsed, int dropped, Instant exceededSince,
              Instant lastExceededAt) {
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.rowsUsed = rowsUsed;
            this.bytesUsed = bytesUsed;
            this.dropped = dropped;
            this.exceededSince = exceededSince;
            this.lastExceededAt = lastExceededAt;
        }
    }

    /** Takes room for a row of {@code size} bytes at {@code now}: true when it may be kept, false when it is dropped. */
    boolean take(Usage u, int size, Instant now) {
        if (!now.isBefore(u.windowEnd)) {
            u.windowStart = now;
            u.windowEnd = now.plus(window);
            u.rowsUsed = 0;
            u.bytesUsed = 0;
            u.dropped = 0;
        }
        if (u.rowsUsed + 1 <= rows && u.bytesUsed + size <= bytes) {
            u.rowsUsed++;
            u.bytesUsed += size;
            return true;
        }
        if (u.lastExceededAt == null || u.lastExceededAt.plus(window).isBefore(now)) {
            u.exceededSince = now;
        }
        u.lastExceededAt = now;
        u.dropped++;
        return false;
    }
}
