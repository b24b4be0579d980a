package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    /**
     * The limits of a type in force at {@code at}: the last change made before it (a clinician's
     * limits, or the programme's again when it cleared them), else the programme's. The programme's
     * SpO2 scale is the one set now (its changes have no history of limits).
     */
    public Optional<Limits> limitsAt(String type, Instant at) {
        for (Change c : history) {
            if (c.type().equals(type) && !c.changedAt().isAfter(at)) {
                return c.cleared() ? programme(type) : Optional.of(new Limits(c.redHigh(), c.yellowHigh(), c.yellowLow(), c.redLow()));
            }
        }
        return programme(type);
    }

    private Optional<Limits> programme(String type) {
        return ThresholdSet.copdDefaults(spo2Target88To92).limitsFor(type);
    }
}
