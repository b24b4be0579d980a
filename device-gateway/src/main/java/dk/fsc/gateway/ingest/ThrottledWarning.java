package dk.fsc.gateway.ingest;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning about something that can happen thousands of times a second (a reply not sent, a
 * message dropped over quota): logged at most once per interval, with how often it happened
 * since the last warning. What is logged must never hold a payload or a CPR number.
 */
final class ThrottledWarning {
    private final Logger log;
    private final String what;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long count;
    private long lastLogged;

    /** @param what the event, e.g. "replies to devices not sent"; logged as "{count} {what} in the last {s} s ({detail})" */
    ThrottledWarning(Logger log, String what, long intervalSeconds, LongSupplier nanoTime) {
        this.log = log;
        this.what = what;
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
        this.nanoTime = nanoTime;
        this.lastLogged = nanoTime.getAsLong() - intervalNanos;
    }

    ThrottledWarning(Logger log, String what) {
        this(log, what, 10, System::nanoTime);
    }

    /** Counts one event; logs when the interval since the last warning has passed. */
    synchronized void record(String detail) {
        count++;
        long now = nanoTime.getAsLong();
        if (now - lastLogged >= intervalNanos) {
            log.warn("{} {} in the last {} s ({})", count, what, Math.max(1, (now - lastLogged) / 1_000_000_000L), detail);
            count = 0;
            lastLogged = now;
        }
    }
}
