package dk.fsc.service.wounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.multipart.MultipartBody;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Telemedical wound assessment on the real database and broker: a device photo makes and feeds
 * its wound; consent, referral, the specialist's narrow view, the assessment on the nurses' feed,
 * the answer's clock, and the 14-day photo reminder.
 */
@MicronautTest(transactional = false)
class WoundsIT extends IntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    WoundJobs jobs;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    ReferralAnswers answers;

    @Inject
    ReferralStore referrals;

    @Inject
    io.micronaut.transaction.TransactionOperations<java.sql.Connection> tx;

    private final Fixtures fixtures = new Fixtures();

    @Test
    @SuppressWarnings("unchecked")
    void aDevicePhotoMakesAndFeedsItsWoundWithItsMeasurement() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        photo(device, "wound-photo-1");
        Api nurse = new Api(http, fixtures.nurse(org));
        List<Map<String, Object>> wounds = nurse.getList("/api/patients/" + patient + "/wounds");
        assertEquals(1, wounds.size(), "the photo's wound got a record");
        Map<String, Object> wound = wounds.get(0);
        assertEquals("w-1", wound.get("key"));
        assertEquals("venous_leg_ulcer", wound.get("woundType"));
        assertEquals(1, ((Number) wound.get("photos")).intValue());

        Map<String, Object> record = nurse.get("/api/wounds/" + wound.get("id"));
        List<Map<String, Object>> measurements = (List<Map<String, Object>>) record.get("measurements");
        assertEquals(1, measurements.size());
        assertEquals(3.5, ((Number) measurements.get(0).get("lengthCm")).doubleValue());
        assertEquals(5.5, ((Number) measurements.get(0).get("areaCm2")).doubleValue(), "π/4 × 3.5 × 2.0 = 5.50");
        assertEquals("calculated", measurements.get(0).get("areaMethod"));
        List<Map<String, Object>> photos = (List<Map<String, Object>>) record.get("photos");
        assertEquals(1, photos.size());
        assertEquals(200, nurse.getBytes((String) photos.get(0).get("imageUrl")).getStatus().getCode());

        nurse.post("/api/wounds/" + wound.get("id") + "/measurements", Map.of("lengthCm", 3.0, "widthCm", 1.8, "areaCm2", 4.1));
        measurements = (List<Map<String, Object>>) nurse.get("/api/wounds/" + wound.get("id")).get("measurements");
        assertEquals(2, measurements.size(), "the photo's and the nurse's, oldest first");
        assertEquals("measured", measurements.get(1).get("areaMethod"));
        assertEquals(409, nurse.statusOf(() -> nurse.post("/api/patients/" + patient + "/wounds",
                Map.of("key", "w-1", "woundType", "other", "bodySite", "heel"))), "one record per key");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSpecialistSeesTheReferredWoundAndNothingElseWhileTheReferralAndTheConsentLast() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        photo(device, "wound-photo-2");
        Api nurse = new Api(http, fixtures.nurse(org));
        String wound = (String) nurse.getList("/api/patients/" + patient + "/wounds").get(0).get("id");
        Map<String, Object> other = nurse.post("/api/patients/" + patient + "/wounds",
                Map.of("woundType", "pressure_ulcer", "bodySite", "sacrum"));
        String clinic = fixtures.organisation("hospital");
        Api specialist = new Api(http, fixtures.staff(clinic, "wound_specialist"));
        Fixtures.Login otherClinicLogin = fixtures.staff(fixtures.organisation("hospital"), "wound_specialist");
        Api otherClinic = new Api(http, otherClinicLogin);
        assertTrue(nurse.getList("/api/wound-clinics").stream().anyMatch(c -> c.get("id").equals(clinic)));

        int refused = nurse.statusOf(() -> nurse.post("/api/wounds/" + wound + "/referrals", Map.of("clinicId", clinic, "question", "q")));
        assertEquals(409, refused, "no referral without the citizen's consent");
        assertEquals(404, specialist.statusOf(() -> specialist.get("/api/wounds/" + wound)), "nothing is referred yet");

        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "written", "note", "signed at the visit"));
        Map<String, Object> referral = nurse.post("/api/wounds/" + wound + "/referrals",
                Map.of("clinicId", clinic, "question", "Slow healing, yellow slough. Compression?"));
        assertEquals("open", referral.get("status"));
        assertEquals("running", referral.get("clock"));

        Map<String, Object> seen = specialist.get("/api/wounds/" + wound);
        assertEquals("w-1", ((Map<String, Object>) seen.get("wound")).get("key"));
        String image = (String) ((List<Map<String, Object>>) seen.get("photos")).get(0).get("imageUrl");
        assertEquals(200, specialist.getBytes(image).getStatus().getCode(), "the referred wound's photo");
        assertEquals(1, specialist.getList("/api/referrals").size());
        assertEquals(404, specialist.statusOf(() -> specialist.get("/api/wounds/" + other.get("id"))), "not the citizen's other wound");
        assertEquals(403, specialist.statusOf(() -> specialist.get("/api/patients/" + patient)), "not the citizen's record");
        assertEquals(403, specialist.statusOf(() -> specialist.getList("/api/patients/" + patient + "/readings")), "not the readings");
        assertEquals(404, otherClinic.statusOf(() -> otherClinic.get("/api/wounds/" + wound)), "not another clinic's specialist");
        assertEquals(0, otherClinic.getList("/api/referrals").size());
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND role = 'wound_specialist' AND action = 'read wound'"
                + " AND purpose = 'wound assessment'", patient) >= 1, "the specialist's look is in the citizen's access log");

        // The answer reaches the nurses' feed.
        specialist.post("/api/referrals/" + referral.get("id") + "/assessments", Map.of("assessment", "Venous ulcer, slough 30 %",
                "classification", "venous, stage C6", "treatmentPlan", "Compression 40 mmHg, debridement", "nextPhotoDue", "2026-12-16"));
        Map<String, Object> alert = nurse.getList("/api/alerts?status=all").stream()
                .filter(a -> a.get("patientId").equals(patient.toString()) && a.get("kind").equals("wound_assessment")).findFirst().orElse(null);
        assertNotNull(alert, "the assessment is on the nurses' feed");
        assertTrue(((String) alert.get("summary")).contains("venous, stage C6"), alert.toString());
        Map<String, Object> answered = nurse.get("/api/referrals/" + referral.get("id"));
        assertEquals("answered", answered.get("status"));
        assertEquals("met", answered.get("clock"));
        assertEquals(200, specialist.statusOf(() -> specialist.get("/api/wounds/" + wound)), "answered is not closed: still theirs");

        // Withdrawing the consent closes the referral and ends the specialist's access at once.
        nurse.post("/api/patients/" + patient + "/wound-consent/withdraw", Map.of());
        assertEquals(404, specialist.statusOf(() -> specialist.get("/api/wounds/" + wound)));
        assertEquals(404, specialist.statusOf(() -> specialist.getBytes(image)));
        assertEquals(0, specialist.getList("/api/referrals").size());
        assertEquals("closed", nurse.get("/api/referrals/" + referral.get("id")).get("status"));
        assertEquals(409, nurse.statusOf(() -> nurse.post("/api/wounds/" + wound + "/referrals", Map.of("clinicId", clinic, "question", "q"))),
                "no new referral after the consent is withdrawn");

        // Consent again, a new referral, then the nurse closes it: the access ends too.
        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "oral"));
        Map<String, Object> second = nurse.post("/api/wounds/" + wound + "/referrals", Map.of("clinicId", clinic, "question", "Again"));
        assertEquals(200, specialist.statusOf(() -> specialist.get("/api/wounds/" + wound)));
        nurse.post("/api/referrals/" + second.get("id") + "/close", Map.of("reason", "healed"));
        assertEquals(404, specialist.statusOf(() -> specialist.get("/api/wounds/" + wound)));
        assertEquals(404, specialist.statusOf(() -> specialist.get("/api/referrals/" + second.get("id"))));

        // Referred on to another clinic: its specialist sees the wound with their own referral only, not the first clinic's.
        String otherClinicId = fixtures.text("SELECT organisation_id FROM staff_users WHERE username = ?", otherClinicLogin.username());
        nurse.post("/api/wounds/" + wound + "/referrals", Map.of("clinicId", otherClinicId, "question", "Second opinion"));
        List<Map<String, Object>> theirs = (List<Map<String, Object>>) otherClinic.get("/api/wounds/" + wound).get("referrals");
        assertEquals(1, theirs.size(), "not the first clinic's two: " + theirs);
        assertEquals(3, ((List<?>) nurse.get("/api/wounds/" + wound).get("referrals")).size(), "the nurses see all three");
    }

    @Test
    void aLateAnswerWarnsBeforeItIsDueAndShowsBreachedAfter() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Map<String, Object> wound = nurse.post("/api/patients/" + patient + "/wounds", Map.of("woundType", "diabetic_foot_ulcer",
                "bodySite", "plantar, first metatarsal head", "side", "left"));
        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "oral"));
        String clinic = fixtures.organisation("hospital");
        Api specialist = new Api(http, fixtures.staff(clinic, "wound_specialist"));
        Map<String, Object> referral = nurse.post("/api/wounds/" + wound.get("id") + "/referrals", Map.of("clinicId", clinic, "question", "q"));
        String id = (String) referral.get("id");

        fixtures.update("UPDATE wound_referrals SET answer_due = now() + interval '90 minutes' WHERE id = ?::uuid", id);
        jobs.check(Instant.now());
        assertEquals("warning", specialist.get("/api/referrals/" + id).get("clock"), "due within two hours");
        assertNotNull(fixtures.text("SELECT warned_at::text FROM wound_referrals WHERE id = ?::uuid", id));
        assertTrue(registry.get("fsc.wound.referrals.waiting").tag("clock", "warning").gauge().value() >= 1, "the operators' gauge warns too");

        fixtures.update("UPDATE wound_referrals SET answer_due = now() - interval '1 minute' WHERE id = ?::uuid", id);
        jobs.check(Instant.now());
        assertEquals("breached", specialist.get("/api/referrals/" + id).get("clock"));
        assertNotNull(fixtures.text("SELECT breached_at::text FROM wound_referrals WHERE id = ?::uuid", id));
        assertTrue(registry.get("fsc.wound.referrals.waiting").tag("clock", "breached").gauge().value() >= 1);
        specialist.post("/api/referrals/" + id + "/assessments", Map.of("assessment", "a", "treatmentPlan", "p"));
        assertEquals("late", nurse.get("/api/referrals/" + id).get("clock"), "answered after it was due");
    }

    /**
     * The answer's check is made on the referral's row as it is stored: a second answer (a double
     * click: its copy of the referral was read while the referral was open) is refused, and so is
     * an answer typed on a page read before the nurse closed the referral, which stays closed.
     */
    @Test
    void aReferralIsAnsweredOnceAndAnAnswerToAReferralClosedMeanwhileIsRefused() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "oral"));
        String clinic = fixtures.organisation("hospital");
        Fixtures.Login specialistLogin = fixtures.staff(clinic, "wound_specialist");
        dk.fsc.service.staff.StaffUser specialist = new dk.fsc.service.staff.StaffUser(specialistLogin.username(), "wound_specialist", clinic);
        UUID[] ids = new UUID[2];
        for (int i = 0; i < 2; i++) {
            Map<String, Object> wound = nurse.post("/api/patients/" + patient + "/wounds", Map.of("woundType", "venous_leg_ulcer",
                    "bodySite", "medial malleolus " + i, "side", "left"));
            ids[i] = UUID.fromString((String) nurse.post("/api/wounds/" + wound.get("id") + "/referrals",
                    Map.of("clinicId", clinic, "question", "q")).get("id"));
        }

        // Twice with the copy read while it was open, as two requests of a double click each hold one.
        WoundViews.Referral seen = tx.executeRead(status -> referrals.find(ids[0]).orElseThrow());
        tx.executeWrite(status -> answers.answer(specialist, seen, "first", null, "plan", null));
        dk.fsc.service.platform.errors.Refusal twice = assertThrows(dk.fsc.service.platform.errors.Refusal.class,
                () -> tx.executeWrite(status -> answers.answer(specialist, seen, "second", null, "plan", null)));
        assertEquals(dk.fsc.service.platform.errors.Refusal.Kind.CONFLICT, twice.kind());
        assertEquals(1, fixtures.count("SELECT count(*) FROM wound_assessments WHERE referral_id = ?", ids[0]), "one answer stored");

        // The nurse acknowledges the answer, asks again, and the same words come back: shown as new again.
        long alert = fixtures.count("SELECT id FROM alerts WHERE patient_id = ? AND kind = 'wound_assessment'", patient);
        nurse.post("/api/alerts/" + alert + "/acknowledge", Map.of("note", "read"));
        nurse.post("/api/referrals/" + ids[0] + "/ask-again", Map.of("question", "new photo, worse?"));
        WoundViews.Referral asked = tx.executeRead(status -> referrals.find(ids[0]).orElseThrow());
        tx.executeWrite(status -> answers.answer(specialist, asked, "first", null, "plan", null));
        assertEquals("open", fixtures.text("SELECT status FROM alerts WHERE id = ?", alert), "the second answer needs a nurse's eyes again");
        assertEquals(2, fixtures.count("SELECT count(*) FROM alert_events WHERE alert_id = ? AND type IN ('opened', 'updated')", alert));

        // Asked again, then closed before the clinic answers: the earlier answers do not stop the new question's clock
        // (until V40 it showed "met", the newest answer's). A second asking on a page read while it was answered: 409.
        nurse.post("/api/referrals/" + ids[0] + "/ask-again", Map.of("question", "and now?"));
        assertEquals("running", nurse.get("/api/referrals/" + ids[0]).get("clock"));
        dk.fsc.service.platform.errors.Refusal askedTwice = assertThrows(dk.fsc.service.platform.errors.Refusal.class,
                () -> tx.executeWrite(status -> referrals.askAgain(ids[0], "the other nurse's question", java.time.Instant.now())));
        assertEquals(dk.fsc.service.platform.errors.Refusal.Kind.CONFLICT, askedTwice.kind());
        assertEquals("and now?", fixtures.text("SELECT question FROM wound_referrals WHERE id = ?", ids[0]));
        nurse.post("/api/referrals/" + ids[0] + "/close", Map.of("reason", "seen in the clinic"));
        assertEquals("stopped", nurse.get("/api/referrals/" + ids[0]).get("clock"), "closed without an answer to the question standing");

        // Read by the specialist's page, then closed by the nurse, then answered.
        WoundViews.Referral before = tx.executeRead(status -> referrals.find(ids[1]).orElseThrow());
        nurse.post("/api/referrals/" + ids[1] + "/close", Map.of("reason", "healed"));
        dk.fsc.service.platform.errors.Refusal closed = assertThrows(dk.fsc.service.platform.errors.Refusal.class,
                () -> tx.executeWrite(status -> answers.answer(specialist, before, "late", null, "plan", null)));
        assertEquals(dk.fsc.service.platform.errors.Refusal.Kind.CONFLICT, closed.kind());
        assertEquals("closed", fixtures.text("SELECT status FROM wound_referrals WHERE id = ?", ids[1]), "the closed referral stays closed");
        assertEquals(0, fixtures.count("SELECT count(*) FROM wound_assessments WHERE referral_id = ?", ids[1]));
    }

    /** Consent recorded by two at once (the other's not committed when this one checked): 409 with the reason, not 500. */
    @Test
    void consentRecordedTwiceAtOnceIsAConflictNotAnError() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        try (java.sql.Connection other = dk.fsc.service.testing.TestInfrastructure.database().connect()) {
            other.setAutoCommit(false);
            try (var s = other.prepareStatement("INSERT INTO wound_consents (patient_id, given_at, how, recorded_by) VALUES (?, now(), 'oral', 'colleague')")) {
                s.setObject(1, patient);
                s.executeUpdate();
            }
            java.util.concurrent.CompletableFuture<Integer> second = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> nurse.statusOf(() -> nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "oral"))));
            Thread.sleep(1000); // the request now waits for the colleague's row
            other.commit();
            assertEquals(409, second.get(20, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM wound_consents WHERE patient_id = ?", patient));
    }

    @Test
    void aMissedFourteenDayPhotoRemindsTheNursesOnce() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Map<String, Object> wound = nurse.post("/api/patients/" + patient + "/wounds", Map.of("woundType", "venous_leg_ulcer",
                "bodySite", "medial malleolus", "side", "right", "followUpDays", 14));
        assertNotNull(wound.get("nextPhotoDue"), "under follow-up: the next photo is due");
        fixtures.update("UPDATE wounds SET follow_up_since = now() - interval '15 days' WHERE id = ?::uuid", wound.get("id"));

        jobs.check(Instant.now());
        jobs.check(Instant.now());
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'missing_photo' AND severity = 'blue'",
                patient), "reminded once for the due moment");
        assertEquals(1, fixtures.count("SELECT count(*) FROM alert_events e JOIN alerts a ON a.id = e.alert_id"
                + " WHERE a.patient_id = ? AND a.kind = 'missing_photo'", patient), "not raised again");

        Map<String, Object> healed = nurse.put("/api/wounds/" + wound.get("id"), Map.of("status", "healed", "followUpDays", 14));
        assertEquals(null, healed.get("nextPhotoDue"), "a healed wound is due no photo");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNurseUploadsAPhotoSheTookWhichIsCleanedAndStoredLikeADevicesAndABadFileIsRefusedWithItsReason() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Fixtures.Login login = fixtures.nurse(org);
        Api nurse = new Api(http, login);
        Map<String, Object> wound = nurse.post("/api/patients/" + patient + "/wounds",
                Map.of("woundType", "diabetic_foot_ulcer", "bodySite", "left heel", "side", "left", "followUpDays", 14));
        String path = "/api/wounds/" + wound.get("id") + "/photos";
        byte[] jpeg = TestImages.jpegWithExif(64, 48);

        HttpResponse<Map> stored = http.toBlocking().exchange(HttpRequest.POST(path, MultipartBody.builder()
                .addPart("file", "heel.jpg", MediaType.IMAGE_JPEG_TYPE, jpeg).addPart("lengthCm", "2,5").addPart("widthCm", "2")
                .addPart("note", "After debridement").build()).contentType(MediaType.MULTIPART_FORM_DATA_TYPE).bearerAuth(nurse.token()), Map.class);
        assertEquals(201, stored.getStatus().getCode());
        Map<String, Object> record = stored.body();
        List<Map<String, Object>> photos = (List<Map<String, Object>>) record.get("photos");
        assertEquals(1, photos.size());
        List<Map<String, Object>> measurements = (List<Map<String, Object>>) record.get("measurements");
        assertEquals(2.5, ((Number) measurements.get(0).get("lengthCm")).doubleValue(), "the decimal comma is read");
        assertEquals(3.93, ((Number) measurements.get(0).get("areaCm2")).doubleValue(), 0.01, "π/4 × 2.5 × 2");
        byte[] served = nurse.getBytes((String) photos.get(0).get("imageUrl")).body();
        assertTrue(served.length > 0 && !TestImages.contains(served, TestImages.SECRET), "the GPS and owner in its EXIF are removed");
        assertEquals(login.username(), fixtures.text("SELECT taken_by FROM photos WHERE patient_id = ?", patient));
        assertEquals("staff", fixtures.text("SELECT device_id FROM photos WHERE patient_id = ?", patient));
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'upload wound photo'", patient) == 1);
        Map<String, Object> after = nurse.get("/api/wounds/" + wound.get("id"));
        assertEquals(1, ((Number) ((Map<String, Object>) after.get("wound")).get("photos")).intValue());
        assertNotNull(((Map<String, Object>) after.get("wound")).get("lastPhotoAt"), "the photo counts for the 14-day rhythm");

        // A file that is not a picture, a damaged JPEG, and a size out of range: 400 with the reason, nothing stored.
        for (Object[] bad : new Object[][] {{"notes.txt", "hello".getBytes(), "2", "not a photo we take"},
                {"broken.jpg", java.util.Arrays.copyOf(jpeg, 40), "2", "cannot be used"},
                {"heel.jpg", jpeg, "250", "lengthCm must be between 0 and 100"}}) {
            HttpClientResponseException refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                    HttpRequest.POST(path, MultipartBody.builder().addPart("file", (String) bad[0], MediaType.APPLICATION_OCTET_STREAM_TYPE,
                            (byte[]) bad[1]).addPart("lengthCm", (String) bad[2]).build())
                            .contentType(MediaType.MULTIPART_FORM_DATA_TYPE).bearerAuth(nurse.token()), String.class));
            assertEquals(400, refused.getStatus().getCode(), bad[0].toString());
            String body = refused.getResponse().getBody(String.class).orElse("");
            assertTrue(body.contains((String) bad[3]), body);
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM photos WHERE patient_id = ?", patient));

        // Another organisation's nurse cannot add a photo to this citizen's wound.
        Api stranger = new Api(http, fixtures.nurse(fixtures.organisation()));
        HttpClientResponseException notFound = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                HttpRequest.POST(path, MultipartBody.builder().addPart("file", "heel.jpg", MediaType.IMAGE_JPEG_TYPE, jpeg).build())
                        .contentType(MediaType.MULTIPART_FORM_DATA_TYPE).bearerAuth(stranger.token()), String.class));
        assertEquals(404, notFound.getStatus().getCode());
    }

    @Test
    void aPhotoMayBeLargerThanAJsonBodyButNoRouteElseTakesMore() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Map<String, Object> wound = nurse.post("/api/patients/" + patient + "/wounds", Map.of("woundType", "other", "bodySite", "back"));
        // A 2 MB picture (noise does not compress) is taken on the upload route ...
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(1200, 900, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < 900; y++) {
            for (int x = 0; x < 1200; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        byte[] big = TestImages.encode(noise, "png");
        assertTrue(big.length > 1_100_000, "the picture is larger than the 1 MB of other routes: " + big.length);
        HttpResponse<Map> stored = http.toBlocking().exchange(HttpRequest.POST("/api/wounds/" + wound.get("id") + "/photos",
                MultipartBody.builder().addPart("file", "back.png", MediaType.IMAGE_PNG_TYPE, big).build())
                .contentType(MediaType.MULTIPART_FORM_DATA_TYPE).bearerAuth(nurse.token()), Map.class);
        assertEquals(201, stored.getStatus().getCode());
        // ... and refused on any other, with 413 problem+json naming the limit.
        HttpClientResponseException tooLarge = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                HttpRequest.POST("/api/wounds/" + wound.get("id") + "/measurements", new String(new char[big.length]).replace('\0', ' '))
                        .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(nurse.token()), String.class));
        assertEquals(413, tooLarge.getStatus().getCode());
        assertTrue(tooLarge.getResponse().getContentType().map(MediaType::toString).orElse("").startsWith("application/problem+json"));
        assertTrue(tooLarge.getResponse().getBody(String.class).orElse("").contains("at most 1048576"),
                tooLarge.getResponse().getBody(String.class).orElse(""));
    }

    private static void photo(String device, String messageId) throws Exception {
        try (TestDevice camera = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            camera.publishPhoto(TestDevice.photo(messageId, "image/jpeg", TestImages.jpegWithExif(64, 48)));
            String reply = camera.nextReply(WAIT);
            assertNotNull(reply, "the camera got no reply");
            assertTrue(reply.contains("accepted"), reply);
        }
    }
}
