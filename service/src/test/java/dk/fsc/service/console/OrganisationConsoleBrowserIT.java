package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The organisation administrator's pages in a real browser: the response policy and the
 * escalation chain, each refused with what to fix and then saved; a patient's access log chosen by
 * id, filtered and downloaded, its reading logged as the API's; and what the other roles may not.
 */
@MicronautTest(transactional = false)
class OrganisationConsoleBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void theAdministratorChangesTheResponsePolicyAndIsToldWhatToFix() {
        String org = fixtures.organisation();
        Fixtures.Login admin = fixtures.staff(org, "org_admin");
        Browser b = browser().signIn(admin);
        assertEquals("/organisation", b.path(), "an organisation administrator's home is the alert settings");
        assertEquals("fsc-default-v1", b.find("#policy-name").getText());
        assertTrue(b.find("#policy-changed").getText().contains("Standarden fra FSC"), b.find("#policy-changed").getText());
        b.assertAccessible();

        b.find("#name").clear();
        type(b, "#yellowFromTotal", "to");
        type(b, "#redFromTotal", "16");
        b.find("#policy-save").click();
        b.waitFor(WAIT, d -> !b.all("#policy-problems").isEmpty());
        assertEquals("Navn: skal udfyldes.", b.find("#name-problem").getText());
        assertEquals("Gul fra total: skriv et helt tal.", b.find("#yellowFromTotal-problem").getText());
        assertEquals("Rød fra total: skriv et helt tal fra 1 til 15.", b.find("#redFromTotal-problem").getText());
        assertEquals("to", b.find("#yellowFromTotal").getAttribute("value"), "what was typed is kept");
        assertEquals("true", b.find("#yellowFromTotal").getAttribute("aria-invalid"));
        b.assertAccessible();

        type(b, "#name", "strikt-2027");
        type(b, "#yellowFromTotal", "5");
        type(b, "#redFromTotal", "3");
        b.submit("#policy-save"); // the page before had a problem under this field too
        b.waitFor(WAIT, d -> !b.all("#redFromTotal-problem").isEmpty());
        assertEquals("Rød fra total: må ikke være lavere end gul fra total.", b.find("#redFromTotal-problem").getText());
        assertEquals(0, fixtures.count("SELECT count(*) FROM response_policies WHERE organisation_id = ?", org), "nothing stored");

        type(b, "#yellowFromTotal", "2");
        type(b, "#redFromTotal", "4");
        b.find("#redOnSingleThree").click(); // off
        b.find("#policy-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertEquals("strikt-2027|2|4|false|" + admin.username(), fixtures.text("""
                SELECT name || '|' || yellow_from_total || '|' || red_from_total || '|' || red_on_single_three || '|' || updated_by
                  FROM response_policies WHERE organisation_id = ?""", org));
        assertEquals("strikt-2027", b.find("#policy-name").getText());
        assertEquals("4", b.find("#policy-red").getText());
        assertEquals("nej", b.find("#policy-single").getText());
        assertTrue(b.find("#policy-changed").getText().contains(admin.username()), b.find("#policy-changed").getText());
        b.assertAccessible();
    }

    @Test
    void theEscalationChainGrowsAndShrinksByTheFormsOwnButtons() {
        String org = fixtures.organisation();
        Browser b = browser().signIn(fixtures.staff(org, "org_admin"));
        assertTrue(b.find("#chain-empty").getText().contains("ingen eskaleringskæde"), b.find("#chain-empty").getText());
        type(b, "#level-1-name", "Akutteamets koordinator");
        type(b, "#level-1-delay", "15");
        b.find("#add-level").click();
        b.waitFor(WAIT, d -> !b.all("#level-2-name").isEmpty());
        assertEquals("Akutteamets koordinator", b.find("#level-1-name").getAttribute("value"), "what was typed is kept");
        assertEquals("level-2-name", b.script("return document.activeElement.id"), "the new row has the focus");
        assertTrue(b.find("#chain-unsaved").isDisplayed());
        b.assertAccessible();

        type(b, "#level-2-name", "Vagtlæge");
        type(b, "#level-2-delay", "ti");
        b.find("#chain-save").click();
        b.waitFor(WAIT, d -> !b.all("#chain-problems").isEmpty());
        assertEquals("Niveau 2: Efter minutter skal være et helt tal.", b.find("#level-2-delay-problem").getText());
        type(b, "#level-2-delay", "2000");
        b.find("#chain-save").click();
        b.waitFor(WAIT, d -> b.find("#level-2-delay-problem").getText().contains("1440"));
        assertEquals("Niveau 2: Efter minutter skal være et helt tal fra 1 til 1440.", b.find("#level-2-delay-problem").getText());
        assertEquals(0, fixtures.count("SELECT count(*) FROM escalation_levels WHERE organisation_id = ?", org), "nothing stored");
        b.assertAccessible();

        type(b, "#level-2-delay", "10");
        b.find("#chain-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty());
        assertEquals(List.of("1|Akutteamets koordinator|15", "2|Vagtlæge|10"), chain(org));

        b.find("#level-1-remove").click();
        b.find("#chain-save").click();
        b.waitFor(WAIT, d -> !b.all("#saved").isEmpty() && b.all("#level-2-name").isEmpty());
        assertEquals(List.of("1|Vagtlæge|10"), chain(org), "the rest moves up and is numbered from 1");
        assertEquals("Vagtlæge", b.find("#level-1-name").getAttribute("value"));
    }

    @Test
    void aNurseReadsTheSettingsButCannotChangeThemAndSupportCannotOpenThem() {
        String org = fixtures.organisation();
        fixtures.update("INSERT INTO escalation_levels (organisation_id, level, name, delay_minutes) VALUES (?, 1, 'Koordinator', 15)", org);
        Browser nurse = browser().signIn(fixtures.nurse(org));
        assertTrue(nurse.all("nav a[href='/organisation']").isEmpty(), "no link for a nurse");
        nurse.open("/organisation");
        assertTrue(nurse.find("#read-only").isDisplayed());
        assertTrue(nurse.all("#policy-form").isEmpty() && nurse.all("#chain-form").isEmpty(), "no forms to change them");
        assertTrue(nurse.find("#chain-table").getText().contains("Koordinator"), nurse.find("#chain-table").getText());
        nurse.assertAccessible();
        // A form made by hand, with the session's own CSRF token: refused by role.
        nurse.script("""
                const f = document.createElement('form'); f.method = 'post'; f.action = '/organisation/chain';
                for (const [k, v] of [['_csrf', document.querySelector('meta[name=csrf-token]').content], ['rows', '1'],
                                      ['level-1-name', 'Ingen'], ['level-1-delay', '5'], ['action', 'save']]) {
                  const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
                }
                document.body.appendChild(f); f.submit();""");
        nurse.waitFor(WAIT, d -> nurse.find("main").getText().contains("Din rolle giver ikke adgang"));
        assertEquals(List.of("1|Koordinator|15"), chain(org), "nothing changed");

        Browser support = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        support.open("/organisation");
        assertTrue(support.find("main").getText().contains("Din rolle giver ikke adgang"), support.find("main").getText());
        support.open("/access-log");
        assertTrue(support.find("main").getText().contains("Din rolle giver ikke adgang"), support.find("main").getText());
    }

    @Test
    void theAccessLogOfAPatientIsFilteredDownloadedAndItsReadingLogged() {
        String org = fixtures.organisation();
        Fixtures.Login admin = fixtures.staff(org, "org_admin");
        Fixtures.Login anna = fixtures.nurse(org);
        Fixtures.Login bo = fixtures.nurse(org);
        String cpr = dk.fsc.service.testing.TestCprs.next();
        UUID patient = fixtures.patient(org, cpr);
        UUID neighbour = fixtures.patient(org);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        line(anna, org, patient, "read readings", now.minus(3, ChronoUnit.DAYS));
        line(bo, org, patient, "read alert 17", now.minus(2, ChronoUnit.DAYS));
        line(anna, org, patient, "acknowledge alert 17", now.minus(1, ChronoUnit.DAYS));
        line(anna, org, neighbour, "read readings", now.minus(1, ChronoUnit.DAYS));

        Browser b = browser().signIn(admin);
        b.find("nav a[href='/access-log']").click();
        b.waitFor(WAIT, d -> b.path().equals("/access-log"));
        b.assertAccessible();
        b.find("#access-log-show").click();
        b.waitFor(WAIT, d -> !b.all("#access-log-problems").isEmpty());
        assertEquals("Borger-id: skriv borgerens id.", b.find("#patient-problem").getText());

        // A CPR number typed by habit: posted, so it is in no address; said what to use instead, and not said back.
        type(b, "#patient", cpr.substring(0, 6) + "-" + cpr.substring(6));
        b.submit("#access-log-show");
        b.waitFor(WAIT, d -> b.find("#patient-problem").getText().contains("CPR-nummer"));
        assertTrue(b.find("#patient-problem").getText().startsWith("Borger-id: det ligner et CPR-nummer."), b.find("#patient-problem").getText());
        assertEquals("", b.find("#patient").getAttribute("value"), "the CPR number is not kept in the field");
        assertFalse(b.driver().getPageSource().contains(cpr.substring(6)), "nor anywhere on the page");
        assertFalse(b.driver().getCurrentUrl().contains(cpr.substring(6)), "nor in the address: " + b.driver().getCurrentUrl());
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ?", patient, admin.username()));
        b.open("/access-log?patient=" + cpr);
        assertTrue(b.find("#patient-problem").getText().startsWith("Borger-id: det ligner et CPR-nummer."), "an old bookmark is answered the same way");
        assertEquals("", b.find("#patient").getAttribute("value"));

        type(b, "#patient", patient.toString());
        b.submit("#access-log-show");
        b.waitFor(WAIT, d -> !b.all("#access-log-table").isEmpty());
        assertTrue(b.driver().getCurrentUrl().contains("/access-log?patient=" + patient), "a valid form lands on its filters' address, to share or reload: "
                + b.driver().getCurrentUrl());
        assertEquals(List.of("acknowledge alert 17", "read alert 17", "read readings"), actions(b), "newest first, only this patient");
        assertEquals("Adgangslog for Test Patient", b.find("#result-heading").getText());
        assertFalse(b.driver().getCurrentUrl().contains(cpr), "no CPR number in the address: " + b.driver().getCurrentUrl());
        assertFalse(b.driver().getPageSource().contains(cpr), "nor on the page");
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ? AND action = 'read access log'",
                patient, admin.username()), "reading the log is logged, as the API logs it");
        b.assertAccessible();

        type(b, "#person", anna.username());
        b.submit("#access-log-show");
        b.waitFor(WAIT, d -> b.driver().getCurrentUrl().contains("person="));
        assertEquals(List.of("acknowledge alert 17", "read readings"), actions(b));

        b.find("#person").clear();
        type(b, "#action", "read alert");
        b.submit("#access-log-show");
        b.waitFor(WAIT, d -> !b.driver().getCurrentUrl().contains("person=" + anna.username()) && b.driver().getCurrentUrl().contains("action="));
        assertEquals(List.of("read alert 17"), actions(b));

        b.find("#action").clear();
        String day = LocalDate.ofInstant(now.minus(2, ChronoUnit.DAYS), DanishTime.ZONE).toString();
        b.open("/access-log?patient=" + patient + "&from=" + day + "&to=" + day);
        assertEquals(List.of("read alert 17"), actions(b), "one day, from and to inclusive");

        String excel = fetch(b, b.find("#download-excel").getAttribute("href"));
        String[] rows = excel.split("\r?\n");
        assertTrue(rows[0].startsWith("BOM:id;at;username;name;organisation_id;role;action;purpose;detail"), rows[0]);
        assertEquals(2, rows.length, "the header and the one line of that day: " + excel);
        assertTrue(rows[1].contains(";" + bo.username() + ";") && rows[1].contains("read alert 17"), rows[1]);
        String csv = fetch(b, b.find("#download-csv").getAttribute("href"));
        assertEquals("id,at,username,name,organisation_id,role,action,purpose,detail", csv.split("\r?\n")[0], "RFC 4180: commas, no byte-order mark");
        assertEquals(List.of("excel", "csv"), fixtures.strings(
                "SELECT detail FROM access_log WHERE patient_id = ? AND username = ? AND detail IS NOT NULL ORDER BY id",
                patient, admin.username()), "each download is logged with its format");

        // Another organisation's citizen: refused as the API refuses, said by the field, and in the security log.
        UUID stranger = fixtures.patient(fixtures.organisation());
        b.open("/access-log?patient=" + stranger);
        assertEquals("Borger-id: ingen borger med dette id hos jeres organisation.", b.find("#patient-problem").getText());
        assertTrue(b.all("#access-log-table").isEmpty());
        assertEquals(1, fixtures.count("SELECT count(*) FROM security_log WHERE patient_id = ? AND username = ?", stranger, admin.username()));
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", stranger));
        b.assertAccessible();
    }

    @Test
    void aNurseOpensACitizensAccessLogFromTheChart() {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        UUID patient = fixtures.patient(org);
        line(fixtures.nurse(org), org, patient, "read readings", Instant.now().minus(1, ChronoUnit.HOURS));

        Browser b = browser().signIn(nurse).open("/patients/" + patient);
        b.find("#chart-access-log").click();
        b.waitFor(WAIT, d -> !b.all("#access-log-table").isEmpty());
        assertEquals("/access-log?patient=" + patient, b.path(), "the citizen by id, never by CPR number");
        assertEquals(patient.toString(), b.find("#patient").getAttribute("value"), "the citizen chosen by the link");
        assertTrue(actions(b).contains("read readings"), actions(b).toString());
        assertTrue(actions(b).contains("read patient record"), "her own look at the chart is there: " + actions(b));
        b.assertAccessible();
    }

    /** A colleague deactivated (or given another role) is signed out at her next page, not at her session's idle timeout. */
    @Test
    void aDeactivatedColleaguesOpenSessionEndsAtHerNextPage() {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        Browser b = browser().signIn(nurse).open("/worklist");
        assertEquals("/worklist", b.path());
        fixtures.update("UPDATE staff_users SET active = false WHERE username = ?", nurse.username());
        b.open("/worklist");
        assertTrue(b.path().startsWith("/sign-in"), "sent to sign in: " + b.path());
    }

    private void line(Fixtures.Login who, String org, UUID patient, String action, Instant at) {
        fixtures.update("INSERT INTO access_log (at, username, organisation_id, role, patient_id, action, purpose) VALUES (?, ?, ?, 'nurse', ?, ?, 'care')",
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC), who.username(), org, patient, action);
    }

    private List<String> chain(String org) {
        return fixtures.strings("SELECT level || '|' || name || '|' || delay_minutes FROM escalation_levels WHERE organisation_id = ? ORDER BY level", org);
    }

    private static List<String> actions(Browser b) {
        return b.all("#access-log-table tbody td.action").stream().map(WebElement::getText).toList();
    }

    private static void type(Browser b, String css, String text) {
        b.find(css).clear();
        b.find(css).sendKeys(text);
    }

    /** A download as the browser gets it (its session cookie), as text; "BOM:" first when it starts with UTF-8's byte-order mark. */
    static String fetch(Browser b, String url) {
        return (String) ((JavascriptExecutor) b.driver()).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(r => r.status !== 200 ? 'HTTP ' + r.status : r.arrayBuffer().then(buf => {"
                        + "  const u = new Uint8Array(buf);"
                        + "  return (u[0] === 0xEF && u[1] === 0xBB && u[2] === 0xBF ? 'BOM:' : '') + new TextDecoder().decode(u); }))"
                        + ".then(done, e => done('failed: ' + e));", url);
    }
}
