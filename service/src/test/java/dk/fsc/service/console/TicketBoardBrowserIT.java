package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The ticket board with more open tickets than a column shows: each column its most urgent 50,
 * the count of all, and a link to the column alone with the rest.
 */
@MicronautTest(transactional = false)
class TicketBoardBrowserIT extends BrowserTest {

    @Test
    void aFullColumnShowsItsMostUrgentWithTheCountAndALinkToTheRest() {
        String org = fixtures.organisation();
        fixtures.update("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s, resolve_target_s, clock_since,
                                     created_by, created_at)
                SELECT 'Routine ' || n, 2, 2, 2, ?, '24/7', 3600, 86400, now(), 'test', now() - make_interval(mins => n)
                  FROM generate_series(1, 55) n""", org);
        long urgent = fixtures.longValue("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s, resolve_target_s, clock_since,
                                     created_by)
                VALUES ('Akut: ingen data', 5, 5, 5, ?, '24/7', 600, 86400, now(), 'test') RETURNING id""", org);

        Browser b = browser().signIn(fixtures.staff(fixtures.organisation("fsc"), "fsc_support")).open("/tickets?organisation=" + org);
        assertEquals("ny (56)", b.find("#col-title-new").getText());
        assertEquals(50, b.all("#col-new .card").size());
        assertEquals("ticket-" + urgent, b.all("#col-new .card").get(0).getAttribute("id"), "the most urgent first, though the newest");
        assertTrue(b.find("#more-new").getText().contains("Viser de 50 mest hastende af 56."), b.find("#more-new").getText());
        assertEquals("Åbne sager: 56", b.find("#tickets-count").getText());
        b.assertAccessible();

        b.find("#more-new a").click();
        b.waitFor(Duration.ofSeconds(15), d -> b.path().contains("column=new"));
        assertTrue(b.path().contains("organisation=" + org), "the filter is kept: " + b.path());
        assertEquals(56, b.all("#col-new .card").size());
        assertTrue(b.all("#col-assigned").isEmpty(), "the column alone");
        assertTrue(b.all("#more-new").isEmpty(), "all of it shown");
        b.assertAccessible();
        b.find("#board-back").click();
        b.waitFor(Duration.ofSeconds(15), d -> !b.path().contains("column="));
        assertEquals(4, b.all(".board .column").size());
    }
}
