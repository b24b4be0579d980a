package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** A patient's care pages in a real browser: limits and schedule, pauses, a measurement by hand, wound photos. */
@MicronautTest(transactional = false)
class CareActionsBrowserIT extends BrowserTest {
    private static final Duration PAGE = Duration.ofSeconds(10);

    @Test
    void clinicianChangesSpo2LimitsWithAReasonAndSeesTheHistoryLine() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Fixtures.Login clinician = fixtures.staff(org, "clinician");
        Browser b = browser().signIn(clinician).open("/patients/" + patient + "/limits?type=spo2");
        b.assertAccessible();

        type(b, "#redLow", "85");
        type(b, "#yellowLow", "88,5");
        type(b, "#reason", "Ordineret mål 88-92 % efter indlæggelse");
        b.find("#limits-save").click();
        b.waitFor(PAGE, d -> !b.all("#saved").isEmpty());

        String line = b.find("#limits-history tbody tr").getText();
        assertTrue(line.contains("Ordineret mål 88-92 % efter indlæggelse") && line.contains(clinician.username())
                && line.contains("88,5"), line);
        assertEquals("88,5", b.find("#limits-table tr[data-type=spo2] td[data-field=yellowLow]").getText());
        assertEquals(1, fixtures.count("SELECT count(*) FROM threshold_changes WHERE patient_id = ? AND type = 'spo2' AND yellow_low = 88.5"
                + " AND red_low = 85 AND changed_by = ?", patient, clinician.username()));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'set thresholds for spo2'", patient));
        b.assertAccessible();

        b.find("#spo2Target").click();
        b.find("#schedule-select option[value=weekly]").click();
        type(b, "#monitoringReason", "Stabil, ugentlig måling rækker");
        b.find("#monitoring-save").click();
        b.waitFor(PAGE, d -> !b.all("#monitoring-history-table").isEmpty());
        String change = b.find("#monitoring-history-table tbody tr").getText();
        assertTrue(change.contains("Stabil, ugentlig måling rækker") && change.contains("88–92"), change);
        assertEquals(1, fixtures.count("SELECT count(*) FROM patient_monitoring WHERE patient_id = ? AND spo2_target_88_92 AND schedule = 'weekly'",
                patient));
    }

    @Test
    void anInvalidLimitSaysWhichFieldToFixAndKeepsWhatWasTyped() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Browser b = browser().signIn(fixtures.staff(org, "clinician")).open("/patients/" + patient + "/limits?type=spo2");

        type(b, "#redLow", "120");
        type(b, "#yellowLow", "9O");
        type(b, "#reason", "Forsøg");
        b.find("#limits-save").click();
        b.waitFor(PAGE, d -> !b.all("#limits-problems").isEmpty());

        String problems = b.find("#limits-problems").getText();
        assertTrue(problems.contains("Rød lav") && problems.contains("30 til 100"), problems);
        assertTrue(problems.contains("Gul lav") && problems.contains("skriv et tal"), problems);
        assertEquals("true", b.find("#redLow").getAttribute("aria-invalid"));
        assertEquals("120", b.find("#redLow").getAttribute("value"));
        assertEquals("9O", b.find("#yellowLow").getAttribute("value"));
        assertEquals("Forsøg", b.find("#reason").getAttribute("value"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM threshold_changes WHERE patient_id = ?", patient));
        b.assertAccessible();

        type(b, "#redLow", "90");
        type(b, "#yellowLow", "88");
        b.submit("#limits-save");
        b.waitFor(PAGE, d -> !b.all("#limits-problems").isEmpty());
        assertTrue(b.find("#limits-problems").getText().contains("rækkefølge"), b.find("#limits-problems").getText());
    }

    @Test
    void aNurseSeesTheLimitsReadOnlyAndAForgedChangeIsRefused() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Browser b = browser().signIn(fixtures.nurse(org)).open("/patients/" + patient + "/limits");
        assertTrue(b.find("#read-only").isDisplayed());
        assertTrue(b.all("#limits-form").isEmpty() && b.all("#monitoring-form").isEmpty(), "no forms for a nurse");
        assertTrue(b.find("#limits-table").getText().contains("SpO2"));
        b.assertAccessible();

        HttpResponse<String> answer = post(b, "/patients/" + patient + "/limits",
                "type=spo2&redLow=80&reason=x&_csrf=" + enc(csrf(b)));
        assertEquals(403, answer.statusCode(), answer.headers().map() + " " + answer.body());
        assertTrue(answer.body().contains("Ingen adgang"), answer.body());
        assertEquals(403, post(b, "/patients/" + patient + "/limits/monitoring",
                "schedule=none&monitoringReason=x&_csrf=" + enc(csrf(b))).statusCode());
        assertEquals(0, fixtures.count("SELECT count(*) FROM threshold_changes WHERE patient_id = ?", patient));
    }

    @Test
    void anotherOrganisationsNurseGetsNotFoundOnEveryCarePage() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Browser other = browser().signIn(fixtures.nurse(fixtures.organisation()));
        for (String page : new String[] {"/limits", "/pauses", "/measurements/new", "/photos"}) {
            other.open("/patients/" + patient + page);
            assertTrue(other.find("h1").getText().contains("Ikke fundet"), page + ": " + other.find("h1").getText());
        }
        assertEquals(404, post(other, "/patients/" + patient + "/pauses", "from=&to=&reason=x&_csrf=" + enc(csrf(other))).statusCode());
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Browser b = browser().signIn(fixtures.staff(org, "clinician")).open("/patients/" + patient + "/limits");
        HttpResponse<String> answer = post(b, "/patients/" + patient + "/limits", "type=spo2&redLow=80&reason=x");
        assertEquals(403, answer.statusCode());
        assertTrue(answer.body().contains("Formularen er udløbet"), answer.body());
        assertEquals(0, fixtures.count("SELECT count(*) FROM threshold_changes WHERE patient_id = ?", patient));
    }

    @Test
    void aTemperatureTypedWithADecimalCommaIsStoredAsStaffEntered() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Fixtures.Login nurse = fixtures.nurse(org);
        Browser b = browser().signIn(nurse).open("/patients/" + patient + "/measurements/new");
        assertTrue(!b.find("#measuredAt").getAttribute("value").isEmpty(), "the time defaults to now");
        b.assertAccessible();

        type(b, "#temperature", "37,9");
        type(b, "#pulse", "9x");
        b.find("#measurement-save").click();
        b.waitFor(PAGE, d -> !b.all("#measurement-problems").isEmpty());
        assertTrue(b.find("#measurement-problems").getText().contains("Puls"), b.find("#measurement-problems").getText());
        assertEquals("37,9", b.find("#temperature").getAttribute("value"));
        b.assertAccessible();

        type(b, "#pulse", "88");
        b.find("#measurement-save").click();
        b.waitFor(PAGE, d -> b.path().equals("/patients/" + patient));

        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND type = 'temperature' AND value = 37.9"
                + " AND origin = 'staff' AND entered_by = ?", patient, nurse.username()));
        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND type = 'pulse' AND value = 88", patient));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'record observations'", patient));
    }

    @Test
    void aPauseIsAddedAndListed() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Fixtures.Login nurse = fixtures.nurse(org);
        Browser b = browser().signIn(nurse).open("/patients/" + patient + "/pauses");
        assertTrue(!b.all("#no-pauses").isEmpty());
        b.assertAccessible();

        LocalDateTime tomorrow = LocalDateTime.now(ZoneId.of("Europe/Copenhagen")).plusDays(3).withSecond(0).withNano(0);
        b.script("arguments[0].value = arguments[1]", b.find("#to"), tomorrow.toString());
        b.find("#pause-save").click();
        b.waitFor(PAGE, d -> !b.all("#pause-problems").isEmpty());
        assertTrue(b.find("#pause-problems").getText().contains("Begrundelse"), b.find("#pause-problems").getText());
        assertEquals(tomorrow.toString(), b.find("#to").getAttribute("value"), "the typed time is kept");

        type(b, "#reason", "Indlagt på OUH");
        b.find("#pause-save").click();
        b.waitFor(PAGE, d -> !b.all("#saved").isEmpty());
        String row = b.find("#pauses-table tbody tr").getText();
        assertTrue(row.contains("Indlagt på OUH") && row.contains(nurse.username()) && row.contains("i gang"), row);
        assertEquals(1, fixtures.count("SELECT count(*) FROM monitoring_pauses WHERE patient_id = ? AND reason = 'Indlagt på OUH'", patient));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'pause monitoring'", patient));
        b.assertAccessible();

        // A pause registered by mistake ends at once: missing measurements count again from now (it could not be ended).
        long pause = fixtures.longValue("SELECT id FROM monitoring_pauses WHERE patient_id = ?", patient);
        b.find("#end-pause-" + pause).click();
        b.waitFor(PAGE, d -> !b.all("#saved").isEmpty() && b.find("#saved").getText().contains("afsluttet"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM monitoring_pauses WHERE id = ? AND ends_at <= now()", pause), "over now");
        assertTrue(b.find("#pauses-table tbody tr").getText().contains("afsluttet"), b.find("#pauses-table tbody tr").getText());
        assertTrue(b.all("#end-pause-" + pause).isEmpty(), "an ended pause has nothing to end");
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'end monitoring pause'", patient));
        b.assertAccessible();
    }

    @Test
    void woundPhotosShowAsATimelinePerWoundAndTwoDatesSideBySide() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            for (int daysAgo : new int[] {6, 2}) {
                d.publish("fsc/v1/devices/" + device + "/photos", photo("ph-" + daysAgo + "-" + runId, Instant.now().minus(Duration.ofDays(daysAgo)),
                        TestImages.jpegWithExif(400, 300)));
                String reply = d.nextReply(Duration.ofSeconds(30));
                assertTrue(reply != null && reply.contains("accepted"), String.valueOf(reply));
            }
        }
        Browser b = browser().signIn(fixtures.nurse(org)).open("/patients/" + patient + "/photos");
        List<WebElement> photos = b.all("section.wound[data-wound=w-1] li.photo");
        assertEquals(2, photos.size());
        b.waitFor(PAGE, dr -> (Boolean) b.script("return [...document.querySelectorAll('li.photo img')].every(i => i.complete && i.naturalWidth > 0)"));
        assertTrue(photos.get(0).getText().contains("3,5 cm"), photos.get(0).getText());
        String older = photos.get(0).getAttribute("data-photo");
        String newer = photos.get(1).getAttribute("data-photo");
        assertEquals("/patients/" + patient + "/photos/" + older + "/image",
                URI.create(photos.get(0).findElement(By.cssSelector("a")).getAttribute("href")).getPath());
        b.assertAccessible();

        b.find("section.wound .compare-form button").click();
        b.waitFor(PAGE, d -> b.path().startsWith("/patients/" + patient + "/photos/compare"));
        List<WebElement> figures = b.all("figure.compared");
        assertEquals(List.of(older, newer), figures.stream().map(f -> f.getAttribute("data-photo")).toList());
        b.waitFor(PAGE, dr -> (Boolean) b.script("return [...document.querySelectorAll('figure img')].every(i => i.complete && i.naturalWidth === 400)"));
        b.assertAccessible();

        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'list photos'", patient));
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'view photo thumbnail'", patient));
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'view photo'", patient));

        Browser other = browser().signIn(fixtures.nurse(fixtures.organisation()));
        other.open("/patients/" + patient + "/photos/" + older + "/image");
        assertTrue(other.find("h1").getText().contains("Ikke fundet"), other.find("h1").getText());
    }

    private static byte[] photo(String messageId, Instant takenAt, byte[] image) {
        return ("{\"messageId\": \"" + messageId + "\", \"takenAt\": \"" + takenAt + "\","
                + " \"woundId\": \"w-1\", \"woundType\": \"venous_leg_ulcer\", \"bodySite\": \"left lower leg\","
                + " \"lengthCm\": 3.5, \"widthCm\": 2.0, \"contentType\": \"image/jpeg\","
                + " \"image\": \"" + Base64.getEncoder().encodeToString(image) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void type(Browser b, String css, String text) {
        WebElement e = b.find(css);
        e.clear();
        e.sendKeys(text);
    }

    private static String csrf(Browser b) {
        return b.find("meta[name=csrf-token]").getAttribute("content");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A form post with the browser's session cookie, as a page (Accept: text/html) would send it. */
    private HttpResponse<String> post(Browser b, String path, String body) throws Exception {
        String cookie = b.driver().manage().getCookieNamed("fsc_session").getValue();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Cookie", "fsc_session=" + cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
