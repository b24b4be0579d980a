package dk.fsc.service.readings;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A patient's readings in a time range, oldest first.
 *
 * @param truncated true when more readings matched than {@code limit}; ask again from the last one
 */
@Serdeable
public record ReadingHistory(UUID patientId, String type, Instant from, Instant to, int limit, boolean truncated,
                             List<ReadingView> readings) {
}
