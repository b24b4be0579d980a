package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.Finding;
import dk.fsc.service.alerts.Severity;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.interactions.Actions;

/** The nurses' live worklist in a real browser, with alerts raised over real MQTT and in the database. */
@MicronautTest(transactional = false)
class WorklistBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Smaller than the default (2000) so a test can put a screen further behind than a replay. */
    private static final int MAX_REPLAY = 20;

    @Inject
    AlertStore alertStore;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        p.put("fsc.alerts.missing-check", "1h");
        p.put("fsc.alerts.max-replay", String.valueOf(MAX_REPLAY));
        p.put("fsc.alerts.keep-alive", "1s"); // the stream's sign-in check comes with each

        return p;
    }

    @Test
    void aRedReadingFromADeviceAppearsOnAnOpenWorklistWithoutReload() throws Exception {
        String org = fixtures.organisation();
        UUID patient = patient(org, "Karen Rød");
        String device = fixtures.deviceOnLoanTo(patient, org);
        Browser b = openWorklist(fixtures.nurse(org));
        assertFalse(b.driver().getTitle().startsWith("("), "no red alert yet: " + b.driver().getTitle());

        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            assertNotNull(d.sendReading("red-1", 1, "{\"type\":\"pulse\",\"value\":135,\"unit\":\"/min\"}", WAIT), "the gateway took the reading");
        }
        long[] id = new long[1];
        Eventually.await("a red alert raised from the reading", WAIT, () -> {
            String found = fixtures.text("SELECT min(id) FROM alerts WHERE patient_id = ? AND severity = 'red'", patient);
            id[0] = found == null ? 0 : Long.parseLong(found);
            return found != null;
        });
        // Within 2 s of the alert being in the database: the page was not reloaded.
        b.waitFor(Duration.ofSeconds(2), x -> !b.all("#alert-" + id[0]).isEmpty());
        String row = text(b, "#alert-" + id[0]);
        assertEquals("red", attr(b, "#alert-" + id[0], "data-severity"));
        assertTrue(row.contains("Rød") && row.contains("Karen Rød"), row);
        assertTrue(row.contains("Puls 135"), "what triggered it: " + row);
        b.waitFor(Duration.ofSeconds(5), x -> text(b, "#announce").contains("Ny rød alarm: Karen Rød"));
        b.waitFor(Duration.ofSeconds(5), x -> {
            long red = fixtures.count("SELECT count(*) FROM alerts WHERE organisation_id = ? AND severity = 'red' AND status = 'open'", org);
            return b.driver().getTitle().startsWith("(" + red + ") Arbejdsliste");
        });
        assertEquals(Boolean.TRUE, b.script("return window.__marker === 'kept'"), "the page was not reloaded");
        b.assertAccessible();
    }

    @Test
    void aRedSymptomDiaryAnswerShowsOnTheWorklistAndOnTheChart() throws Exception {
        String org = fixtures.organisation();
        UUID patient = patient(org, "Ole Dagbog");
        String device = fixtures.deviceOnLoanTo(patient, org);
        Browser b = openWorklist(fixtures.nurse(org));
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("""
                    {"messageId": "diary-1", "measuredAt": "%s", "questionnaire": "copd_diary",
                     "answers": [{"item": "breathlessness", "answer": "much_worse"}, {"item": "cough", "answer": "usual"},
                                 {"item": "sputum_amount", "answer": "usual"}, {"item": "sputum_colour", "answer": "yellow"},
                                 {"item": "fever", "answer": "no"}, {"item": "rescue_medication", "answer": "usual"}]}"""
                    .formatted(java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
            assertNotNull(d.nextReply(WAIT), "the gateway took the diary");
        }
        long[] id = new long[1];
        Eventually.await("a red symptom alert raised from the diary", WAIT, () -> {
            String found = fixtures.text("SELECT min(id) FROM alerts WHERE patient_id = ? AND kind = 'symptom' AND severity = 'red'", patient);
            id[0] = found == null ? 0 : Long.parseLong(found);
            return found != null;
        });
        b.waitFor(Duration.ofSeconds(5), x -> !b.all("#alert-" + id[0]).isEmpty());
        String row = text(b, "#alert-" + id[0]);
        assertTrue(row.contains("Symptomer") && row.contains("Åndenød: Meget værre, også i hvile (Rød)")
                && row.contains("Farve på opspyt: Gult (Gul)"), "the answers that raised it, in Danish: " + row);
        assertFalse(row.contains("Hoste"), "green answers are not listed: " + row);

        b.open("/patients/" + patient);
        String diary = text(b, "#ew-symptoms");
        assertTrue(diary.contains("Nyeste symptomdagbog") && diary.contains("Åndenød") && diary.contains("Meget værre, også i hvile"), diary);
        assertEquals(6, b.all("#ew-symptoms tbody tr").size());
        assertTrue(text(b, "#alert-" + id[0]).contains("Symptomdagbog"), "the alert history names the kind");
        b.assertAccessible();
    }

    @Test
    void aSecondNurseAcknowledgesAndTheFirstSeesTheRowChange() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login first = fixtures.nurse(org);
        Fixtures.Login second = fixtures.nurse(org);
        UUID patient = patient(org, "Jens Gul");
        long id = raise(patient, org, "threshold", Severity.YELLOW);
        Browser one = openWorklist(first);
        Browser two = openWorklist(second);
        assertEquals("open", one.find("#alert-" + id).getAttribute("data-status"));

        two.find("#alert-" + id + " button.ack").click();
        two.waitFor(WAIT, x -> "acknowledged".equals(attr(two, "#alert-" + id, "data-status")));
        one.waitFor(Duration.ofSeconds(5), x -> "acknowledged".equals(attr(one, "#alert-" + id, "data-status")));
        assertTrue(text(one, "#alert-" + id + " .status").contains(second.username()), text(one, "#alert-" + id));
        assertEquals(second.username(), fixtures.text("SELECT acknowledged_by FROM alerts WHERE id = ?", id));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = ?",
                second.username(), patient, "acknowledge alert " + id), "the same line the API writes");
    }

    @Test
    void afterTheStreamDropsEveryAlertRaisedMeanwhileIsShown() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        long before = raise(patient(org, "Før Afbrud"), org, "tobs", Severity.YELLOW);
        Browser b = openWorklist(nurse);
        assertFalse(b.all("#alert-" + before).isEmpty());

        b.script("window.__worklist.dropConnection()");
        b.waitFor(WAIT, x -> Boolean.FALSE.equals(b.script("return window.__worklist.connected")));
        long red = raise(patient(org, "Under Afbrud"), org, "threshold", Severity.RED);
        long blue = raise(patient(org, "Også Under Afbrud"), org, "missing_measurement", Severity.BLUE);
        fixtures.update("UPDATE alerts SET status = 'acknowledged', acknowledged_by = 'colleague' WHERE id = ?", before);
        alertEvent(before, org, "acknowledged");
        Thread.sleep(1500); // the feed has sent these to every open stream; this page had none
        assertTrue(b.all("#alert-" + red).isEmpty(), "disconnected: nothing new yet");

        b.script("window.__worklist.reconnect()");
        b.waitFor(WAIT, x -> !b.all("#alert-" + red).isEmpty() && !b.all("#alert-" + blue).isEmpty());
        b.waitFor(WAIT, x -> "acknowledged".equals(attr(b, "#alert-" + before, "data-status")));
        List<String> order = b.all("#rows tr").stream().map(r -> r.getAttribute("id")).toList();
        assertEquals(List.of("alert-" + red, "alert-" + before, "alert-" + blue), order, "inserted where the server sorts them");
        assertTrue(b.driver().getTitle().startsWith("(1) "), b.driver().getTitle());
    }

    @Test
    void aScreenFurtherBehindThanAReplayLoadsTheListAsItIsNow() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        long before = raise(patient(org, "Før Søvn"), org, "tobs", Severity.YELLOW);
        Browser b = openWorklist(nurse);
        b.script("window.__worklist.dropConnection()");
        b.waitFor(WAIT, x -> Boolean.FALSE.equals(b.script("return window.__worklist.connected")));
        // The laptop slept: more events of the organisation than a stream replays.
        for (int i = 0; i < MAX_REPLAY; i++) {
            alertEvent(before, org, "commented");
        }
        long red = raise(patient(org, "Under Søvn"), org, "threshold", Severity.RED);

        b.script("window.__worklist.reconnect()");
        b.waitFor(WAIT, x -> !b.all("#alert-" + red).isEmpty() && Boolean.TRUE.equals(b.script("return window.__worklist.connected")));
        assertEquals(Boolean.TRUE, b.script("return window.__marker === undefined"), "the page was loaded again, not replayed");
        assertFalse(b.all("#alert-" + before).isEmpty());
        assertTrue(b.driver().getTitle().startsWith("(1) "), b.driver().getTitle());
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND action LIKE 'alert stream event %'", nurse.username()),
                "no event was replayed (each would be an access-log line)");
    }

    /** Signed out in another tab (a shared ward PC): the open worklist's stream ends at its next keep-alive, not at the page's idle timer. */
    @Test
    void theStreamEndsWhenTheSessionIsSignedOutElsewhere() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        Browser b = openWorklist(nurse);
        fixtures.update("DELETE FROM console_sessions WHERE username = ?", nurse.username());
        b.waitFor(WAIT, x -> Boolean.FALSE.equals(b.script("return window.__worklist.connected")));
        long red = raise(patient(org, "Efter Log Ud"), org, "threshold", Severity.RED);
        Thread.sleep(3000); // reconnecting meanwhile, refused
        assertTrue(b.all("#alert-" + red).isEmpty(), "nothing more reaches a signed-out page");
        assertEquals(Boolean.FALSE, b.script("return window.__worklist.connected"));
    }

    @Test
    void aNurseAcknowledgesByKeyboardOnly() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        long yellow = raise(patient(org, "Anden Borger"), org, "tobs", Severity.YELLOW);
        long red = raise(patient(org, "Første Borger"), org, "tobs", Severity.RED);
        Browser b = openWorklist(nurse);
        assertEquals(List.of("alert-" + red, "alert-" + yellow), b.all("#rows tr").stream().map(r -> r.getAttribute("id")).toList());

        keys(b, "?");
        assertTrue(b.find("#shortcuts").isDisplayed(), "? shows the shortcuts");
        b.assertAccessible();
        keys(b, "?");
        keys(b, "j");
        assertEquals("true", b.find("#alert-" + red).getAttribute("aria-selected"));
        keys(b, "j");
        keys(b, "k");
        assertEquals("true", b.find("#alert-" + red).getAttribute("aria-selected"), "k goes back up");
        assertEquals("alert-" + red, b.script("return document.activeElement.id"), "the selected row has the focus");
        keys(b, "a");
        b.waitFor(WAIT, x -> "acknowledged".equals(attr(b, "#alert-" + red, "data-status")));
        assertEquals(nurse.username(), fixtures.text("SELECT acknowledged_by FROM alerts WHERE id = ?", red));
        assertEquals("open", fixtures.text("SELECT status FROM alerts WHERE id = ?", yellow));
        b.waitFor(WAIT, x -> !b.driver().getTitle().startsWith("(")); // no open red alert left
        keys(b, "j");
        keys(b, "x");
        assertTrue(b.find("#alert-" + yellow + " input.pick").isSelected(), "x ticks the selected row");
    }

    @Test
    void bulkAcknowledgesYellowAndRefusesRedWithAMessage() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        long y1 = raise(patient(org, "Gul Et"), org, "tobs", Severity.YELLOW);
        long y2 = raise(patient(org, "Gul To"), org, "threshold", Severity.YELLOW);
        long y3 = raise(patient(org, "Gul Tre"), org, "weight_trend", Severity.YELLOW);
        long red = raise(patient(org, "Rød Borger"), org, "tobs", Severity.RED);
        Browser b = openWorklist(nurse);

        b.find("#alert-" + y1 + " input.pick").click();
        b.find("#alert-" + y2 + " input.pick").click();
        b.find("#bulk-submit").click();
        b.waitFor(WAIT, x -> "acknowledged".equals(attr(b, "#alert-" + y1, "data-status"))
                && "acknowledged".equals(attr(b, "#alert-" + y2, "data-status")));
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND action LIKE 'acknowledge alert (bulk)%'",
                nurse.username()));

        b.find("#alert-" + y3 + " input.pick").click();
        b.find("#alert-" + red + " input.pick").click();
        b.find("#bulk-submit").click();
        b.waitFor(WAIT, x -> text(b, "#bulk-problem").contains("Røde alarmer kvitteres én ad gangen"));
        assertTrue(b.find("#bulk-problem").getText().contains("Rød Borger"), b.find("#bulk-problem").getText());
        assertEquals("open", fixtures.text("SELECT status FROM alerts WHERE id = ?", y3), "nothing acknowledged");
        assertEquals("open", fixtures.text("SELECT status FROM alerts WHERE id = ?", red));
        assertTrue(b.find("#alert-" + y3 + " input.pick").isSelected(), "the selection is kept to fix");
        b.assertAccessible();
    }

    @Test
    void resolvingWithoutAnOutcomeSaysWhatToFixAndThenTheRowLeavesTheList() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        long id = raise(patient(org, "Afslut Mig"), org, "threshold", Severity.YELLOW);
        Browser b = openWorklist(nurse);

        // Without the script, "More" is a link to the list with this row's panel open.
        // Each row's controls are named with the citizen (aria-labelledby on the page's label parts and the row's name).
        assertEquals("Mere om alarmen for Afslut Mig", b.find("#alert-" + id + " a.more").getAccessibleName());
        assertEquals("Markér alarmen for Afslut Mig", b.find("#alert-" + id + " input.pick").getAccessibleName());
        assertEquals("Kvittér alarmen for Afslut Mig", b.find("#alert-" + id + " button.ack").getAccessibleName());
        String more = attr(b, "#alert-" + id + " a.more", "href");
        assertTrue(more.endsWith("/worklist?open=" + id + "#alert-" + id), more);
        assertTrue(b.all("#rows details").isEmpty(), "no row carries its panel until asked");
        b.open(more.substring(more.indexOf("/worklist")));
        assertEquals(1, b.all("#alert-" + id + " details[open] form[action$='/resolve']").size());
        b.open("/worklist");
        b.waitFor(WAIT, x -> Boolean.TRUE.equals(b.script("return window.__worklist && window.__worklist.connected")));
        b.script("window.__marker = 'kept'");

        openPanel(b, id);
        b.find("#alert-" + id + " form[action$='/resolve'] button").click();
        b.waitFor(WAIT, x -> text(b, "#alert-" + id).contains("Skriv et udfald"));
        assertEquals("open", fixtures.text("SELECT status FROM alerts WHERE id = ?", id));
        b.assertAccessible();

        b.find("#outcome-" + id).sendKeys("Borger kontaktet, ingen handling");
        b.find("#alert-" + id + " form[action$='/resolve'] button").click();
        b.waitFor(WAIT, x -> b.all("#alert-" + id).isEmpty());
        assertEquals("Borger kontaktet, ingen handling", fixtures.text("SELECT outcome FROM alerts WHERE id = ?", id));
    }

    @Test
    void aColleaguesChangeIsShownNotOverwritten() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        Fixtures.Login colleague = fixtures.nurse(org);
        long id = raise(patient(org, "Samtidig"), org, "tobs", Severity.YELLOW);
        Browser b = openWorklist(nurse);
        openPanel(b, id);
        b.find("#ack-note-" + id).sendKeys("min note");

        fixtures.update("UPDATE alerts SET status = 'resolved', resolved_by = ?, outcome = 'done', resolved_at = now() WHERE id = ?",
                colleague.username(), id);
        alertEvent(id, org, "resolved");
        b.waitFor(WAIT, x -> attr(b, "#alert-" + id, "class").contains("changed"));
        assertEquals("min note", b.find("#ack-note-" + id).getAttribute("value"), "what was typed is kept");

        b.find("#alert-" + id + " details form[action$='/acknowledge'] button").click();
        b.waitFor(WAIT, x -> text(b, "#alert-" + id).contains("En kollega har ændret alarmen"));
        assertEquals("resolved", fixtures.text("SELECT status FROM alerts WHERE id = ?", id), "nothing overwritten");
    }

    @Test
    void theWorklistWritesTheApisAccessLogLinesAndFilters() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(org);
        UUID redPatient = patient(org, "Log Rød");
        UUID yellowPatient = patient(org, "Log Gul");
        UUID otherOrgPatient = patient(fixtures.organisation(), "Anden Kommune");
        raise(redPatient, org, "tobs", Severity.RED);
        raise(yellowPatient, org, "threshold", Severity.YELLOW);
        raise(otherOrgPatient, fixtures.text("SELECT organisation_id FROM patients WHERE id = ?", otherOrgPatient), "tobs", Severity.RED);
        Browser b = openWorklist(nurse);
        assertEquals(2, b.all("#rows tr").size(), "only the organisation's alerts");
        for (UUID p : List.of(redPatient, yellowPatient)) {
            assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = 'read alert worklist'"
                    + " AND purpose = 'care'", nurse.username(), p), "the worklist read is logged for each patient shown");
        }
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ?", nurse.username(), otherOrgPatient));

        b.find("#f-severity").sendKeys("Gul");
        b.find("form.filters button[type=submit]").click();
        b.waitFor(WAIT, x -> b.path().contains("severity=yellow"));
        assertEquals(1, b.all("#rows tr").size());
        assertTrue(b.find("#rows tr").getText().contains("Log Gul"));
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = 'read alert worklist'",
                nurse.username(), yellowPatient));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = 'read alert worklist'",
                nurse.username(), redPatient), "a filtered-out patient is not shown, so not logged");
    }

    private Browser openWorklist(Fixtures.Login login) {
        Browser b = browser().signIn(login); // a nurse's home page is the worklist
        if (!b.path().equals("/worklist")) {
            b.open("/worklist");
        }
        b.waitFor(WAIT, x -> Boolean.TRUE.equals(b.script("return window.__worklist && window.__worklist.connected")));
        b.script("window.__marker = 'kept'");
        return b;
    }

    /** A row's "More": the row comes back from the server with its panel of actions open, in place (the page is not reloaded). */
    private static void openPanel(Browser b, long id) {
        b.find("#alert-" + id + " a.more").click();
        b.waitFor(WAIT, x -> !b.all("#alert-" + id + " details[open] form[action$='/resolve']").isEmpty());
        assertEquals("kept", b.script("return window.__marker"), "opened in place, not by loading the page");
        assertTrue(b.all("#alert-" + id + " a.more").isEmpty());
    }

    /** An attribute read in the page (a row may be replaced between finding it and reading it); "" when absent. */
    private static String attr(Browser b, String css, String name) {
        Object v = b.script("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null", css, name);
        return v == null ? "" : v.toString();
    }

    private static String text(Browser b, String css) {
        Object v = b.script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css);
        return v == null ? "" : v.toString();
    }

    private static void keys(Browser b, String keys) {
        new Actions(b.driver()).sendKeys(keys).perform();
    }

    private UUID patient(String org, String name) {
        UUID id = fixtures.patient(org);
        fixtures.update("UPDATE patients SET display_name = ? WHERE id = ?", name, id);
        return id;
    }

    /** An alert raised as the evaluation raises it, committed; its id. */
    private long raise(UUID patient, String org, String kind, Severity severity) throws Exception {
        String details = switch (kind) {
            case "tobs" -> "{\"total\": " + (severity == Severity.RED ? 5 : 2) + ", \"partial\": false, \"items\": [{\"parameter\": \"pulse\", "
                    + "\"value\": 115, \"scoredValue\": 115, \"points\": 2, \"measuredAt\": \"" + Instant.now() + "\"}], \"missing\": [], \"advice\": []}";
            case "threshold" -> "{\"values\": [{\"type\": \"spo2\", \"value\": 91, \"state\": \"" + severity.db() + "\", \"measuredAt\": \""
                    + Instant.now() + "\"}]}";
            case "weight_trend" -> "{\"fromKg\": 80.2, \"toKg\": 82.5}";
            default -> "{\"taken\": 0, \"required\": 1}";
        };
        try (Connection c = TestInfrastructure.database().connect()) {
            c.setAutoCommit(false);
            alertStore.raise(Sql.on(c), new Finding(patient, org, kind, severity, kind + " " + severity.db(), details, null, Instant.now()), Instant.now());
            c.commit();
        }
        return fixtures.longValue("SELECT id FROM alerts WHERE patient_id = ? AND kind = ? AND status <> 'resolved'", patient, kind);
    }

    /** A change made elsewhere, as the store records it: an event the feed sends. */
    private void alertEvent(long alert, String org, String type) {
        fixtures.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note)"
                + " SELECT id, ?, ?, 'colleague', severity, null FROM alerts WHERE id = ?", org, type, alert);
    }
}
