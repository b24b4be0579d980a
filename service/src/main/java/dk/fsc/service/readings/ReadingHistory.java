package dk.fsc.service.readings;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A patient's history in a time range, oldest first: the readings ({@code resolution} {@code raw}),
 * or buckets of the hourly or daily rollups ({@code hour}, {@code day}), never both.
 *
 * @param limit        the most readings or buckets this answer could hold ({@code maxPoints} for {@code resolution=auto})
 * @param truncated    true when more matched than {@code limit}; ask again from the last one
 * @param resolution   {@code raw}, {@code hour} or {@code day}: what was given ({@code auto} says which it chose)
 * @param daysPerPoint for {@code day}: the days one bucket covers (more than 1 when a long range was reduced further)
 */
@Serdeable
public record ReadingHistory(UUID patientId, String type, Instant from, Instant to, int limit, boolean truncated,
                             String resolution, int daysPerPoint, List<ReadingView> readings, List<ReadingBucket> buckets) {
}
