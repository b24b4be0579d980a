package dk.fsc.service.readings;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a patient's questionnaire answers (stored item by item with their reading: the gateway's
 * AnswerRows), one {@link Answered} per answered questionnaire. Access checks and the access log
 * are the caller's.
 */
@Singleton
public class AnswerStore {
    private final Database db;

    AnswerStore(Database db) {
        this.db = db;
    }

    /** One item's answer with the points and severity (green, yellow, red; null on a scored questionnaire) it was stored with. */
    @Serdeable
    public record Answer(String item, String answer, int points, String severity) {
    }

    /** One answered questionnaire: who sent it ({@code staff} for an entry by hand), when, and its answers in order. */
    @Serdeable
    public record Answered(UUID patientId, String deviceId, String messageId, Instant answeredAt, String questionnaire, String version,
                           List<Answer> answers) {
    }

    /** The patient's newest {@code limit} answered questionnaires, newest first. */
    public List<Answered> newest(UUID patientId, int limit) {
        return grouped(db.sql().list("""
                SELECT a.* FROM (SELECT DISTINCT device_id, message_id, answered_at FROM questionnaire_answers
                                  WHERE patient_id = ? ORDER BY answered_at DESC, device_id, message_id LIMIT ?) k
                  JOIN questionnaire_answers a USING (device_id, message_id, answered_at)
                 ORDER BY a.answered_at DESC, a.device_id, a.message_id, a.seq""", AnswerStore::row, patientId, limit));
    }

    /** The patient's questionnaires answered at exactly {@code answeredAt}. */
    public List<Answered> at(UUID patientId, Instant answeredAt) {
        return grouped(db.sql().list("""
                SELECT * FROM questionnaire_answers WHERE patient_id = ? AND answered_at = ?
                 ORDER BY device_id, message_id, seq""", AnswerStore::row, patientId, answeredAt));
    }

    private record Row(UUID patientId, String deviceId, String messageId, Instant answeredAt, String questionnaire, String version,
                       Answer answer) {
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getObject("patient_id", UUID.class), rs.getString("device_id"), rs.getString("message_id"),
                Sql.instant(rs, "answered_at"), rs.getString("questionnaire"), rs.getString("version"),
                new Answer(rs.getString("item"), rs.getString("answer"), rs.getInt("points"), rs.getString("severity")));
    }

    private static List<Answered> grouped(List<Row> rows) {
        Map<String, List<Row>> byMessage = new LinkedHashMap<>();
        for (Row r : rows) {
            byMessage.computeIfAbsent(r.deviceId() + '\0' + r.messageId() + '\0' + r.answeredAt(), k -> new ArrayList<>()).add(r);
        }
        List<Answered> out = new ArrayList<>();
        for (List<Row> message : byMessage.values()) {
            Row first = message.get(0);
            out.add(new Answered(first.patientId(), first.deviceId(), first.messageId(), first.answeredAt(), first.questionnaire(),
                    first.version(), message.stream().map(Row::answer).toList()));
        }
        return out;
    }
}
