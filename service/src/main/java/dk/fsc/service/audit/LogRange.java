package dk.fsc.service.audit;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import java.time.Instant;

/** A time range and row limit from query parameters, for reading the access log and the security log. */
public record LogRange(Instant from, Instant to, int limit) {
    public static final int MAX_ROWS = 10_000;

    /** From ISO 8601 instants (default: the beginning to now) and a limit (default 1000). */
    public static LogRange of(String from, String to, Integer limit) {
        Instant end = to == null ? Instant.now() : Times.parse("to", to);
        Instant start = from == null ? Instant.EPOCH : Times.parse("from", from);
        if (!start.isBefore(end)) {
            throw Refusal.invalid("from (" + start + ") must be before to (" + end + ")");
        }
        int rows = limit == null ? 1000 : limit;
        if (rows < 1 || rows > MAX_ROWS) {
            throw Refusal.invalid("limit must be between 1 and " + MAX_ROWS);
        }
        return new LogRange(start, end, rows);
    }
}
