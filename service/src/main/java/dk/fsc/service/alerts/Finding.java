package dk.fsc.service.alerts;

import java.time.Instant;
import java.util.UUID;

/**
 * Something an evaluation found that needs a nurse: becomes a new alert, or updates the patient's
 * open alert of the same kind.
 *
 * @param kind       {@code tobs}, {@code threshold}, {@code symptom}, {@code weight_trend} or {@code missing_measurement}
 * @param evidenceAt when the newest measurement behind it was taken (or the missed deadline)
 * @param details    JSON object with the numbers behind the summary
 */
public record Finding(UUID patientId, String organisationId, String kind, Severity severity, String summary,
                     String details, String policy, Instant evidenceAt) {
}
