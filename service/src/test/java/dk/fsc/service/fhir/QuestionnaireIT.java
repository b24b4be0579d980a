package dk.fsc.service.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;

/**
 * Questionnaires end to end on the real database and broker: answers over MQTT and as FHIR
 * QuestionnaireResponses, stored item by item, scored, evaluated; the Questionnaires served.
 */
@MicronautTest(transactional = false)
class QuestionnaireIT extends IntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DIARY = "https://fsc.rm.dk/fhir/Questionnaire/copd-diary";

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    FhirContext fhir;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void aRedSymptomDiaryAnswerOverMqttOpensARedAlertAndIsStoredItemByItem() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        String diary = """
                {"messageId": "diary-%s", "measuredAt": "%s", "questionnaire": "copd_diary",
                 "answers": [{"item": "breathlessness", "answer": "much_worse"}, {"item": "cough", "answer": "more"},
                             {"item": "sputum_amount", "answer": "more"}, {"item": "sputum_colour", "answer": "green"},
                             {"item": "fever", "answer": "no"}, {"item": "rescue_medication", "answer": "usual"}]}"""
                .formatted(runId, Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS));
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(diary);
            String reply = d.nextReply(WAIT);
            assertNotNull(reply);
            assertTrue(reply.contains("\"accepted\""), reply);
            d.publishReading(diary);
            String again = d.nextReply(WAIT);
            assertTrue(again != null && again.contains("\"duplicate\""), again);
        }
        assertEquals(6, fixtures.count("SELECT count(*) FROM questionnaire_answers WHERE patient_id = ?", patient), "stored once, item by item");
        assertEquals(1, fixtures.count("SELECT count(*) FROM questionnaire_answers WHERE patient_id = ? AND item = 'breathlessness'"
                + " AND answer = 'much_worse' AND severity = 'red'", patient));
        Eventually.await("a red diary answer opens a red symptom alert", WAIT,
                () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'symptom' AND severity = 'red'", patient) == 1);
        String summary = fixtures.text("SELECT summary FROM alerts WHERE patient_id = ? AND kind = 'symptom'", patient);
        assertTrue(summary.contains("breathlessness much worse (red)") && summary.contains("sputum colour green (yellow)"), summary);

        // The nurse's early-warning picture is red by the diary alone.
        Api nurse = new Api(http, fixtures.nurse(org));
        List<Map<String, Object>> answered = nurse.getList("/api/patients/" + patient + "/questionnaires");
        assertEquals(1, answered.size());
        assertEquals("copd_diary", answered.get(0).get("questionnaire"));
        assertEquals(Map.of("item", "breathlessness", "answer", "much_worse", "points", 2, "severity", "red"),
                ((List<?>) answered.get(0).get("answers")).get(0));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'read questionnaire answers'", patient));
        Map<String, Object> warning = nurse.get("/api/patients/" + patient + "/early-warning");
        assertEquals("red", warning.get("colour"), warning.toString());
    }

    @Test
    void aCatIsScoredAndARiseFromTheBaselineIsLimitedLikeAValue() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(cat("cat-1-" + runId, Instant.now().minus(3, ChronoUnit.HOURS), 1));
            assertTrue(d.nextReply(WAIT).contains("\"accepted\""));
            d.publishReading(cat("cat-2-" + runId, Instant.now().minus(1, ChronoUnit.HOURS), 2));
            assertTrue(d.nextReply(WAIT).contains("\"accepted\""));
        }
        assertEquals(List.of("8", "16"), fixtures.strings(
                "SELECT value::int::text FROM readings WHERE patient_id = ? AND type = 'cat_score' ORDER BY measured_at", patient),
                "the totals: 8 (the baseline, the first) and 16");
        assertEquals(16, fixtures.count("SELECT count(*) FROM questionnaire_answers WHERE patient_id = ? AND questionnaire = 'cat'", patient));
        // 16 - 8 = +8: red by the programme's limit on the change (yellow from +4, red from +8); 16 itself is green.
        Eventually.await("a CAT 8 points above its baseline raises a red threshold alert", WAIT,
                () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold' AND severity = 'red'", patient) == 1);
        String details = fixtures.text("SELECT details::text FROM alerts WHERE patient_id = ? AND kind = 'threshold'", patient);
        assertTrue(details.contains("\"type\": \"cat_change\"") && details.contains("\"value\": 8"), details);
        assertTrue(!details.contains("\"type\": \"cat_score\""), details);

        // A clinician's own limits on the change apply as on any value.
        Api clinician = new Api(http, fixtures.staff(org, "clinician"));
        Map<String, Object> set = clinician.put("/api/patients/" + patient + "/thresholds/cat_change",
                Map.of("yellowHigh", 10, "redHigh", 15, "reason", "test: a wider band for this patient"));
        assertTrue(set.toString().contains("cat_change"), set.toString());
    }

    /**
     * With monitoring settings the baseline is the first CAT since monitoring started, not one
     * taken before: found in the month after the start (where it is looked for first) and, for a
     * patient whose first CAT came later, in the months after that.
     */
    @Test
    void theBaselineIsTheFirstCatSinceMonitoringStartedWhetherInItsFirstMonthOrLater() throws Exception {
        String org = fixtures.organisation();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // Monitoring began 10 days ago; its first CAT 5 days ago (8), one before the start (24) does not count.
        UUID early = monitoredPatientWithCats(org, now.minus(10, ChronoUnit.DAYS),
                Map.of(now.minus(12, ChronoUnit.DAYS), 24, now.minus(5, ChronoUnit.DAYS), 8, now.minus(3, ChronoUnit.DAYS), 30));
        // Monitoring began 80 days ago, the first CAT since came 20 days ago (8): after the first month looked at.
        UUID late = monitoredPatientWithCats(org, now.minus(80, ChronoUnit.DAYS),
                Map.of(now.minus(90, ChronoUnit.DAYS), 24, now.minus(20, ChronoUnit.DAYS), 8, now.minus(10, ChronoUnit.DAYS), 30));
        for (UUID patient : List.of(early, late)) {
            String device = fixtures.deviceOnLoanTo(patient, org);
            try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
                d.publishReading(cat("cat-now-" + patient, now.minus(1, ChronoUnit.HOURS), 2));
                assertTrue(d.nextReply(WAIT).contains("\"accepted\""));
            }
        }
        for (UUID patient : List.of(early, late)) {
            // 16 - 8 = +8: red. Measured from the CAT before the start (24) it would be -8, from the first of all, no alert.
            Eventually.await("a CAT 8 points above the first since monitoring started raises a red alert", WAIT,
                    () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold' AND severity = 'red'", patient) == 1);
            String details = fixtures.text("SELECT details::text FROM alerts WHERE patient_id = ? AND kind = 'threshold'", patient);
            assertTrue(details.contains("\"type\": \"cat_change\"") && details.contains("\"value\": 8"), details);
        }
    }

    /** A patient in monitoring since {@code started}, with CAT totals stored at the given times (as a device's earlier readings). */
    private UUID monitoredPatientWithCats(String org, Instant started, Map<Instant, Integer> totals) {
        UUID patient = fixtures.patient(org);
        fixtures.update("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) VALUES (?, 'copd_standard', ?, 'test')",
                patient, java.sql.Timestamp.from(started));
        totals.forEach((at, total) -> fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES ('CAT-SEED', ?, 0, ?, ?, 'cat_score', ?)""", "cat-" + at + "-" + patient, java.sql.Timestamp.from(at), patient, total));
        return patient;
    }

    @Test
    void aNurseEntersADiaryGivenOverThePhoneAsADeviceWouldSendIt() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Map<String, Object> entered = nurse.post("/api/patients/" + patient + "/observations", Map.of(
                "measuredAt", Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS).toString(), "questionnaire", "copd_diary",
                "answers", List.of(Map.of("item", "breathlessness", "answer", "worse"), Map.of("item", "cough", "answer", "usual"),
                        Map.of("item", "sputum_amount", "answer", "usual"), Map.of("item", "sputum_colour", "answer", "clear"),
                        Map.of("item", "fever", "answer", "yes"), Map.of("item", "rescue_medication", "answer", "usual"))));
        assertEquals(0, ((Number) entered.get("observations")).intValue());
        assertEquals(6, fixtures.count("SELECT count(*) FROM questionnaire_answers WHERE patient_id = ? AND device_id = 'staff'", patient));
        Eventually.await("two yellow answers open a yellow symptom alert", WAIT,
                () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'symptom' AND severity = 'yellow'", patient) == 1);
        int refused = nurse.statusOf(() -> nurse.post("/api/patients/" + patient + "/observations", Map.of(
                "measuredAt", Instant.now().toString(), "questionnaire", "copd_diary",
                "answers", List.of(Map.of("item", "breathlessness", "answer", "worse")))));
        assertEquals(400, refused, "an incomplete diary is refused, saying what is missing");
    }

    @Test
    void theQuestionnairesAreServedToAnyoneAndValid() {
        Bundle all = fhir.newJsonParser().parseResource(Bundle.class,
                http.toBlocking().retrieve(HttpRequest.GET("/fhir/Questionnaire"), String.class));
        assertEquals(2, all.getEntry().size());
        for (Bundle.BundleEntryComponent e : all.getEntry()) {
            assertEquals(List.of(), FhirValidation.errors(fhir, e.getResource()), e.getResource().getIdElement().getIdPart());
        }
        Questionnaire diary = fhir.newJsonParser().parseResource(Questionnaire.class,
                http.toBlocking().retrieve(HttpRequest.GET("/fhir/Questionnaire/copd-diary"), String.class));
        assertEquals(DIARY, diary.getUrl());
        assertEquals(6, diary.getItem().size());
        Questionnaire.QuestionnaireItemAnswerOptionComponent muchWorse = diary.getItemFirstRep().getAnswerOption().get(2);
        assertEquals("copd_diary.breathlessness.much_worse", muchWorse.getValueCoding().getCode());
        assertEquals("red", muchWorse.getExtensionByUrl(Questionnaires.SEVERITY).getValueAsPrimitive().getValueAsString());
        Bundle byUrl = fhir.newJsonParser().parseResource(Bundle.class,
                http.toBlocking().retrieve(HttpRequest.GET("/fhir/Questionnaire?url=https://fsc.rm.dk/fhir/Questionnaire/cat%7C1"), String.class));
        assertEquals(1, byUrl.getEntry().size());
        Questionnaire cat = (Questionnaire) byUrl.getEntryFirstRep().getResource();
        assertEquals("cat", cat.getIdElement().getIdPart());
        assertEquals(8, cat.getItem().size());
        assertEquals(404, assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().retrieve(HttpRequest.GET("/fhir/Questionnaire/phq9"), String.class)).getStatus().getCode());
    }

    @Test
    void aQuestionnaireResponsePostedTwiceIsStoredOnceReadBackAndABadOneQuarantined() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        QuestionnaireResponse red = diaryResponse("qr-" + runId, "much_worse");
        QuestionnaireResponse unknown = diaryResponse("qr-bad-" + runId, "terrible");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (QuestionnaireResponse r : List.of(red, unknown)) {
            bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(r).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("QuestionnaireResponse");
        }
        Bundle first = post(device, bundle);
        assertEquals(List.of("201 Created", "422 Unprocessable Entity"), statuses(first));
        String why = ((OperationOutcome) first.getEntry().get(1).getResponse().getOutcome()).getIssueFirstRep().getDiagnostics();
        assertTrue(why.startsWith("INVALID_ANSWER") && why.contains("much_worse"), why);
        assertEquals(1, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND code = 'INVALID_ANSWER'", device));
        assertEquals(List.of("200 OK", "422 Unprocessable Entity"), statuses(post(device, bundle)));
        assertEquals(6, fixtures.count("SELECT count(*) FROM questionnaire_answers WHERE patient_id = ?", patient), "stored once");
        Eventually.await("a red answer posted over FHIR opens a red symptom alert", WAIT,
                () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'symptom' AND severity = 'red'", patient) == 1);

        Api nurse = new Api(http, fixtures.nurse(org));
        Bundle found = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/QuestionnaireResponse?patient=" + patient));
        assertEquals(1, found.getEntry().size());
        QuestionnaireResponse back = (QuestionnaireResponse) found.getEntryFirstRep().getResource();
        assertEquals(List.of(), FhirValidation.errors(fhir, back));
        assertEquals("qr-" + runId, back.getIdentifier().getValue());
        assertEquals(DIARY + "|1", back.getQuestionnaire());
        assertEquals("Device/" + device, back.getAuthor().getReference());
        assertEquals("copd_diary.breathlessness.much_worse", back.getItemFirstRep().getAnswerFirstRep().getValueCoding().getCode());
        QuestionnaireResponse read = fhir.newJsonParser().parseResource(QuestionnaireResponse.class,
                get(nurse, "/fhir/QuestionnaireResponse/" + back.getIdElement().getIdPart()));
        assertEquals(6, read.getItem().size());
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'read questionnaire answers (FHIR)'",
                patient));

        Api stranger = new Api(http, fixtures.nurse(fixtures.organisation()));
        assertEquals(404, assertThrows(HttpClientResponseException.class,
                () -> get(stranger, "/fhir/QuestionnaireResponse/" + back.getIdElement().getIdPart())).getStatus().getCode());
        assertEquals(404, assertThrows(HttpClientResponseException.class,
                () -> get(stranger, "/fhir/QuestionnaireResponse?patient=" + patient)).getStatus().getCode());

        Bundle everything = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/Patient/" + patient + "/$everything"));
        assertTrue(everything.getEntry().stream().anyMatch(e -> e.getResource() instanceof QuestionnaireResponse), "in the export");
    }

    private static String cat(String messageId, Instant at, int eachItem) {
        StringBuilder answers = new StringBuilder();
        for (String item : List.of("cough", "phlegm", "chest_tightness", "breathlessness", "activities", "confidence", "sleep", "energy")) {
            answers.append(answers.length() == 0 ? "" : ", ").append("{\"item\": \"").append(item).append("\", \"answer\": ").append(eachItem).append('}');
        }
        return "{\"messageId\": \"" + messageId + "\", \"measuredAt\": \"" + at.truncatedTo(ChronoUnit.SECONDS)
                + "\", \"questionnaire\": \"cat\", \"answers\": [" + answers + "]}";
    }

    private static QuestionnaireResponse diaryResponse(String identifier, String breathlessness) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.getIdentifier().setSystem("urn:ietf:rfc:3986").setValue(identifier);
        r.setQuestionnaire(DIARY);
        r.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        r.setAuthored(Date.from(Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS)));
        r.addItem().setLinkId("breathlessness").addAnswer().setValue(
                new Coding(Questionnaires.ANSWER_SYSTEM, "copd_diary.breathlessness." + breathlessness, null));
        for (String[] a : new String[][] {{"cough", "usual"}, {"sputum_amount", "usual"}, {"sputum_colour", "clear"}, {"fever", "no"},
                {"rescue_medication", "none"}}) {
            r.addItem().setLinkId(a[0]).addAnswer().setValue(new Coding(Questionnaires.ANSWER_SYSTEM, "copd_diary." + a[0] + "." + a[1], null));
        }
        return r;
    }

    private Bundle post(String device, Bundle bundle) {
        HttpResponse<String> response = http.toBlocking().exchange(HttpRequest.POST("/fhir", fhir.newJsonParser().encodeResourceToString(bundle))
                .basicAuth(device, "pw-" + device).contentType("application/fhir+json"), String.class);
        return fhir.newJsonParser().parseResource(Bundle.class, response.body());
    }

    private String get(Api api, String path) {
        return http.toBlocking().exchange(HttpRequest.GET(path).bearerAuth(api.token()), String.class).body();
    }

    private static List<String> statuses(Bundle answer) {
        return answer.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
    }
}
