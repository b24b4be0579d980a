package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.FakeOidcProvider;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The citizen's page in a real browser, signed in through the region's provider (MitID) played by
 * {@link FakeOidcProvider}: who has looked at their data in every organisation that keeps a record
 * of them, in plain Danish, as a file too; their CPR number kept encrypted with the session and
 * never in an address or on the page; every other page and the API refused.
 */
@MicronautTest(transactional = false)
class CitizenPageBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final FakeOidcProvider provider = new FakeOidcProvider();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.putAll(provider.properties());
        return p;
    }

    @BeforeEach
    void honestProvider() {
        provider.honest();
    }

    @AfterAll
    void stopProvider() {
        provider.close();
    }

    @Test
    void aCitizenSeesWhoHasLookedAtTheirDataInEveryOrganisationInPlainDanish() {
        String cpr = TestCprs.next();
        String municipality = fixtures.organisation();
        String region = fixtures.organisation("region");
        UUID atHome = fixtures.patient(municipality, cpr);
        UUID atHospital = fixtures.patient(region, cpr);
        UUID someoneElse = fixtures.patient(municipality);
        Fixtures.Login nurse = fixtures.nurse(municipality);
        Fixtures.Login doctor = fixtures.staff(region, "clinician");
        Instant now = Instant.now();
        line(nurse, municipality, "nurse", atHome, "read readings", now.minus(2, ChronoUnit.HOURS));
        line(doctor, region, "clinician", atHospital, "set thresholds for spo2", now.minus(1, ChronoUnit.HOURS));
        line(nurse, municipality, "nurse", someoneElse, "read readings", now.minus(30, ChronoUnit.MINUTES));

        Browser b = signIn(cpr.substring(0, 6) + "-" + cpr.substring(6)); // as people write it
        assertEquals("/my-data", b.path(), "a citizen's home is their own page");
        List<List<String>> rows = b.all("#my-data-table tbody tr").stream()
                .map(tr -> tr.findElements(org.openqa.selenium.By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
        assertEquals(2, rows.size(), "their two records' lines, not another citizen's: " + rows);
        assertEquals(List.of(doctor.username(), "Test Kommune " + region, "læge eller anden behandler", "ændrede dine grænseværdier",
                "pleje og behandling"), rows.get(0).subList(1, 6), "newest first");
        assertEquals(List.of(nurse.username(), "Test Kommune " + municipality, "sygeplejerske", "så dine målinger", "pleje og behandling"),
                rows.get(1).subList(1, 6));
        assertEquals("Dine data er set eller ændret 2 gange.", b.find("#line-count").getText());
        assertFalse(b.driver().getPageSource().contains(cpr), "the CPR number is not on the page");
        assertFalse(b.driver().getCurrentUrl().contains(cpr.substring(0, 6)), b.driver().getCurrentUrl());
        assertEquals(List.of("/my-data"), b.all("nav a").stream().map(a -> java.net.URI.create(a.getAttribute("href")).getPath()).toList(),
                "one page for a citizen");
        b.assertAccessible();

        // The session keeps the CPR number, encrypted.
        byte[] stored = fixtures.bytes("SELECT cpr_encrypted FROM console_sessions WHERE role = 'citizen' AND username = ?", subject);
        assertNotNull(stored, "the citizen's session keeps their CPR number");
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(cpr), "encrypted, not as it is");
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id IN (?, ?)", atHome, atHospital),
                "the citizen's own look is no access to anybody's data (as the API's)");

        String excel = OrganisationConsoleBrowserIT.fetch(b, b.find("#download-excel").getAttribute("href"));
        String[] lines = excel.split("\r?\n");
        assertEquals("BOM:Hvornår;Hvem;Fra;Som;Hvad;Hvorfor", lines[0]);
        assertEquals(3, lines.length, excel);
        assertTrue(lines[1].endsWith(";" + doctor.username() + ";Test Kommune " + region + ";læge eller anden behandler;ændrede dine grænseværdier;pleje og behandling"),
                lines[1]);
        String csv = OrganisationConsoleBrowserIT.fetch(b, b.find("#download-csv").getAttribute("href"));
        assertEquals("Hvornår,Hvem,Fra,Som,Hvad,Hvorfor", csv.split("\r?\n")[0]);

        b.find("#sign-out").click();
        b.waitFor(WAIT, d -> b.path().startsWith("/sign-in"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM console_sessions WHERE username = ?", subject), "signed out: the CPR number is gone");
    }

    @Test
    void aCitizenIsRefusedEveryOtherPageAndTheApi() {
        String cpr = TestCprs.next();
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org, cpr);
        Browser b = signIn(cpr);
        for (String page : List.of("/worklist", "/organisation", "/access-log?patient=" + patient, "/devices", "/tickets", "/reports",
                "/patients/" + patient + "/limits", "/patients/" + patient)) {
            b.open(page);
            assertTrue(b.find("main").getText().contains("Din rolle giver ikke adgang"), page + ": " + b.find("main").getText());
        }
        assertEquals("HTTP 401", OrganisationConsoleBrowserIT.fetch(b, "/api/me/access-log"), "the session cookie never opens the API");
        assertEquals("HTTP 401", OrganisationConsoleBrowserIT.fetch(b, "/api/patients/" + patient + "/access-log"));
        assertEquals("HTTP 401", OrganisationConsoleBrowserIT.fetch(b, "/fhir/Patient/" + patient), "nor FHIR: only a bearer token does");
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient), "nothing of theirs was read");
    }

    @Test
    void aSignInWithoutAReadableCprNumberShowsNothingAndSaysWhy() {
        Browser b = signIn("not-a-cpr");
        assertEquals("/my-data", b.path());
        assertTrue(b.find("#no-cpr").getText().contains("Log ud, og log ind igen med MitID"), b.find("#no-cpr").getText());
        assertTrue(b.all("#my-data-table").isEmpty());
        b.assertAccessible();
        assertEquals("HTTP 400", OrganisationConsoleBrowserIT.fetch(b, "/my-data/download"));
    }

    private String subject;

    private Browser signIn(String cpr) {
        subject = "mitid-" + UUID.randomUUID();
        String who = subject;
        provider.signsIn(c -> c.subject(who).claim("cpr", cpr));
        Browser b = browser().open("/sign-in");
        b.find("#sign-in-provider").click();
        b.waitFor(WAIT, d -> !b.path().startsWith("/sign-in"));
        return b;
    }

    private void line(Fixtures.Login who, String org, String role, UUID patient, String action, Instant at) {
        fixtures.update("INSERT INTO access_log (at, username, organisation_id, role, patient_id, action, purpose) VALUES (?, ?, ?, ?, ?, ?, 'care')",
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC), who.username(), org, role, patient, action);
    }
}
