package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.Fixtures;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The idle timeout with a short setting (12 s, warning 8 s before): the warning comes, "Forbliv
 * logget ind" keeps the session past the time it would have ended, and a page left alone goes to
 * the sign-in form, after which its old cookie opens nothing.
 */
@MicronautTest(transactional = false)
class IdleTimeoutBrowserIT extends BrowserTest {
    private static final Duration IDLE = Duration.ofSeconds(12);

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.console.idle", IDLE.toSeconds() + "s");
        p.put("fsc.console.warn-before", "8s");
        return p;
    }

    @Test
    void theWarningOffersToStaySignedInAndWithoutAnAnswerThePageSignsOut() throws Exception {
        // Not a nurse: the home page is there on every branch of the console; the idle warning is on every page.
        Fixtures.Login admin = fixtures.staff(fixtures.organisation(), "org_admin");
        Browser browser = browser().signIn(admin);
        Instant signedIn = Instant.now();
        String cookie = browser.driver().manage().getCookieNamed("fsc_session").getValue();

        browser.waitFor(Duration.ofSeconds(15), d -> browser.find("#idle-warning").isDisplayed());
        assertEquals("Forbliv logget ind", browser.find("#idle-stay").getText());
        browser.assertAccessible();
        browser.find("#idle-stay").click();
        browser.waitFor(Duration.ofSeconds(5), d -> !browser.find("#idle-warning").isDisplayed());

        // Past the moment the session would have ended without the answer, it is still alive.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), signedIn.plus(IDLE).plusSeconds(2)).toMillis()));
        assertEquals("1", fixtures.text("SELECT count(*) FROM console_sessions WHERE username = ? AND last_seen_at > now() - make_interval(secs => ?)",
                admin.username(), IDLE.toSeconds()), "the answer restarted the session's idle clock on the server");
        assertFalse(browser.path().startsWith("/sign-in"), browser.path());

        // Left alone: the warning again, then the sign-in form, and the old cookie is worthless.
        browser.waitFor(Duration.ofSeconds(15), d -> browser.find("#idle-warning").isDisplayed());
        browser.waitFor(Duration.ofSeconds(30), d -> browser.path().startsWith("/sign-in?expired=true"));
        assertTrue(browser.find(".notice").getText().contains("Du var logget ud"), browser.find(".notice").getText());
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.getURL() + "/session/alive"))
                .header("Cookie", "fsc_session=" + cookie).header("X-Requested-With", "test").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode(), "the idle session's cookie opens nothing");
    }

    /** Someone typing is there: a form being filled in keeps the session past the idle time, without a warning taking the focus. */
    @Test
    void typingInAFormKeepsTheSession() throws Exception {
        Fixtures.Login admin = fixtures.staff(fixtures.organisation(), "org_admin");
        Browser browser = browser().signIn(admin).open("/access-log");
        Instant until = Instant.now().plus(IDLE).plusSeconds(4);
        while (Instant.now().isBefore(until)) {
            browser.find("#person").sendKeys("a");
            Thread.sleep(1500);
        }
        assertFalse(browser.path().startsWith("/sign-in"), browser.path());
        assertFalse(browser.find("#idle-warning").isDisplayed(), "no warning while typing");
        assertEquals("person", browser.script("return document.activeElement.id"), "the focus stays where the typing is");
        assertEquals(1, fixtures.count("SELECT count(*) FROM console_sessions WHERE username = ? AND last_seen_at > now() - make_interval(secs => ?)",
                admin.username(), IDLE.toSeconds()), "the server's idle clock was restarted");
    }
}
