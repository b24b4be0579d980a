package dk.fsc.service.alerts;

import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.storage.EvaluationRequestRows;
import dk.fsc.service.alerts.scoring.Colour;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.platform.database.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Asks for a patient to be evaluated again, with the statement and urgency rule the gateway uses
 * for new readings ({@link EvaluationRequestRows}): a patient with a red value is claimed first.
 */
public final class EvaluationRequests {
    /**
     * How old a value may be and still make a changed limit urgent: the default TOBS window (a
     * value older than the configured window is not looked at by the evaluation; then only the
     * queue order differs).
     */
    private static final Duration RECENT = Duration.ofHours(24);

    private EvaluationRequests() {
    }

    /**
     * After the patient's limits changed (or anything else that is not a new reading): urgent
     * when the patient's newest value of a type is now red under the limits in force.
     */
    public static void request(Sql sql, UUID patientId) {
        EvaluationRequestRows rows = new EvaluationRequestRows();
        rows.add(patientId, redNow(sql, patientId));
        upsert(sql, rows);
    }

    /** After a new reading of the patient (staff-entered): urgent when a value is at a red limit, as for a device's. */
    public static void request(Sql sql, UUID patientId, Reading reading) {
        EvaluationRequestRows rows = new EvaluationRequestRows();
        rows.newReading(patientId, reading);
        upsert(sql, rows);
    }

    private static void upsert(Sql sql, EvaluationRequestRows rows) {
        sql.update(EvaluationRequestRows.UPSERT, rows.parameters(sql::array));
    }

    /** Whether the newest recent value of any type is red under the patient's limits in force. */
    private static boolean redNow(Sql sql, UUID patientId) {
        PatientState state = PatientState.load(sql, patientId, Instant.now(), RECENT, RECENT);
        Map<String, Measurement> newest = new HashMap<>();
        for (Measurement m : state.measurements()) {
            newest.put(m.type(), m); // ordered by time, so the last one wins
        }
        return newest.values().stream().anyMatch(m -> state.thresholds().classify(m) == Colour.RED);
    }
}
