package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The reports page's charts, drawn on the server: an organisation's devices by state and its
 * tickets by SLA as labelled bars, and the SLA breaches of the last twelve months, each bar with
 * its word and number and the same numbers as the tables.
 */
@MicronautTest(transactional = false)
class ReportChartsBrowserIT extends BrowserTest {

    @Test
    void theChartsDrawTheOrganisationsDevicesTicketsAndBreachesWithWordsAndNumbers() {
        String org = fixtures.organisation();
        fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String asked = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.update("UPDATE devices SET state = 'return_requested' WHERE id = ?", asked);
        long breached = ticket(org);
        ticket(org);
        fixtures.update("INSERT INTO ticket_events (ticket_id, username, kind, clock, at) VALUES (?, 'sla', 'sla_breach', 'own', now())", breached);
        fixtures.update("INSERT INTO ticket_events (ticket_id, username, kind, clock, at) VALUES (?, 'sla', 'sla_breach', 'resolve', now())",
                breached);

        Browser b = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_support")).open("/reports");

        // Devices: the organisation's heading with its total, then one bar per state it has, in the life's order.
        assertEquals(org + " (3)", text(b.find("#devices-chart g.group[data-organisation='" + org + "'] text")));
        List<WebElement> bars = b.all("#devices-chart g.bar[data-organisation='" + org + "']");
        assertEquals(List.of("on_loan=2", "return_requested=1"), bars.stream()
                .map(g -> g.getAttribute("data-key").replace("device.state.", "") + "=" + g.getAttribute("data-value")).toList());
        assertEquals("udlånt", text(bars.get(0).findElement(By.cssSelector(".bar-label"))), "the bar says its state");
        assertEquals("2", text(bars.get(0).findElement(By.cssSelector(".count"))), "and its number");
        assertTrue(Double.parseDouble(bars.get(0).findElement(By.tagName("rect")).getAttribute("width").replace("%", ""))
                > Double.parseDouble(bars.get(1).findElement(By.tagName("rect")).getAttribute("width").replace("%", "")),
                "two devices draw a longer bar than one");

        // Tickets: open, warned, breached, adverse events for the organisation.
        assertEquals(org, text(b.find("#tickets-chart g.group[data-organisation='" + org + "'] text")), "no sum of overlapping bars");
        List<String> tickets = b.all("#tickets-chart g.bar[data-organisation='" + org + "']").stream()
                .map(g -> text(g.findElement(By.cssSelector(".bar-label"))) + " " + g.getAttribute("data-value")).toList();
        assertEquals(List.of("åbne 2", "SLA varslet 0", "SLA overskredet 1", "utilsigtede hændelser 0"), tickets);

        // Breaches: twelve months, this one last, with every organisation's breaches of this month.
        List<WebElement> months = b.all("#breaches-chart g.month");
        assertEquals(12, months.size());
        WebElement now = months.get(11);
        assertEquals(YearMonth.now(ZoneId.of("Europe/Copenhagen")).toString(), now.getAttribute("data-month"));
        long own = fixtures.count("""
                SELECT count(*) FROM ticket_events WHERE kind = 'sla_breach' AND clock = 'own'
                   AND date_trunc('month', at AT TIME ZONE 'Europe/Copenhagen') = date_trunc('month', now() AT TIME ZONE 'Europe/Copenhagen')""");
        assertTrue(own >= 1);
        assertEquals(String.valueOf(own), now.getAttribute("data-own"));
        assertEquals(String.valueOf(own), text(now.findElements(By.cssSelector("text.count")).get(0)));
        assertEquals(12, b.all("#breaches-chart text.month-label").size(), "each month is named under its bars");
        b.assertAccessible();
    }

    private long ticket(String org) {
        return fixtures.longValue("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s, resolve_target_s, created_by)
                VALUES (?, 3, 3, 3, ?, '24/7', 300, 86400, 'test') RETURNING id""", "Chart " + UUID.randomUUID(), org);
    }

    /** An SVG element's text (WebDriver's getText is empty for some SVG text in headless Chromium). */
    private static String text(WebElement e) {
        return e.getAttribute("textContent").strip();
    }
}
