package dk.fsc.service.readings;

import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.storage.AnswerRows;
import dk.fsc.gateway.storage.ReadingRows;
import dk.fsc.service.alerts.EvaluationRequests;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Stores what staff measure or observe by hand: with the statement the gateway stores device
 * readings with ({@link ReadingRows}), as staff-entered, and asks for the patient's evaluation
 * the way a device reading does (urgent at a red limit). Questionnaire answers a citizen gives over
 * the phone are stored item by item as a device's are ({@link AnswerRows}).
 */
@Singleton
public class ObservationStore {
    private final Database db;
    private final EvaluationRequests evaluations;

    ObservationStore(Database db, EvaluationRequests evaluations) {
        this.db = db;
        this.evaluations = evaluations;
    }

    /** In the caller's transaction; {@code reading.messageId()} is the entry's id. */
    public void record(UUID patientId, Reading reading, String enteredBy) {
        Sql sql = db.sql();
        ReadingRows rows = new ReadingRows();
        rows.addStaffEntry(reading, patientId, enteredBy);
        sql.update(ReadingRows.INSERT, rows.parameters(sql::array));
        AnswerRows answers = new AnswerRows();
        answers.add(ReadingRows.STAFF_DEVICE, reading, patientId);
        if (!answers.isEmpty()) {
            sql.update(AnswerRows.INSERT, answers.parameters(sql::array));
        }
        evaluations.request(sql, patientId, reading);
    }
}
