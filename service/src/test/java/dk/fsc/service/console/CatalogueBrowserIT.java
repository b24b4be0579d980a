package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * The catalogue page: an FSC administrator changes a device type's interval and adds a model, and
 * is told what to fix (nothing stored) for a bad value; FSC support reads it without forms and a
 * forged form post is refused; a nurse is refused the page.
 */
@MicronautTest(transactional = false)
class CatalogueBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** A device type of this test's own, so that no other test's intervals change under it. */
    private String type() {
        String code = "peak_flow_" + UUID.randomUUID().toString().substring(0, 6).replace('-', '_');
        fixtures.update("""
                INSERT INTO device_types (code, name, measurement_types, lending_sector, cleaning_interval_days, calibration_interval_days)
                VALUES (?, 'Peak flow meter', '{pef}', 'municipality', 60, NULL)""", code);
        return code;
    }

    @Test
    void anAdministratorChangesAnIntervalAndAddsAModelAndIsToldWhatToFixForABadValue() {
        String code = type();
        Browser b = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_admin")).open("/catalogue");
        assertEquals("60 dage", b.find("#type-" + code + " .cleaning").getText());
        assertEquals("–", b.find("#type-" + code + " .calibration").getText());
        b.assertAccessible();

        // A bad value: said what to fix, what was typed kept, nothing stored.
        b.find("#edit-" + code).click();
        b.waitFor(WAIT, d -> b.path().equals("/catalogue/types/" + code));
        b.find("#cleaningIntervalDays").clear();
        b.find("#cleaningIntervalDays").sendKeys("0");
        b.find("#calibrationIntervalDays").sendKeys("et år");
        b.find("#type-save").click();
        b.waitFor(WAIT, d -> !b.all("#type-problems").isEmpty());
        assertTrue(b.find("#cleaningIntervalDays-problem").getText().contains("fra 1 til 3650"), b.find("#cleaningIntervalDays-problem").getText());
        assertTrue(b.find("#calibrationIntervalDays-problem").getText().contains("skriv et helt antal dage"),
                b.find("#calibrationIntervalDays-problem").getText());
        assertEquals("et år", b.find("#calibrationIntervalDays").getAttribute("value"), "what was typed is kept to fix it");
        assertEquals("true", b.find("#cleaningIntervalDays").getAttribute("aria-invalid"));
        assertEquals(2, b.all("#type-problems li").size());
        assertEquals("60", fixtures.text("SELECT cleaning_interval_days::text FROM device_types WHERE code = ?", code), "nothing stored");
        b.assertAccessible();

        b.find("#cleaningIntervalDays").clear();
        b.find("#cleaningIntervalDays").sendKeys("45");
        b.find("#calibrationIntervalDays").clear();
        b.find("#calibrationIntervalDays").sendKeys("365");
        b.find("#type-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertEquals("45 dage", b.find("#type-" + code + " .cleaning").getText());
        assertEquals("365 dage", b.find("#type-" + code + " .calibration").getText());
        assertEquals("45", fixtures.text("SELECT cleaning_interval_days::text FROM device_types WHERE code = ?", code));
        assertEquals("{pef}", fixtures.text("SELECT measurement_types::text FROM device_types WHERE code = ?", code), "the rest kept");

        // A model: first with an id the catalogue cannot take, then right.
        String model = "pf-" + UUID.randomUUID().toString().substring(0, 8);
        b.find("#model-id").sendKeys("Mini Wright");
        new Select(b.find("#model-type")).selectByValue(code);
        b.find("#model-manufacturer").sendKeys("Clement Clarke");
        b.find("#model-save").click();
        b.waitFor(WAIT, d -> !b.all("#model-problems").isEmpty());
        assertTrue(b.find("#model-id-problem").getText().contains("2-60 tegn"), b.find("#model-id-problem").getText());
        assertTrue(b.find("#model-name-problem").getText().contains("skal udfyldes"), b.find("#model-name-problem").getText());
        assertEquals("Clement Clarke", b.find("#model-manufacturer").getAttribute("value"));
        assertEquals(code, new Select(b.find("#model-type")).getFirstSelectedOption().getAttribute("value"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM device_models WHERE device_type = ?", code));
        b.assertAccessible();

        b.find("#model-id").clear();
        b.find("#model-id").sendKeys(model);
        b.find("#model-name").sendKeys("Mini-Wright Standard");
        b.find("#model-save").click();
        b.waitFor(WAIT, d -> !b.all("#added").isEmpty());
        assertTrue(b.find("#model-" + model).getText().contains("Clement Clarke"), b.find("#model-" + model).getText());
        assertEquals("1", b.find("#type-" + code + " .models").getText(), "the type counts its model");
        assertEquals(code, fixtures.text("SELECT device_type FROM device_models WHERE id = ?", model));

        // The same id again: it exists.
        b.find("#model-id").sendKeys(model);
        new Select(b.find("#model-type")).selectByValue(code);
        b.find("#model-manufacturer").sendKeys("Other");
        b.find("#model-name").sendKeys("Other");
        b.submit("#model-save");
        b.waitFor(WAIT, d -> !b.all("#model-problems").isEmpty());
        assertTrue(b.find("#model-id-problem").getText().contains("findes allerede"), b.find("#model-id-problem").getText());
        assertEquals("Clement Clarke", fixtures.text("SELECT manufacturer FROM device_models WHERE id = ?", model));
    }

    @Test
    void supportReadsTheCatalogueWithoutFormsAndAForgedPostIsRefused() throws Exception {
        String code = type();
        Browser b = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_support")).open("/catalogue");
        assertEquals("60 dage", b.find("#type-" + code + " .cleaning").getText());
        assertTrue(b.all("form#model-form").isEmpty(), "no form to add a model");
        assertTrue(b.all("#edit-" + code).isEmpty(), "no link to change a type");
        assertEquals("page", b.find("nav a[href='/catalogue']").getAttribute("aria-current"));
        b.assertAccessible();

        b.open("/catalogue/types/" + code);
        assertTrue(b.find("main").getText().contains("Din rolle giver ikke adgang"), b.find("main").getText());

        // A post made by hand with support's own session and token, as the API refuses it (403).
        String cookie = b.driver().manage().getCookieNamed("fsc_session").getValue();
        b.open("/catalogue");
        String csrf = b.find("meta[name=csrf-token]").getAttribute("content");
        String model = "forged-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(403, post(b, "/catalogue/models", cookie, "_csrf=" + enc(csrf) + "&id=" + model + "&deviceType=" + code
                + "&manufacturer=X&name=Y"));
        assertEquals(403, post(b, "/catalogue/types/" + code, cookie, "_csrf=" + enc(csrf)
                + "&name=X&lendingSector=region&cleaningIntervalDays=1"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM device_models WHERE id = ?", model));
        assertEquals("60", fixtures.text("SELECT cleaning_interval_days::text FROM device_types WHERE code = ?", code));
    }

    @Test
    void aNurseIsRefusedTheCatalogue() {
        Browser nurse = browser().signIn(fixtures.nurse(fixtures.organisation()));
        nurse.open("/catalogue");
        assertTrue(nurse.find("main").getText().contains("Din rolle giver ikke adgang"), nurse.find("main").getText());
        assertTrue(nurse.all("nav a[href='/catalogue']").isEmpty(), "no link to where the role cannot go");
        assertFalse(nurse.find("body").getText().contains("Kalibrering"), "nothing of the catalogue is shown");
    }

    private int post(Browser b, String path, String cookie, String form) throws Exception {
        String base = b.driver().getCurrentUrl().replaceFirst("^(https?://[^/]+).*$", "$1");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Cookie", "fsc_session=" + cookie).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
