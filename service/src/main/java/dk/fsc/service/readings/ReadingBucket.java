package dk.fsc.service.readings;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * The readings of one type in one stretch of time, from the rollups: an hour (UTC), a Danish day,
 * or several days when a long range is reduced further. The lowest and highest are always there,
 * so a single spike is never hidden by the mean.
 *
 * @param type        the observation type
 * @param start       the stretch's start (inclusive)
 * @param end         its end (exclusive)
 * @param count       how many readings
 * @param staffCount  how many of them staff entered by hand
 * @param firstAt     when the first of them was measured
 * @param lastAt      when the last was measured
 */
@Serdeable
public record ReadingBucket(String type, Instant start, Instant end, long count, double min, double max, double mean,
                            double first, Instant firstAt, double last, Instant lastAt, long staffCount,
                            @Nullable String unit) {
}
