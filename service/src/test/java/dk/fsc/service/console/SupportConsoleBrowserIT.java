package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * FSC support's pages in a real browser: the device list with its filters, a scanned serial
 * number opening its device, a move by hand with its reason (and what to fix without one), a batch
 * of 20 scanned in a row, a replay from the quarantine page, and the pages closed to a nurse.
 */
@MicronautTest(transactional = false)
class SupportConsoleBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aScannedSerialNumberOpensTheDeviceWhichSupportMovesToCleaningWithAReason() {
        Fixtures.Login support = fixtures.staff(fixtures.organisation(), "fsc_support");
        String device = fixtures.device("returned");
        String serial = "SCAN-" + device;
        fixtures.update("UPDATE devices SET serial_number = ? WHERE id = ?", serial, device);

        Browser b = browser().signIn(support);
        assertTrue(b.path().startsWith("/devices"), "support's home is the devices: " + b.path());
        b.assertAccessible();
        // A handheld scanner types the serial number and Enter into the focused field.
        assertEquals("q", b.script("return document.activeElement.id"), "the search field has the focus for the scanner");
        b.find("#q").sendKeys(serial.toLowerCase() + Keys.ENTER);
        b.waitFor(WAIT, d -> b.path().equals("/devices/" + device));
        assertEquals("returneret", b.find("#device-state").getText());
        b.assertAccessible();

        // Only the moves the state machine allows by hand from "returned" are offered.
        List<String> offered = b.all("#move-form input[name=to]").stream().map(e -> e.getAttribute("value")).toList();
        assertEquals(List.of("cleaning", "in_repair", "lost"), offered.stream().sorted().toList());

        b.find("#to-cleaning").click();
        b.find("#move-save").click();
        b.waitFor(WAIT, d -> !b.all("#move-problems").isEmpty());
        assertTrue(b.find("#reason-problem").getText().contains("skriv hvorfor"), b.find("#reason-problem").getText());
        assertTrue(b.find("#to-cleaning").isSelected(), "the choice is kept to fix the form");
        assertEquals("returned", fixtures.text("SELECT state FROM devices WHERE id = ?", device), "nothing moved");
        b.assertAccessible();

        b.find("#reason").sendKeys("Retur fra borger, til rengøring");
        b.find("#move-save").click();
        b.waitFor(WAIT, d -> !b.all("#moved").isEmpty());
        assertEquals("til rengøring", b.find("#device-state").getText());
        assertTrue(b.find("#history-table tbody tr").getText().contains("Retur fra borger, til rengøring"),
                b.find("#history-table tbody tr").getText());
        assertEquals("cleaning", fixtures.text("SELECT state FROM devices WHERE id = ?", device));
        assertEquals(support.username(), fixtures.text(
                "SELECT username FROM device_transitions WHERE device_id = ? AND to_state = 'cleaning'", device));
    }

    @Test
    void theListFiltersByStateAndProblemAndADeviceOnLoanIsMovedByItsLoanOnly() {
        String org = fixtures.organisation();
        Fixtures.Login support = fixtures.staff(org, "fsc_support");
        String tag = "LIST" + fixtures.organisation().substring(4).toUpperCase();
        String inRepair = fixtures.device("in_repair");
        String lowBattery = fixtures.device("ready");
        String onLoan = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        for (String id : List.of(inRepair, lowBattery, onLoan)) {
            fixtures.update("UPDATE devices SET serial_number = ? WHERE id = ?", tag + "-" + id, id);
        }
        fixtures.update("INSERT INTO device_status (device_id, last_seen_at, battery_percent) VALUES (?, now(), 4)", lowBattery);

        Browser b = browser().signIn(support);
        b.find("#q").sendKeys(tag);
        new Select(b.find("#f-state")).selectByValue("in_repair");
        b.find("#device-search-submit").click();
        b.waitFor(WAIT, d -> b.path().contains("state=in_repair"));
        assertEquals(List.of("device-" + inRepair), rows(b));
        assertEquals("1 enhed", b.find("#device-count").getText());

        new Select(b.find("#f-state")).selectByValue("");
        new Select(b.find("#f-problem")).selectByValue("battery_low");
        b.find("#device-search-submit").click();
        b.waitFor(WAIT, d -> b.path().contains("problem=battery_low"));
        assertEquals(List.of("device-" + lowBattery), rows(b));
        assertTrue(b.find("#device-" + lowBattery + " .problems").getText().contains("lavt batteri"));
        b.assertAccessible();

        b.open("/devices?q=" + tag + "&organisation=" + org);
        assertEquals(List.of("device-" + onLoan), rows(b));
        b.find("#device-" + onLoan + " a").click();
        b.waitFor(WAIT, d -> b.path().equals("/devices/" + onLoan));
        assertTrue(b.all("#move-form").isEmpty(), "no move by hand while the device is on a loan");
        assertTrue(b.find("#on-loan-note").isDisplayed());
    }

    @Test
    void aNurseCannotOpenTheDevicePagesAndSupportCannotOpenTheWorklist() {
        String device = fixtures.device("ready");
        Browser nurse = browser().signIn(fixtures.nurse(fixtures.organisation()));
        nurse.open("/devices/" + device);
        assertTrue(nurse.find("main").getText().contains("Din rolle giver ikke adgang"), nurse.find("main").getText());
        assertFalse(nurse.find("body").getText().contains(device), "nothing of the device is shown");
        nurse.open("/devices");
        assertTrue(nurse.find("main").getText().contains("Din rolle giver ikke adgang"));
        assertTrue(nurse.all("nav a[href='/devices']").isEmpty(), "no link to where the role cannot go");

        Browser support = browser().signIn(fixtures.staff(fixtures.organisation(), "fsc_support"));
        support.open("/worklist");
        assertTrue(support.find("main").getText().contains("Din rolle giver ikke adgang"), support.find("main").getText());
        support.open("/devices/NO-SUCH-DEVICE");
        assertTrue(support.find("main").getText().contains("findes ikke"), support.find("main").getText());
    }

    @Test
    void twentySerialNumbersScannedInARowEachConfirmedOrRefusedAtOnce() {
        String org = fixtures.organisation();
        Fixtures.Login support = fixtures.staff(org, "fsc_support");
        List<String> serials = new java.util.ArrayList<>();
        List<String> devices = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String device = fixtures.device("returned");
            String serial = "BATCH-" + device;
            fixtures.update("UPDATE devices SET serial_number = ? WHERE id = ?", serial, device);
            devices.add(device);
            serials.add(serial);
        }
        String lost = fixtures.device("lost"); // lost: only found again (returned) or retired
        // One returned by its loan's end: receiving it ends the loan.
        String onLoan = fixtures.deviceOnLoanTo(fixtures.patient(org), org);

        Browser b = browser().signIn(support).open("/scan");
        b.assertAccessible();
        b.find("#step-clean").click();
        b.find("#code").click();
        // As a handheld scanner does: the codes and Enter, one right after the other, without waiting for answers.
        StringBuilder typed = new StringBuilder();
        for (String serial : serials) {
            typed.append(serial).append(Keys.ENTER);
        }
        typed.append(lost).append(Keys.ENTER).append("NO-SUCH-CODE").append(Keys.ENTER);
        new org.openqa.selenium.interactions.Actions(b.driver()).sendKeys(typed.toString()).perform();
        b.waitFor(Duration.ofSeconds(60), d -> b.all("#scan-results li").size() == 22
                && Boolean.TRUE.equals(b.script("return window.__scan.pending === 0")));

        List<String> done = b.all("#scan-results li[data-done=true]").stream().map(e -> e.getAttribute("data-code")).toList();
        assertEquals(serials.stream().sorted().toList(), done.stream().sorted().toList(), "each of the 20 confirmed");
        assertEquals(serials.get(0), b.all("#scan-results li").get(21).getAttribute("data-code"), "answers listed newest first, in scan order");
        assertEquals(20, fixtures.count("SELECT count(*) FROM devices WHERE state = 'cleaning' AND id = ANY (?)", (Object) devices.toArray(String[]::new)));
        assertTrue(b.find("#scan-results li[data-code='" + lost + "']").getText().contains("bortkommet og kan ikke sendes til rengøring"),
                b.find("#scan-results li[data-code='" + lost + "']").getText());
        assertEquals("lost", fixtures.text("SELECT state FROM devices WHERE id = ?", lost), "a refused scan moves nothing");
        assertTrue(b.find("#scan-results li[data-code='NO-SUCH-CODE']").getText().contains("intet udstyr har denne kode"));
        assertEquals("", b.find("#code").getAttribute("value"), "the field is empty, ready for the next");
        assertEquals("20 ✓ bekræftet · 2 ✗ afvist", b.find("#scan-counts").getText(), "the running count, in the page's words");
        b.assertAccessible();

        // Receiving a device on loan ends its loan: the loan and the device agree.
        b.find("#step-receive").click();
        b.find("#code").sendKeys(onLoan + Keys.ENTER);
        b.waitFor(WAIT, d -> !b.all("#scan-results li[data-code='" + onLoan + "'][data-done=true]").isEmpty());
        assertEquals("returned", fixtures.text("SELECT state FROM devices WHERE id = ?", onLoan));
        assertEquals("ended", fixtures.text("SELECT status FROM loans WHERE device_id = ?", onLoan));
    }

    @Test
    void aReplayFromTheQuarantinePageStoresTheReadingOnceTheLoanIsRegistered() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.device("shipped");
        Instant measuredAt = Instant.now().minusSeconds(3600);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("{\"messageId\":\"late-1\",\"measuredAt\":\"" + measuredAt + "\","
                    + "\"observations\":[{\"type\":\"spo2\",\"value\":93,\"unit\":\"%\"}]}");
            String reply = d.nextReply(WAIT);
            assertTrue(reply != null && reply.contains("DEVICE_NOT_ON_LOAN"), String.valueOf(reply));
        }
        long id = fixtures.longValue("SELECT id FROM quarantine WHERE device_id = ?", device);

        Browser b = browser().signIn(fixtures.staff(org, "fsc_support")).open("/quarantine?device=" + device);
        assertTrue(b.find("#q-" + id).getText().contains("udstyret var ikke udlånt, da der blev målt"), b.find("#q-" + id).getText());
        assertTrue(b.all("a[href$='/payload']").isEmpty(), "the raw message is for FSC administrators only");
        b.assertAccessible();

        fixtures.loan(device, patient, org, measuredAt.minusSeconds(86400), null); // the cause, fixed
        b.find("#sel-" + id).click();
        b.find("#replay-submit").click();
        b.waitFor(WAIT, d -> !b.all("#replayed-" + id).isEmpty());
        assertEquals("true", b.find("#replayed-" + id).getAttribute("data-settled"), b.find("#replayed-" + id).getText());
        assertTrue(b.find("#replayed-" + id).getText().contains("late-1"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", device, patient));
        assertTrue(b.all("#q-" + id).isEmpty(), "stored: no longer in the list of those not yet stored");
        b.assertAccessible();

        b.open("/quarantine/" + id + "/payload");
        assertTrue(b.find("main").getText().contains("Din rolle giver ikke adgang"), "support gets no raw bytes");
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action LIKE 'read quarantined message%'", patient));

        // An administrator downloads it: a line in the citizen's access log, as for the API's download.
        Browser admin = browser().signIn(fixtures.staff(org, "fsc_admin")).open("/quarantine?show=all&device=" + device);
        String href = admin.find("#q-" + id + " a[href$='/payload']").getAttribute("href");
        String cookie = admin.driver().manage().getCookieNamed("fsc_session").getValue();
        java.net.http.HttpResponse<byte[]> bytes = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(href)).header("Cookie", "fsc_session=" + cookie).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, bytes.statusCode());
        assertTrue(new String(bytes.body(), java.nio.charset.StandardCharsets.UTF_8).contains("late-1"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = ?", patient,
                "read quarantined message " + id));
    }

    @Test
    void theTicketBoardCountsTheClocksDownShowsABreachAndATicketIsCommentedAndAssigned() {
        String org = fixtures.organisation();
        Fixtures.Login support = fixtures.staff(org, "fsc_support");
        String device = fixtures.device("on_loan");
        // Around the clock (no business hours to pause it), 5 minutes to own it, running since now.
        long running = fixtures.longValue("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, device_id, calendar, own_target_s, resolve_target_s,
                                     clock_since, created_by)
                VALUES ('Batteri lavt', 3, 3, 3, ?, ?, '24/7', 300, 86400, now(), 'test') RETURNING id""", org, device);
        long late = fixtures.longValue("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s, resolve_target_s,
                                     own_consumed_s, clock_since, created_by, adverse_event, adverse_reported_at, analysis_due_at)
                VALUES ('Ingen data', 4, 4, 4, ?, '24/7', 60, 86400, 90, now(), 'test', true, now(), now() + interval '90 days')
                RETURNING id""", org);

        Browser b = browser().signIn(support).open("/tickets?organisation=" + org);
        assertEquals(2, b.all(".board .card").size());
        assertTrue(b.find("#col-new #ticket-" + running).isDisplayed(), "a new ticket is in the column Ny");
        String first = b.find("#ticket-" + running + " .clock-running .clock-value").getText();
        assertTrue(first.matches("[45] min \\d\\d s"), first);
        List<String> clocks = b.all("#ticket-" + running + " .clock-running .clock-value").stream().map(e -> e.getText()).toList();
        assertTrue(clocks.stream().anyMatch(c -> c.matches("2[34] t \\d\\d min")), "a day to resolve, counted in hours (Danish t): " + clocks);
        b.waitFor(WAIT, d -> !b.find("#ticket-" + running + " .clock-running .clock-value").getText().equals(first));
        assertTrue(b.find("#ticket-" + late).getAttribute("class").contains("breached"));
        assertTrue(b.find("#ticket-" + late + " .clock-breached").getText().contains("overskredet"),
                b.find("#ticket-" + late).getText());
        assertTrue(b.find("#ticket-" + late + " .adverse").getText().contains("om 89 dage")
                || b.find("#ticket-" + late + " .adverse").getText().contains("om 90 dage"), b.find("#ticket-" + late + " .adverse").getText());
        b.assertAccessible();

        b.find("#ticket-" + running + " h3 a").click();
        b.waitFor(WAIT, d -> b.path().equals("/tickets/" + running));
        b.find("#comment-save").click();
        b.waitFor(WAIT, d -> !b.all("#ticket-problems").isEmpty());
        assertTrue(b.find("#text-problem").getText().contains("skriv kommentaren"), b.find("#text-problem").getText());
        b.assertAccessible();
        b.find("#text").sendKeys("Ringet til borgeren");
        b.find("#comment-save").click();
        b.waitFor(WAIT, d -> b.find("#events").getText().contains("Ringet til borgeren"));

        b.find("#to-assigned").click();
        b.find("#move-save").click();
        b.waitFor(WAIT, d -> b.find("#ticket-state").getText().equals("tildelt"));
        assertEquals(support.username(), fixtures.text("SELECT assignee FROM tickets WHERE id = ?", running), "assigned to me by default");
        assertTrue(b.find("#ticket-clocks").getText().contains("overholdt"), "owned: the time-to-own clock is met");
        assertTrue(fixtures.text("SELECT owned_at FROM tickets WHERE id = ?", running) != null);
    }

    /**
     * A move keeps the ticket's owner unless the field was changed, a move made on a page read
     * before a colleague's move is refused with what to do, and the console's changes write the
     * API's access-log lines for the citizen the ticket names.
     */
    @Test
    void aColleaguesMoveIsNeitherOverwrittenNorReassignedAndChangesAreLogged() {
        String org = fixtures.organisation();
        Fixtures.Login alice = fixtures.staff(org, "fsc_support");
        Fixtures.Login bob = fixtures.staff(org, "fsc_support");
        UUID patient = fixtures.patient(org);
        long id = fixtures.longValue("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, patient_id, calendar, own_target_s, resolve_target_s,
                                     clock_since, created_by, state, assignee, owned_at)
                VALUES ('Ingen data', 3, 3, 3, ?, ?, '24/7', 300, 86400, now(), 'test', 'assigned', ?, now()) RETURNING id""",
                org, patient, alice.username());

        Browser stale = browser().signIn(bob).open("/tickets/" + id);
        assertEquals(alice.username(), stale.find("#assignee").getAttribute("value"), "the ticket's owner, not the viewer");
        Browser b = browser().signIn(bob).open("/tickets/" + id);
        b.find("#to-pending").click();
        b.find("#move-save").click();
        b.waitFor(WAIT, d -> b.find("#ticket-state").getText().equals("afventer"));
        assertEquals(alice.username(), fixtures.text("SELECT assignee FROM tickets WHERE id = ?", id), "still Alice's");

        stale.find("#to-planned").click();
        stale.find("#move-save").click();
        stale.waitFor(WAIT, d -> !stale.all("#to-problem").isEmpty());
        assertTrue(stale.find("#to-problem").getText().contains("En kollega har flyttet sagen imens"), stale.find("#to-problem").getText());
        assertEquals("pending", fixtures.text("SELECT state FROM tickets WHERE id = ?", id), "the colleague's move stands");
        stale.assertAccessible();

        b.find("#text").sendKeys("Venter på borgeren");
        b.find("#comment-save").click();
        b.waitFor(WAIT, d -> b.find("#events").getText().contains("Venter på borgeren"));
        assertEquals(List.of("move ticket " + id, "comment on ticket " + id), fixtures.strings(
                "SELECT action FROM access_log WHERE patient_id = ? AND username = ? AND action NOT LIKE 'read %' ORDER BY id",
                patient, bob.username()), "the API's lines for the changes");
    }

    @Test
    void theReportsShowTheNumbersAndDownloadForADanishExcel() throws Exception {
        String org = fixtures.organisation();
        fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        Browser b = browser().signIn(fixtures.staff(org, "fsc_support")).open("/reports");
        assertTrue(b.find("#devices-report").getText().contains(org), "the organisation's device on loan is counted");
        b.assertAccessible();

        String cookie = b.driver().manage().getCookieNamed("fsc_session").getValue();
        String excel = download(b.find("#dl-devices").getAttribute("href"), cookie);
        assertTrue(excel.startsWith("\uFEFForganisation_id;device_type;state;devices\r\n"), excel.substring(0, Math.min(80, excel.length())));
        assertTrue(excel.contains("\r\n" + org + ";pulse_oximeter;on_loan;1\r\n"), excel);
        String plain = download(b.find("#dl-devices").getAttribute("href") + "?format=csv", cookie);
        assertTrue(plain.startsWith("organisation_id,device_type,state,devices\r\n"), plain.substring(0, Math.min(80, plain.length())));
        assertTrue(plain.contains("\r\n" + org + ",pulse_oximeter,on_loan,1\r\n"));
    }

    private static String download(String url, String cookie) throws Exception {
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).header("Cookie", "fsc_session=" + cookie).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), url);
        assertTrue(answer.headers().firstValue("Content-Disposition").orElse("").contains(".csv"));
        return answer.body();
    }

    private static List<String> rows(Browser b) {
        return b.all("#devices-table tbody tr").stream().map(r -> r.getAttribute("id")).toList();
    }
}
