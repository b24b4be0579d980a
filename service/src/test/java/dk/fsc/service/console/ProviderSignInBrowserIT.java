package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.FakeOidcProvider;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/**
 * Signing in to the console through the region's OpenID Connect provider, played by
 * {@link FakeOidcProvider} (discovery document, authorization endpoint, token endpoint, key set).
 * Its authorization endpoint signs the person in at once and sends the browser back; its token
 * endpoint checks the PKCE verifier against the challenge and answers with an ID token signed by
 * a key pair made for the test. The service is at {@code localhost}, the provider at
 * {@code 127.0.0.1}: another site, so the way back is the cross-site navigation it is in real life
 * (a SameSite=Strict flow cookie would not come along).
 */
@MicronautTest(transactional = false)
class ProviderSignInBrowserIT extends BrowserTest {
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
    void nurseSignsInThroughTheRegionsLogin() {
        String org = fixtures.organisation();
        String subject = "anna.nurse." + UUID.randomUUID().toString().substring(0, 8);
        provider.signsIn(c -> c.subject(subject).claim("roles", List.of("nurse")).claim("organisation", org));
        Browser browser = browser().open("/sign-in");
        browser.assertAccessible();

        browser.find("#sign-in-provider").click();
        browser.waitFor(Duration.ofSeconds(10), d -> !browser.path().startsWith("/sign-in"));

        assertTrue(browser.path().startsWith("/worklist"), "a nurse's home is the worklist: " + browser.path());
        Cookie session = browser.driver().manage().getCookieNamed("fsc_session");
        assertNotNull(session, "signed in: the session cookie is set");
        assertTrue(session.isHttpOnly());
        assertEquals("Strict", session.getSameSite());
        assertTrue(browser.find(".top .who").getText().contains(subject), browser.find(".top .who").getText());
        assertEquals("oidc|nurse|" + org, fixtures.text(
                "SELECT signed_in_by || '|' || role || '|' || organisation_id FROM console_sessions WHERE username = ?", subject));
        browser.open("/");
        assertTrue(browser.path().startsWith("/worklist"), browser.path());
    }

    @Test
    void aCitizenGetsTheCitizensRoleOnly() {
        String cpr = TestCprs.next();
        String subject = "mitid-" + UUID.randomUUID();
        provider.signsIn(c -> c.subject(subject).claim("cpr", cpr));
        Browser browser = browser().open("/sign-in");
        browser.find("#sign-in-provider").click();
        browser.waitFor(Duration.ofSeconds(10), d -> !browser.path().startsWith("/sign-in"));

        assertEquals("citizen", fixtures.text("SELECT role FROM console_sessions WHERE username = ?", subject));
        browser.open("/");
        assertEquals("/my-data", browser.path(), "a citizen's home is their own page, not a worklist");
    }

    @Test
    void anAnswerWithAnotherStateIsRefused() {
        provider.signsIn(c -> c.subject("mallory").claim("roles", List.of("nurse")).claim("organisation", fixtures.organisation()));
        provider.stateBack("not-the-state-we-sent");
        assertRefused(browser());
    }

    @Test
    void anIdTokenForAnotherApplicationIsRefused() {
        provider.signsIn(c -> c.subject("bo").claim("roles", List.of("nurse")).claim("organisation", fixtures.organisation()));
        provider.audience("some-other-app");
        assertRefused(browser());
    }

    @Test
    void theProvidersErrorIsShownAsAFailedSignIn() {
        provider.signsIn(c -> c.subject("cecilie").claim("roles", List.of("nurse")).claim("organisation", fixtures.organisation()));
        provider.errorBack("access_denied");
        assertRefused(browser());
    }

    private void assertRefused(Browser browser) {
        browser.open("/sign-in");
        browser.find("#sign-in-provider").click();
        browser.waitFor(Duration.ofSeconds(10), d -> browser.path().startsWith("/sign-in?provider-failed"));
        assertTrue(browser.find("#sign-in-problem").getText().contains("Login hos regionen lykkedes ikke"),
                browser.find("#sign-in-problem").getText());
        assertNull(browser.driver().manage().getCookieNamed("fsc_session"), "no session was opened");
        browser.assertAccessible();
        browser.open("/");
        assertTrue(browser.path().startsWith("/sign-in"), browser.path());
    }
}
