package dk.fsc.gateway.storage;

import dk.fsc.gateway.contract.Answers;
import dk.fsc.gateway.contract.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The one statement that stores questionnaire answers in {@code questionnaire_answers}, item by
 * item, with the points and severity the questionnaire gives each answer. Collect with
 * {@link #add}, then run {@link #INSERT} with {@link #parameters}: one statement for a batch.
 */
public final class AnswerRows {
    public static final String INSERT = """
            INSERT INTO questionnaire_answers (device_id, message_id, seq, answered_at, patient_id, questionnaire, version,
                                               item, answer, points, severity)
            SELECT d, m, q::smallint, t::timestamptz, p, qn, v, i, a, pt::smallint, s
              FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],
                          ?::int[], ?::text[]) AS x(d, m, q, t, p, qn, v, i, a, pt, s)""";

    private record Row(String deviceId, Reading reading, UUID patient, int seq, Answers.Answer answer) {
    }

    private final List<Row> rows = new ArrayList<>();

    /** The reading's answers, if it has any. */
    public void add(String deviceId, Reading reading, UUID patient) {
        if (reading.answers() == null) {
            return;
        }
        int seq = 0;
        for (Answers.Answer a : reading.answers().answers()) {
            rows.add(new Row(deviceId, reading, patient, seq++, a));
        }
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public <E extends Exception> Object[] parameters(SqlArrays<E> arrays) throws E {
        int n = rows.size();
        Object[][] columns = new Object[11][n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            Answers answers = r.reading().answers();
            columns[0][i] = r.deviceId();
            columns[1][i] = r.reading().messageId();
            columns[2][i] = r.seq();
            columns[3][i] = r.reading().measuredAt().toString();
            columns[4][i] = r.patient();
            columns[5][i] = answers.questionnaire().wireName();
            columns[6][i] = answers.questionnaire().version();
            columns[7][i] = r.answer().item().id();
            columns[8][i] = r.answer().option().code();
            columns[9][i] = r.answer().option().points();
            columns[10][i] = r.answer().option().severity() == null ? null : r.answer().option().severity().name().toLowerCase(Locale.ROOT);
        }
        String[] types = {"text", "text", "int4", "text", "uuid", "text", "text", "text", "text", "int4", "text"};
        Object[] parameters = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
            parameters[c] = arrays.of(types[c], columns[c]);
        }
        return parameters;
    }
}
