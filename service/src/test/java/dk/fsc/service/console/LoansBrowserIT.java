package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * FSC support's loans, device registration and tickets from a device or loan, in a real browser:
 * a loan ordered from its device's page, shipped with a printable shipping page, handed over,
 * asked back and ended, each step moving the device and each view of the citizen's address in
 * their access log; the overdue board and the calendar; a device registered with its password
 * shown once, given new credentials by an administrator (not by support) and retired; a ticket
 * filled in from a loan; and the loan pages closed to a nurse.
 */
@MicronautTest(transactional = false)
class LoansBrowserIT extends BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aLoanIsOrderedFromItsDeviceShippedWithItsShippingPageHandedOverAskedBackAndEnded() {
        String region = fixtures.organisation("region"); // pulse oximeters are lent by the region
        Fixtures.Login support = fixtures.staff(fixtures.organisation("fsc"), "fsc_support");
        UUID patient = fixtures.patient(region);
        fixtures.update("UPDATE patients SET display_name = 'Karen Lauridsen', address = ?, phone = '86 12 34 56' WHERE id = ?",
                "Søndergade 4, 2. tv\n8000 Aarhus C", patient);
        String device = fixtures.device("ready");

        Browser b = browser().signIn(support);
        b.open("/devices/" + device);
        b.find("#device-lend").click();
        b.waitFor(WAIT, d -> b.path().startsWith("/loans/new"));
        assertEquals(device, b.find("#deviceId").getAttribute("value"), "the device is filled in from its page");
        b.assertAccessible();

        // A patient id typed wrong: said at the field, nothing ordered.
        b.find("#patientId").sendKeys("0101901234");
        new Select(b.find("#organisationId")).selectByValue(region);
        b.find("#order-save").click();
        b.waitFor(WAIT, d -> !b.all("#order-problems").isEmpty());
        assertTrue(b.find("#patientId-problem").getText().contains("patient-id’et som det står"), b.find("#patientId-problem").getText());
        assertEquals(0, fixtures.count("SELECT count(*) FROM loans WHERE device_id = ?", device));
        assertEquals(region, new Select(b.find("#organisationId")).getFirstSelectedOption().getAttribute("value"), "the choice is kept");
        b.assertAccessible();

        b.find("#patientId").clear();
        b.find("#patientId").sendKeys(patient.toString());
        b.script("document.getElementById('dueOn').value = arguments[0]", java.time.LocalDate.now().plusDays(60).toString());
        b.find("#order-save").click();
        b.waitFor(WAIT, d -> b.path().contains("done=ordered"));
        UUID loan = UUID.fromString(b.path().substring("/loans/".length(), b.path().indexOf('?')));
        assertEquals("aktiv", b.find("#loan-status").getText());
        assertEquals("shipped", state(device));
        assertTrue(b.find("#loan-recipient").getText().contains("Karen Lauridsen"), b.find("#loan-recipient").getText());
        assertEquals(1, logLines(patient, "read shipping details of loan " + loan, support));
        b.assertAccessible();

        b.find("#shipping-page").click();
        b.waitFor(WAIT, d -> b.path().endsWith("/shipping"));
        assertEquals("Karen Lauridsen", b.find("#ship-name").getText());
        assertTrue(b.find("#ship-address").getText().contains("8000 Aarhus C"), b.find("#ship-address").getText());
        assertTrue(b.find("#ship-contents").getText().contains(device), b.find("#ship-contents").getText());
        assertTrue(b.find("#ship-due").getText().contains(java.time.LocalDate.now().plusDays(60).toString()), b.find("#ship-due").getText());
        assertEquals(1, logLines(patient, "printed shipping page of loan " + loan, support));
        b.assertAccessible();

        b.open("/loans/" + loan);
        assertTrue(b.all("#step-request-return").isEmpty(), "not asked back while on its way (it is ended 'not delivered')");
        // The hand-over needs who received it.
        b.find("#step-handover button").click();
        b.waitFor(WAIT, d -> !b.all("#step-problems").isEmpty());
        assertTrue(b.find("#handover-acceptedBy-problem").getText().contains("skal udfyldes"));
        assertEquals("shipped", state(device), "nothing moved");
        b.find("#handover-acceptedBy").sendKeys("Borgeren selv");
        b.find("#step-handover button").click();
        b.waitFor(WAIT, d -> b.path().contains("done=handover"));
        assertEquals("on_loan", state(device));

        b.find("#request-return-reason").sendKeys("Udskrevet fra forløbet");
        b.find("#step-request-return button").click();
        b.waitFor(WAIT, d -> b.path().contains("done=request-return"));
        assertEquals("return_requested", state(device));
        assertTrue(b.all("#step-request-return").isEmpty(), "asked back once");

        b.find("#end-outcome-returned").click();
        b.find("#end-reason").sendKeys("Modtaget retur");
        b.find("#step-end button").click();
        b.waitFor(WAIT, d -> b.path().contains("done=end"));
        assertEquals("afsluttet", b.find("#loan-status").getText());
        assertEquals("returned", state(device));
        assertEquals("ended", fixtures.text("SELECT status FROM loans WHERE id = ?", loan));
        assertTrue(b.all("#loan-steps form").isEmpty(), "an ended loan has no more steps");
    }

    @Test
    void aReservationIsShippedOrCancelledAndAStaleStepSaysWhy() {
        String region = fixtures.organisation("region");
        Fixtures.Login support = fixtures.staff(fixtures.organisation("fsc"), "fsc_support");
        UUID patient = fixtures.patient(region);
        String device = fixtures.device("ready");

        Browser b = browser().signIn(support);
        b.open("/loans/new?device=" + device);
        b.find("#patientId").sendKeys(patient.toString());
        new Select(b.find("#organisationId")).selectByValue(region);
        b.script("document.getElementById('startsAt').value = arguments[0]",
                FormInput.localValue(java.time.Instant.now().plus(Duration.ofDays(3))));
        b.find("#order-save").click();
        b.waitFor(WAIT, d -> b.path().contains("done=ordered"));
        assertEquals("reserveret", b.find("#loan-status").getText());
        assertEquals("reserved", state(device));
        String loanPage = b.path().substring(0, b.path().indexOf('?'));

        // A colleague ships it from another window; this page's "cancel" is now stale.
        Browser colleague = browser().signIn(support);
        colleague.open(loanPage);
        colleague.find("#step-ship button").click();
        colleague.waitFor(WAIT, d -> colleague.path().contains("done=ship"));
        assertEquals("shipped", state(device));

        b.find("#cancel-reason").sendKeys("Borgeren er indlagt");
        b.find("#step-cancel button").click();
        b.waitFor(WAIT, d -> !b.all("#step-problems").isEmpty());
        assertTrue(b.find("#step-problems").getText().contains("ikke gemt"), b.find("#step-problems").getText());
        assertEquals("aktiv", b.find("#loan-status").getText(), "the page shows the loan as it is now");
        assertEquals("shipped", state(device));
        b.assertAccessible();
    }

    @Test
    void theOverdueBoardAndTheCalendarShowWhatFallsDue() {
        String org = fixtures.organisation();
        Fixtures.Login support = fixtures.staff(fixtures.organisation("fsc"), "fsc_support");
        // Days in Danish time, as the pages count them (the database's current_date is UTC's: a day behind after midnight here).
        java.time.LocalDate today = java.time.LocalDate.now(DanishTime.ZONE);
        String late = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.update("UPDATE loans SET due_on = ? WHERE device_id = ?", today.minusDays(3), late);
        String soon = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.update("UPDATE loans SET due_on = ? WHERE device_id = ?", today.plusDays(5), soon);
        String calibrate = fixtures.device("ready");
        fixtures.update("UPDATE devices SET next_calibration_on = ? WHERE id = ?", today.plusDays(2), calibrate);
        String clean = fixtures.device("ready");
        fixtures.update("UPDATE devices SET next_cleaning_on = ? WHERE id = ?", today.minusDays(1), clean);
        UUID lateLoan = UUID.fromString(fixtures.text("SELECT id::text FROM loans WHERE device_id = ?", late));

        Browser b = browser().signIn(support);
        b.open("/loans?overdue=true&organisation=" + org);
        List<String> rows = b.all("#loans-table tbody tr").stream().map(e -> e.getAttribute("id")).toList();
        assertEquals(List.of("loan-" + lateLoan), rows, "only the overdue loan");
        assertTrue(b.find("#loan-" + lateLoan).getText().contains("3 dage over"), b.find("#loan-" + lateLoan).getText());
        b.assertAccessible();

        b.open("/loans/calendar?days=10");
        assertTrue(b.find("#calendar-overdue").getText().contains(late), b.find("#calendar-overdue").getText());
        String inFive = today.plusDays(5).toString();
        assertTrue(b.find("#day-" + inFive).getText().contains("Retur: " + soon), b.find("#day-" + inFive).getText());
        String inTwo = today.plusDays(2).toString();
        assertTrue(b.find("#day-" + inTwo).getText().contains("Kalibrering: " + calibrate), b.find("#day-" + inTwo).getText());
        String todayText = b.find("#day-" + today).getText();
        assertTrue(todayText.contains("Rengøring: " + clean) && todayText.contains("forsinket"), todayText);
        assertFalse(b.find("#calendar-days").getText().contains(late), "an overdue loan is listed above, not on a day");
        b.assertAccessible();
    }

    @Test
    void aDeviceIsRegisteredWithItsPasswordShownOnceGivenNewCredentialsByAnAdministratorAndRetired() {
        Fixtures.Login admin = fixtures.staff(fixtures.organisation("fsc"), "fsc_admin");
        String id = "REG-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        Browser b = browser().signIn(admin);
        b.open("/devices");
        b.find("#register-device").click();
        b.waitFor(WAIT, d -> b.path().equals("/devices/new"));
        b.find("#register-save").click();
        b.waitFor(WAIT, d -> !b.all("#register-problems").isEmpty());
        assertTrue(b.find("#id-problem").getText().contains("skal udfyldes"));
        assertTrue(b.find("#deviceType-problem").getText().contains("vælg"));
        b.assertAccessible();

        b.find("#id").sendKeys(id);
        new Select(b.find("#deviceType")).selectByValue("pulse_oximeter");
        b.find("#serialNumber").sendKeys("SN-" + id);
        b.find("#register-save").click();
        b.waitFor(WAIT, d -> !b.all("#mqtt-password").isEmpty());
        String first = b.find("#mqtt-password").getText();
        assertTrue(first.length() >= 20, first);
        assertTrue(PasswordHasher.matches(first, fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", id)),
                "the password shown is the one the device's account has");
        assertEquals("SN-" + id, fixtures.text("SELECT serial_number FROM devices WHERE id = ?", id));
        b.assertAccessible();

        b.find("#credentials-continue").click();
        b.waitFor(WAIT, d -> b.path().equals("/devices/" + id));
        assertFalse(b.find("main").getText().contains(first), "the password is not shown again");
        b.find("#credentials-new").click(); // not confirmed: nothing changes, the page says why
        b.waitFor(WAIT, d -> !b.all("#credentials-confirm-problem").isEmpty());
        assertTrue(PasswordHasher.matches(first, fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", id)), "still the first");
        b.find("#credentials-confirm").click();
        b.find("#credentials-new").click();
        b.waitFor(WAIT, d -> !b.all("#mqtt-password").isEmpty());
        String second = b.find("#mqtt-password").getText();
        assertNotEquals(first, second);
        String hash = fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", id);
        assertTrue(PasswordHasher.matches(second, hash) && !PasswordHasher.matches(first, hash), "the old password stops working");

        b.open("/devices/" + id);
        b.find("#retire-save").click();
        b.waitFor(WAIT, d -> !b.all("#retire-reason-problem").isEmpty());
        assertEquals("ready", state(id), "not retired without a reason");
        b.find("#retire-reason").sendKeys("Skærmen er knækket");
        b.find("#retire-save").click();
        b.waitFor(WAIT, d -> b.path().contains("moved=retired"));
        assertEquals("retired", state(id));
        assertTrue(b.all("#retire-form").isEmpty() && b.all("#credentials-form").isEmpty(), "a retired device has nothing more to do");

        // Support may retire and register, but new credentials are the administrators' (as in the API): no button, a forged post refused.
        String other = fixtures.device("ready");
        Browser s = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        s.open("/devices/" + other);
        assertTrue(s.all("#credentials-form").isEmpty());
        assertFalse(s.all("#retire-form").isEmpty());
        String before = fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", other);
        s.script("""
                const f = document.createElement('form'); f.method = 'post'; f.action = '/devices/' + arguments[0] + '/credentials';
                const t = document.createElement('input'); t.type = 'hidden'; t.name = '_csrf';
                t.value = document.querySelector('meta[name=csrf-token]').content; f.appendChild(t); document.body.appendChild(f); f.submit();""",
                other);
        s.waitFor(WAIT, d -> s.path().endsWith("/credentials"));
        assertTrue(s.find("main").getText().contains("Din rolle giver ikke adgang"), s.find("main").getText());
        assertTrue(s.all("#mqtt-password").isEmpty());
        assertEquals(before, fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", other));
    }

    @Test
    void aTicketOpenedFromALoanCarriesItsDeviceLoanAndCitizen() {
        String org = fixtures.organisation();
        Fixtures.Login support = fixtures.staff(fixtures.organisation("fsc"), "fsc_support");
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        UUID loan = UUID.fromString(fixtures.text("SELECT id::text FROM loans WHERE device_id = ?", device));

        Browser b = browser().signIn(support);
        b.open("/loans/" + loan);
        b.find("#loan-ticket").click();
        b.waitFor(WAIT, d -> b.path().startsWith("/tickets/new"));
        assertTrue(b.find("#ticket-links").getText().contains(device), b.find("#ticket-links").getText());
        assertEquals(1, logLines(patient, "read loan " + loan + " for a new ticket", support), "the form carries the citizen's id");
        assertEquals(org, new Select(b.find("#organisationId")).getFirstSelectedOption().getAttribute("value"), "the loan's organisation");
        b.find("#ticket-save").click();
        b.waitFor(WAIT, d -> !b.all("#ticket-problems").isEmpty());
        assertTrue(b.find("#title-problem").getText().contains("skal udfyldes"));
        b.assertAccessible();

        b.find("#title").sendKeys("Borgeren kan ikke tænde oximeteret");
        new Select(b.find("#urgency")).selectByValue("4");
        b.find("#ticket-save").click();
        b.waitFor(WAIT, d -> b.path().matches("/tickets/\\d+"));
        long id = Long.parseLong(b.path().substring("/tickets/".length()));
        assertEquals(device + "|" + loan + "|" + patient + "|" + org + "|4", fixtures.text(
                "SELECT device_id || '|' || loan_id || '|' || patient_id || '|' || organisation_id || '|' || urgency FROM tickets WHERE id = ?", id));
        assertEquals(1, logLines(patient, "open ticket " + id, support));
        assertTrue(b.find("#ticket-loan").getAttribute("href").endsWith("/loans/" + loan), "the ticket links back to its loan");
    }

    @Test
    void aNurseIsRefusedTheLoanPages() {
        Browser nurse = browser().signIn(fixtures.nurse(fixtures.organisation()));
        for (String page : List.of("/loans", "/loans/calendar", "/loans/new", "/devices/new", "/tickets/new")) {
            nurse.open(page);
            assertTrue(nurse.find("main").getText().contains("Din rolle giver ikke adgang"), page + ": " + nurse.find("main").getText());
        }
        assertTrue(nurse.all("nav a[href='/loans']").isEmpty(), "no link to where the role cannot go");
    }

    @Test
    void supportSeesOfACitizenOnlyWhatLogisticsNeeds() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        fixtures.deviceOnLoanTo(patient, org);
        Browser support = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        for (String page : List.of("/patients/" + patient, "/patients/" + patient + "/limits", "/patients/" + patient + "/photos")) {
            support.open(page);
            assertTrue(support.find("main").getText().contains("Din rolle giver ikke adgang"), page + ": " + support.find("main").getText());
            assertFalse(support.find("body").getText().contains("Test Patient"), "no name on a refused page");
        }
        // The loan list shows devices, organisations and dates, nobody's name or address: no line in each citizen's log
        // (until 2026-12-05 every opening wrote up to 500, filling the citizens' "who has seen my data").
        support.open("/loans?organisation=" + org);
        assertTrue(support.find("#loans-table").getText().contains(org), support.find("#loans-table").getText());
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND role = 'fsc_support'", patient),
                "nothing was read, so nothing is logged");
    }

    private String state(String device) {
        return fixtures.text("SELECT state FROM devices WHERE id = ?", device);
    }

    private long logLines(UUID patient, String action, Fixtures.Login who) {
        return fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = ? AND username = ?", patient, action, who.username());
    }
}
