package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Sql;
import java.util.UUID;

/** Asks for a patient to be evaluated again, as the gateway does for new readings (see ReadingStore). */
public final class EvaluationRequests {
    private EvaluationRequests() {
    }

    public static void request(Sql sql, UUID patientId) {
        sql.update("""
                INSERT INTO evaluation_requests (patient_id) VALUES (?)
                ON CONFLICT (patient_id) DO UPDATE SET updated_at = clock_timestamp(), version = evaluation_requests.version + 1""", patientId);
    }
}
