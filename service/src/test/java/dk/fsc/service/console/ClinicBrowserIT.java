package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A hospital wound specialist's pages in a real browser: the referral queue with its clock, the wound, and the answer. */
@MicronautTest(transactional = false)
class ClinicBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void aNurseRecordsTheConsentAndRefersAWoundOnItsPage() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String camera = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), camera)) {
            d.publishPhoto(TestDevice.photo("nurse-wound-1", "image/jpeg", TestImages.jpegWithExif(64, 48)));
            assertNotNull(d.nextReply(WAIT));
        }
        String clinic = fixtures.organisation("hospital");
        fixtures.staff(clinic, "wound_specialist");
        String wound = fixtures.text("SELECT id::text FROM wounds WHERE patient_id = ?", patient);

        Browser b = browser().signIn(fixtures.nurse(org)).open("/patients/" + patient + "/wounds");
        assertTrue(b.find("#consent-state").getText().contains("ikke givet samtykke"), b.find("#consent-state").getText());
        assertTrue(b.all(".refer-form").isEmpty(), "no referral form without consent");
        b.find("#consent-save").click();
        b.waitFor(WAIT, d -> !b.all("#consent-problems").isEmpty());
        assertTrue(b.find("#consent-problems").getText().contains("vælg skriftligt eller mundtligt"), b.find("#consent-problems").getText());
        new org.openqa.selenium.support.ui.Select(b.find("#how")).selectByValue("written");
        b.find("#consent-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertTrue(b.find("#consent-state").getText().contains("skriftligt"), b.find("#consent-state").getText());
        b.assertAccessible();

        b.find("#refer-" + wound).click();
        b.waitFor(WAIT, d -> !b.all("#wound-problems-" + wound).isEmpty());
        assertTrue(b.find("#wound-problems-" + wound).getText().contains("skriv spørgsmålet"), b.find("#wound-problems-" + wound).getText());
        new org.openqa.selenium.support.ui.Select(b.find("#clinic-" + wound)).selectByValue(clinic);
        b.find("#question-" + wound).sendKeys("Heler såret som forventet?");
        b.find("#refer-" + wound).click();
        b.waitFor(WAIT, d -> !b.all("#referral-" + wound).isEmpty());
        assertTrue(b.find("#referral-" + wound).getText().contains("svartid løber"), b.find("#referral-" + wound).getText());
        assertEquals(1, fixtures.count("SELECT count(*) FROM wound_referrals WHERE wound_id = ?::uuid AND clinic_id = ? AND status = 'open'",
                wound, clinic));
        b.assertAccessible();

        // A measurement by hand: a size out of range is named, a good one joins the curve's table.
        b.find("#wound-" + wound + " .wound-forms summary").click();
        b.find("#lengthCm-" + wound).sendKeys("300");
        b.find("#measure-save-" + wound).click();
        b.waitFor(WAIT, d -> !b.all("#wound-problems-" + wound).isEmpty());
        assertTrue(b.find("#wound-problems-" + wound).getText().contains("Længde (cm): skriv et tal fra 0 til 100"),
                b.find("#wound-problems-" + wound).getText());
        b.find("#lengthCm-" + wound).clear();
        b.find("#lengthCm-" + wound).sendKeys("3,1");
        b.find("#widthCm-" + wound).sendKeys("1,9");
        b.submit("#measure-save-" + wound);
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertEquals(2, b.all("#measurements-" + wound + " tbody tr").size(), "the photo's and the nurse's");
        assertNotNull(b.find("#wound-" + wound + " .area-curve polyline").getAttribute("points"), "two areas make a curve");

        // Closing the referral ends it.
        b.find("#close-" + wound).sendKeys("Helet");
        b.find("#close-save-" + wound).click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty() && b.all("#referral-" + wound).isEmpty());
        assertEquals("closed", fixtures.text("SELECT status FROM wound_referrals WHERE wound_id = ?::uuid", wound));
        b.assertAccessible();

        // Withdrawing the consent closes every referral and cannot be undone: it asks to be confirmed first.
        b.find("#consent-withdraw").click();
        b.waitFor(WAIT, d -> !b.all("#withdraw-confirm-problem").isEmpty());
        assertEquals(0, fixtures.count("SELECT count(*) FROM wound_consents WHERE patient_id = ? AND withdrawn_at IS NOT NULL", patient));
        b.find("#withdraw-confirm").click();
        b.find("#consent-withdraw").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertEquals(1, fixtures.count("SELECT count(*) FROM wound_consents WHERE patient_id = ? AND withdrawn_at IS NOT NULL", patient));
    }

    @Test
    void aNurseRegistersAWoundSetsItsSideAndOnsetAndUploadsAPhotoSheTook() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Browser b = browser().signIn(fixtures.nurse(org)).open("/patients/" + patient + "/wounds");
        assertNotNull(b.find("#no-wounds"));

        // Registering: a missing site is named, then the wound is made with its side and onset.
        new org.openqa.selenium.support.ui.Select(b.find("#new-woundType")).selectByValue("diabetic_foot_ulcer");
        b.find("#new-wound-save").click();
        b.waitFor(WAIT, d -> !b.all("#new-problems").isEmpty());
        assertTrue(b.find("#new-problems").getText().contains("Placering på kroppen"), b.find("#new-problems").getText());
        b.find("#new-bodySite").sendKeys("hæl");
        new org.openqa.selenium.support.ui.Select(b.find("#new-side")).selectByValue("left");
        b.script("document.getElementById('new-onset').value = arguments[0]", LocalDate.now().minusDays(20).toString());
        b.find("#new-wound-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        String wound = fixtures.text("SELECT id::text FROM wounds WHERE patient_id = ?", patient);
        assertEquals("left", fixtures.text("SELECT side FROM wounds WHERE id = ?::uuid", wound));
        assertEquals(14L, fixtures.longValue("SELECT follow_up_days FROM wounds WHERE id = ?::uuid", wound), "followed up by default");
        assertTrue(b.find("#wound-heading-" + wound).getText().contains("venstre"), b.find("#wound-heading-" + wound).getText());
        b.assertAccessible();

        // The side changed on the wound's form.
        b.find("#wound-" + wound + " .wound-forms summary").click();
        new org.openqa.selenium.support.ui.Select(b.find("#side-" + wound)).selectByValue("right");
        b.find("#record-save-" + wound).click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty() && b.find("#wound-heading-" + wound).getText().contains("højre"));
        assertEquals("right", fixtures.text("SELECT side FROM wounds WHERE id = ?::uuid", wound));

        // A photo: a file that is no picture is refused with the reason, a JPEG is stored without its GPS.
        java.nio.file.Path notes = java.nio.file.Files.createTempFile("notes", ".txt");
        java.nio.file.Files.writeString(notes, "not a picture");
        java.nio.file.Path jpeg = java.nio.file.Files.createTempFile("wound", ".jpg");
        java.nio.file.Files.write(jpeg, TestImages.jpegWithExif(64, 48));
        b.find("#wound-" + wound + " .wound-forms:nth-of-type(2) summary").click();
        b.find("#file-" + wound).sendKeys(notes.toString());
        b.find("#photo-save-" + wound).click();
        b.waitFor(WAIT, d -> !b.all("#wound-problems-" + wound).isEmpty());
        assertTrue(b.find("#wound-problems-" + wound).getText().contains("filen er ikke et billede"), b.find("#wound-problems-" + wound).getText());
        // The wound's own form still shows the wound as it is (a blank "days between photos" after another form's refusal, saved, ended
        // the follow-up).
        assertEquals("14", b.find("#followUpDays-" + wound).getAttribute("value"), "the wound's days, not the refused photo form's blank");
        assertEquals("right", new org.openqa.selenium.support.ui.Select(b.find("#side-" + wound)).getFirstSelectedOption().getAttribute("value"));
        b.find("#file-" + wound).sendKeys(jpeg.toString());
        b.find("#photo-lengthCm-" + wound).sendKeys("2,2");
        b.find("#photo-widthCm-" + wound).sendKeys("1,5");
        b.submit("#photo-save-" + wound);
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertEquals(1, fixtures.count("SELECT count(*) FROM photos WHERE patient_id = ? AND device_id = 'staff' AND length_cm = 2.2", patient));
        assertTrue(b.find("#wound-" + wound).getText().contains("1 billeder"), b.find("#wound-" + wound).getText());
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'upload wound photo'", patient));
        b.assertAccessible();

        // Another site posting the form in her browser (her cookie, no token) changes nothing; nor does a multipart post elsewhere.
        String cookie = "fsc_session=" + b.driver().manage().getCookieNamed("fsc_session").getValue();
        String boundary = "x" + UUID.randomUUID();
        String forged = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nwrong\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"w.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        form.writeBytes(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        form.writeBytes(java.nio.file.Files.readAllBytes(jpeg));
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] body = form.toByteArray();
        for (String[] post : new String[][] {{"/patients/" + patient + "/wounds/" + wound + "/photos", "text/html"},
                {"/patients/" + patient + "/wounds/" + wound + "/photos", "*/*"}, {"/patients/" + patient + "/wounds/consent", "text/html"}}) {
            String path = post[0];
            String accept = post[1];
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(b.driver().getCurrentUrl()).resolve(path)).header("Cookie", cookie).header("Accept", accept)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(403, answer.statusCode(), path + " " + accept + ": " + answer.body());
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM photos WHERE patient_id = ?", patient), "nothing stored by the forged post");
    }

    @Test
    void aSpecialistAnswersAReferralFromTheQueueAndTheNursesGetIt() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        fixtures.update("UPDATE patients SET display_name = 'Grethe Sår' WHERE id = ?", patient);
        String camera = fixtures.deviceOnLoanTo(patient, org);
        for (String id : new String[] {"clinic-photo-1", "clinic-photo-2"}) {
            try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), camera)) {
                d.publishPhoto(TestDevice.photo(id, "image/jpeg", TestImages.jpegWithExif(64, 48)));
                assertNotNull(d.nextReply(WAIT), "the camera's photo was answered");
            }
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        String wound = (String) nurse.getList("/api/patients/" + patient + "/wounds").get(0).get("id");
        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "oral"));
        String clinic = fixtures.organisation("hospital");
        Fixtures.Login specialist = fixtures.staff(clinic, "wound_specialist");
        Map<String, Object> referral = nurse.post("/api/wounds/" + wound + "/referrals",
                Map.of("clinicId", clinic, "question", "Er der tegn på infektion?"));

        Browser b = browser().signIn(specialist).open("/");
        b.waitFor(WAIT, d -> b.path().equals("/referrals"));
        String row = b.find("#referral-" + referral.get("id")).getText();
        assertTrue(row.contains("Grethe Sår") && row.contains("venøst bensår") && row.contains("Svartid tilbage"), row);
        assertTrue(b.all("#due-soon").isEmpty(), "nothing is due soon yet");
        b.assertAccessible();

        // Under two hours left: the queue warns at the top and marks the clock (the server's count, the page's clock).
        fixtures.update("UPDATE wound_referrals SET answer_due = now() + interval '90 minutes' WHERE id = ?::uuid", referral.get("id"));
        b.open("/referrals");
        assertTrue(b.find("#due-soon").getText().contains("1 henvisning(er) skal besvares inden for to timer"), b.find("#due-soon").getText());
        b.waitFor(WAIT, d -> b.find("#referral-" + referral.get("id") + " .clock").getAttribute("class").contains("clock-warning"));
        assertTrue(b.find("#referral-" + referral.get("id")).getText().contains("1 t 2"), b.find("#referral-" + referral.get("id")).getText());
        b.assertAccessible();

        b.find("#referral-" + referral.get("id") + " a").click();
        b.waitFor(WAIT, d -> b.path().equals("/referrals/" + referral.get("id")));
        assertEquals("Er der tegn på infektion?", b.find("#question").getText());
        assertEquals(2, b.all("#newest-two img").size(), "the newest two photos side by side");
        b.waitFor(WAIT, d -> Boolean.TRUE.equals(b.script(
                "return [...document.querySelectorAll('#newest-two img')].every(i => i.complete && i.naturalWidth > 0)")));
        assertEquals(2, b.all("#measurements tbody tr").size(), "the measurements sent with the photos");

        b.find("#answer-save").click();
        b.waitFor(WAIT, d -> !b.all("#answer-problems").isEmpty());
        assertTrue(b.find("#answer-problems").getText().contains("Vurdering: skriv den."), b.find("#answer-problems").getText());
        b.assertAccessible();

        b.find("#assessment").sendKeys("Rene sårkanter, ingen tegn på infektion.");
        b.find("#classification").sendKeys("venøst bensår, CEAP C6");
        b.find("#treatmentPlan").sendKeys("Fortsæt kompression; nyt billede om 14 dage.");
        b.script("document.getElementById('nextPhotoDue').value = arguments[0]", LocalDate.now().plusDays(14).toString());
        // A colleague answered while this was typed: the refusal is shown with the text typed (the form vanished with both).
        fixtures.update("UPDATE wound_referrals SET status = 'answered' WHERE id = ?::uuid", referral.get("id"));
        b.find("#answer-save").click();
        b.waitFor(WAIT, d -> !b.all("#answer-problems").isEmpty());
        assertTrue(b.find("#answer-problems").getText().contains("allerede besvaret"), b.find("#answer-problems").getText());
        assertEquals("Rene sårkanter, ingen tegn på infektion.", b.find("#assessment").getAttribute("value"), "the text typed stays");
        fixtures.update("UPDATE wound_referrals SET status = 'open' WHERE id = ?::uuid", referral.get("id")); // (as if it had not been)
        b.find("#answer-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertTrue(b.find("#referral-clock").getText().contains("besvaret i tide"), b.find("#referral-clock").getText());
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'wound_assessment'"
                + " AND summary LIKE '%CEAP C6%'", patient), "the answer is on the nurses' feed");
        // On the nurses' worklist in Danish (its summary is the API's English).
        long alert = fixtures.longValue("SELECT id FROM alerts WHERE patient_id = ? AND kind = 'wound_assessment'", patient);
        Browser worklist = browser().signIn(fixtures.nurse(org)).open("/worklist");
        String shown = worklist.find("#alert-" + alert + " .trigger").getText();
        assertTrue(shown.contains("Sårvurdering") && shown.contains("fra ") && shown.contains("CEAP C6") && shown.contains("nyt foto senest")
                && !shown.contains("next photo"), shown);
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ? AND action = 'view wound photo'",
                patient, specialist.username()) >= 2, "the photos the specialist looked at are in the citizen's access log");
    }
}
