package dk.fsc.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The reading object with a questionnaire's answers (docs/mqtt.md, "Questionnaires"). */
class QuestionnaireDecoderTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final ReadingDecoder decoder = new ReadingDecoder(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), Duration.ofDays(30));

    static final String CAT = """
            {"messageId": "cat-1", "measuredAt": "2026-11-22T09:00:00+01:00", "questionnaire": "cat",
             "answers": [{"item": "cough", "answer": 2}, {"item": "phlegm", "answer": "3"}, {"item": "chest_tightness", "answer": 1},
                         {"item": "breathlessness", "answer": 4}, {"item": "activities", "answer": 2}, {"item": "confidence", "answer": 0},
                         {"item": "sleep", "answer": 5}, {"item": "energy", "answer": 3}]}""";

    static String diary(String breathlessness) {
        return """
            {"messageId": "d-1", "measuredAt": "2026-11-22T09:00:00+01:00", "questionnaire": "copd_diary",
             "answers": [{"item": "sputum_colour", "answer": "yellow"}, {"item": "breathlessness", "answer": "%s"},
                         {"item": "cough", "answer": "usual"}, {"item": "sputum_amount", "answer": "more"},
                         {"item": "fever", "answer": "no"}, {"item": "rescue_medication", "answer": "usual"}]}""".formatted(breathlessness);
    }

    @Test
    void aCatIsStoredItemByItemAndItsTotalBecomesTheCatScore() {
        Reading r = valid(CAT);
        assertEquals(Questionnaire.CAT, r.answers().questionnaire());
        assertEquals(8, r.answers().answers().size());
        assertEquals(20, r.answers().points());
        assertEquals(1, r.observations().size());
        assertEquals(ObservationType.CAT_SCORE, r.observations().get(0).type());
        assertEquals(20.0, r.observations().get(0).value());
    }

    @Test
    void aDiaryKeepsTheQuestionnairesOrderAndGivesEachAnswerItsSeverity() {
        Reading r = valid(diary("much_worse"));
        assertEquals("breathlessness", r.answers().answers().get(0).item().id());
        assertEquals(Questionnaire.Severity.RED, r.answers().answers().get(0).option().severity());
        assertTrue(r.observations().isEmpty());
        assertTrue(r.answers().anyRed());
        assertTrue(RedLimits.anyRed(r), "a red answer puts the patient first, as a red value does");
        assertEquals(false, valid(diary("worse")).answers().anyRed());
    }

    @Test
    void theAnswersArePartOfTheContentAResendIsComparedBy() {
        assertNotEquals(valid(diary("worse")).content(), valid(diary("usual")).content());
        assertEquals(valid(diary("worse")).content(), valid(diary("worse").replace("  ", " ")).content());
        assertNull(valid(one()).answers());
        assertEquals(false, valid(one()).content().contains("questionnaire"), "a reading without answers reads as before");
    }

    @Test
    void refusesWhatTheQuestionnaireDoesNotHave() {
        assertEquals(RejectionCode.UNKNOWN_QUESTIONNAIRE, rejection(CAT.replace("\"cat\"", "\"phq9\"")));
        assertEquals(RejectionCode.INVALID_ANSWER, rejection(CAT.replace("\"answer\": 5", "\"answer\": 6")));
        assertEquals(RejectionCode.INVALID_ANSWER, rejection(diary("terrible")));
        assertEquals(RejectionCode.INVALID_ANSWER, rejection(CAT.replace("\"sleep\"", "\"appetite\"")));
        String detail = detail(diary("terrible"));
        assertTrue(detail.contains("[usual, worse, much_worse]"), detail);
    }

    @Test
    void refusesAnIncompleteOrTwiceAnsweredQuestionnaire() {
        String missing = detail(CAT.replace("{\"item\": \"sleep\", \"answer\": 5}, ", ""));
        assertTrue(missing.contains("missing [sleep]"), missing);
        assertEquals(RejectionCode.INVALID_PAYLOAD, rejection(CAT.replace("\"sleep\"", "\"energy\"")));
        assertEquals(RejectionCode.INVALID_PAYLOAD, rejection(CAT.replace("\"answers\": [", "\"answers\": [{\"item\": \"cough\"}, ")));
        assertEquals(RejectionCode.INVALID_PAYLOAD, rejection("{\"messageId\": \"x\", \"measuredAt\": \"2026-11-22T09:00:00Z\", \"questionnaire\": \"cat\"}"));
        assertEquals(RejectionCode.INVALID_PAYLOAD, rejection("{\"messageId\": \"x\", \"measuredAt\": \"2026-11-22T09:00:00Z\", \"answers\": []}"));
    }

    @Test
    void aCatScoreIsWorkedOutNeverSentAlongside() {
        String both = CAT.replace("\"questionnaire\"", "\"observations\": [{\"type\": \"cat_score\", \"value\": 20, \"unit\": \"{score}\"}], \"questionnaire\"");
        String detail = detail(both);
        assertTrue(detail.contains("worked out from the answers"), detail);
        String withPulse = CAT.replace("\"questionnaire\"", "\"observations\": [{\"type\": \"pulse\", \"value\": 70, \"unit\": \"/min\"}], \"questionnaire\"");
        assertEquals(2, valid(withPulse).observations().size());
    }

    private static String one() {
        return "{\"messageId\":\"m\",\"measuredAt\":\"2026-11-22T11:00:00Z\",\"observations\":[{\"type\":\"pulse\",\"value\":70,\"unit\":\"/min\"}]}";
    }

    private Reading valid(String json) {
        Decoded d = decoder.decode(json.getBytes(StandardCharsets.UTF_8)).get(0);
        if (d instanceof Decoded.Invalid invalid) {
            throw new AssertionError(invalid.reason().code() + ": " + invalid.reason().detail());
        }
        return ((Decoded.Valid) d).reading();
    }

    private Decoded.Invalid invalid(String json) {
        Decoded d = decoder.decode(json.getBytes(StandardCharsets.UTF_8)).get(0);
        return assertInstanceOf(Decoded.Invalid.class, d, "expected a rejection for " + json);
    }

    private RejectionCode rejection(String json) {
        return invalid(json).reason().code();
    }

    private String detail(String json) {
        return invalid(json).reason().detail();
    }
}
