package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/** Signing in and out of the console in a real browser, and what the session cookie allows. */
@MicronautTest(transactional = false)
class SignInBrowserIT extends BrowserTest {

    @Test
    void nurseSignsInWithTheFormAndOutAgain() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        Browser browser = browser().open("/worklist");
        assertTrue(browser.path().startsWith("/sign-in?next="), browser.path());
        browser.assertAccessible();

        browser.find("#username").sendKeys(nurse.username());
        browser.find("#password").sendKeys(nurse.password());
        browser.find("#sign-in-form button[type=submit]").click();
        browser.waitFor(Duration.ofSeconds(10), d -> browser.path().startsWith("/worklist"));

        Cookie session = browser.driver().manage().getCookieNamed("fsc_session");
        assertTrue(session.isHttpOnly(), "the session cookie is HttpOnly");
        assertEquals("Strict", session.getSameSite());
        assertTrue(browser.find(".top .who").getText().contains(nurse.username()));

        browser.find("#sign-out").click();
        browser.waitFor(Duration.ofSeconds(10), d -> browser.path().startsWith("/sign-in"));
        assertTrue(browser.find(".notice").isDisplayed());
        browser.open("/worklist");
        assertTrue(browser.path().startsWith("/sign-in"), "signed out: the worklist asks for a sign-in again, was " + browser.path());
    }

    @Test
    void wrongPasswordKeepsTheUsernameAndSaysWhatToFix() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        Browser browser = browser().open("/sign-in");
        browser.find("#username").sendKeys(nurse.username());
        browser.find("#password").sendKeys("not-the-password");
        browser.find("#sign-in-form button[type=submit]").click();

        browser.waitFor(Duration.ofSeconds(10), d -> !browser.all("#sign-in-problem").isEmpty());
        assertEquals(nurse.username(), browser.find("#username").getAttribute("value"));
        assertTrue(browser.find("#sign-in-problem").getText().contains("Brugernavn eller adgangskode er forkert"),
                browser.find("#sign-in-problem").getText());
        browser.assertAccessible();
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedEvenWithTheSessionCookie() throws Exception {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        Browser browser = browser().signIn(nurse);
        String cookie = browser.driver().manage().getCookieNamed("fsc_session").getValue();

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.getURL() + "/sign-out"))
                .header("Cookie", "fsc_session=" + cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(403, answer.statusCode());
        assertTrue(answer.body().contains("Formularen er udløbet"), answer.body());
        browser.open("/");
        assertTrue(browser.path().startsWith("/worklist"), "the session was not signed out by the refused post: " + browser.path());
    }
}
