package dk.fsc.service.alerts;

import java.time.Instant;
import java.util.UUID;

/**
 * Something an evaluation found that needs a nurse: becomes a new alert, or updates the patient's
 * open alert of the same kind.
 *
 * @param kind       {@code tobs}, {@code threshold}, {@code symptom}, {@code weight_trend} or {@code missing_measurement}
 * @param evidenceAt when the newest measurement behind it reached the system (or the missed
 *                   deadline): a resolution covers what had arrived before it, so a device's
 *                   backlog that arrives after it raises again even when measured before it
 * @param details    JSON object with the numbers behind the summary
 * @param news       whether it needs a nurse's eyes again even when no worse than the open alert
 *                   of its kind: a specialist's answer is, a value that stays yellow is not
 */
public record Finding(UUID patientId, String organisationId, String kind, Severity severity, String summary,
                     String details, String policy, Instant evidenceAt, boolean news) {

    public Finding(UUID patientId, String organisationId, String kind, Severity severity, String summary, String details, String policy,
                   Instant evidenceAt) {
        this(patientId, organisationId, kind, severity, summary, details, policy, evidenceAt, false);
    }
}
