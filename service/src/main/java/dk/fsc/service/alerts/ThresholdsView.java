package dk.fsc.service.alerts;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A patient's thresholds in force (their own or the programme's per type) with the history of changes, newest first. */
@Serdeable
public record ThresholdsView(UUID patientId, boolean spo2Target88To92, List<Row> thresholds, List<Change> history) {

    /** @param source {@code patient} (a clinician's limits) or {@code programme} (the default) */
    @Serdeable
    public record Row(String type, Double redHigh, Double yellowHigh, Double yellowLow, Double redLow, String source) {
    }

    /** One change of a type's limits; {@code cleared}: back to the programme default. */
    @Serdeable
    public record Change(String type, Double redHigh, Double yellowHigh, Double yellowLow, Double redLow, boolean cleared, String reason,
                         String changedBy, Instant changedAt) {
    }
}
