package dk.fsc.service.readings;

import dk.fsc.service.platform.time.DanishTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a history is given: the readings themselves, or the hourly or daily rollups (V19). {@link #choose}
 * is the rule of {@code resolution=auto}: the finest that gives at most the points asked for.
 */
public enum Resolution {
    RAW, HOUR, DAY;

    /** The name in the API ({@code raw}, {@code hour}, {@code day}). */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code raw}, {@code hour} or {@code day}; empty for anything else (including {@code auto}, which is not one). */
    public static Optional<Resolution> fromWire(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }

    /** A choice: the resolution, and for days how many make one point (1 unless even a day each is too many). */
    public record Choice(Resolution resolution, int daysPerPoint) {
    }

    /**
     * The finest resolution whose points fit in {@code maxPoints}: the readings if there are no more
     * than that, else the hours that have readings, else the days (grouped by as many days a point
     * as it takes when even the days are too many: a year at 100 points is groups of 4 days).
     *
     * @param readings     how many readings the range holds (from the hourly rollups)
     * @param hours        how many hours of the range have readings
     * @param days         how many days of the range have readings
     * @param rangeDays    how many calendar days the range touches
     */
    public static Choice choose(long readings, long hours, long days, long rangeDays, int maxPoints) {
        if (readings <= maxPoints) {
            return new Choice(RAW, 1);
        }
        if (hours <= maxPoints) {
            return new Choice(HOUR, 1);
        }
        if (days <= maxPoints) {
            return new Choice(DAY, 1);
        }
        return new Choice(DAY, (int) Math.min(Integer.MAX_VALUE, (rangeDays + maxPoints - 1) / maxPoints));
    }

    /** The calendar days (Danish) that [from, to) touches, at least 1. */
    static long daysTouched(Instant from, Instant to) {
        var zone = DanishTime.ZONE;
        var last = to.atZone(zone);
        boolean endsAtMidnight = last.toLocalTime().equals(java.time.LocalTime.MIDNIGHT);
        return Math.max(1, ChronoUnit.DAYS.between(from.atZone(zone).toLocalDate(), last.toLocalDate()) + (endsAtMidnight ? 0 : 1));
    }
}
