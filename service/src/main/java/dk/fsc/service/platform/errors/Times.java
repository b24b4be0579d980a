package dk.fsc.service.platform.errors;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Times a caller sends (query parameters, body fields), checked where they enter: an ISO 8601
 * time with offset between {@link #EARLIEST} and {@link #LATEST}. Outside that the database
 * cannot store or compare them (PostgreSQL ends at year 294276) and no clinical question needs
 * them, so they answer 400 naming the range instead of failing deep down as a server error.
 */
public final class Times {
    public static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final String RANGE = "between " + EARLIEST + " and " + LATEST;

    private Times() {
    }

    /** Parses a query parameter; a '+' in a query string arrives as a space when the caller did not encode it. */
    public static Instant parse(String name, String value) {
        Instant at;
        try {
            at = OffsetDateTime.parse(value.strip().replace(' ', '+')).toInstant();
        } catch (DateTimeException e) {
            throw Refusal.invalid(name + " must be an ISO 8601 time with offset " + RANGE
                    + ", e.g. 2026-11-22T07:30:00+01:00 (encode + as %2B)");
        }
        return require(name, at);
    }

    /** A day already read (a JSON body field), refused when outside the range; null passes (not given). */
    public static java.time.LocalDate requireDay(String name, java.time.LocalDate day) {
        if (day != null && (day.isBefore(java.time.LocalDate.of(1900, 1, 1)) || day.isAfter(java.time.LocalDate.of(9999, 12, 31)))) {
            throw Refusal.invalid(name + " must be a day between 1900-01-01 and 9999-12-31, e.g. 2026-11-22");
        }
        return day;
    }

    /** A time already read (e.g. a JSON body field), refused when outside the range. */
    public static Instant require(String name, Instant at) {
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw Refusal.invalid(name + " must be " + RANGE + ", e.g. 2026-11-22T07:30:00+01:00");
        }
        return at;
    }
}
