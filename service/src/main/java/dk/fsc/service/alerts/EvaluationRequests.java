package dk.fsc.service.alerts;

import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.storage.EvaluationRequestRows;
import dk.fsc.service.alerts.scoring.Colour;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.platform.database.Sql;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Asks for a patient to be evaluated again, with the statement and urgency rule the gateway uses
 * for new readings ({@link EvaluationRequestRows}): a patient with a red value is claimed first.
 */
@Singleton
public class EvaluationRequests {
    private final AlertsConfig config;

    EvaluationRequests(AlertsConfig config) {
        this.config = config;
    }

    /**
     * After the patient's limits changed (or anything else that is not a new reading): urgent
     * when the patient's newest value of a type is now red under the limits in force.
     */
    public void request(Sql sql, UUID patientId) {
        EvaluationRequestRows rows = new EvaluationRequestRows();
        rows.add(patientId, redNow(sql, patientId));
        upsert(sql, rows);
    }

    /** After a new reading of the patient (staff-entered): urgent when a value is at a red limit, as for a device's. */
    public void request(Sql sql, UUID patientId, Reading reading) {
        EvaluationRequestRows rows = new EvaluationRequestRows();
        rows.newReading(patientId, reading);
        upsert(sql, rows);
    }

    private static void upsert(Sql sql, EvaluationRequestRows rows) {
        sql.update(EvaluationRequestRows.UPSERT, rows.parameters(sql::array));
    }

    /** Whether the newest value of any type in the TOBS window is red under the patient's limits in force (as the evaluation will see it). */
    private boolean redNow(Sql sql, UUID patientId) {
        PatientState state = PatientState.load(sql, patientId, Instant.now(), config.getTobsWindow(), config.getWeightGainPeriod());
        Map<String, Measurement> newest = new HashMap<>();
        for (Measurement m : state.measurements()) {
            newest.put(m.type(), m); // ordered by time, so the last one wins
        }
        return newest.values().stream().anyMatch(m -> state.thresholds().classify(m) == Colour.RED);
    }
}
