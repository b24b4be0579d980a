package dk.fsc.service.console.nurse;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** The periods a chart shows, back from now: 7, 30 and 90 days and a year. */
enum ChartRange {
    WEEK("7d", Duration.ofDays(7)),
    MONTH("30d", Duration.ofDays(30)),
    QUARTER("90d", Duration.ofDays(90)),
    YEAR("1y", Duration.ofDays(365));

    private final String key;
    private final Duration length;

    ChartRange(String key, Duration length) {
        this.key = key;
        this.length = length;
    }

    String key() {
        return key;
    }

    Duration length() {
        return length;
    }

    static Optional<ChartRange> of(String key) {
        return Arrays.stream(values()).filter(r -> r.key.equals(key)).findFirst();
    }

    /**
     * The range asked for; without one, the shortest that still shows the moment {@code at} (an
     * alert opened from the worklist), else a week.
     */
    static ChartRange choose(String given, Instant at, Instant now) {
        Optional<ChartRange> asked = given == null ? Optional.empty() : of(given);
        if (asked.isPresent()) {
            return asked.get();
        }
        if (at != null) {
            for (ChartRange r : values()) {
                if (!at.isBefore(now.minus(r.length))) {
                    return r;
                }
            }
            return YEAR;
        }
        return WEEK;
    }
}
