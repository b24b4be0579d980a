package dk.fsc.service.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dk.fsc.service.testing.Browser;
import dk.fsc.service.testing.BrowserTest;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/**
 * Signing in to the console through the region's OpenID Connect provider, played by a small
 * provider in this test (discovery document, authorization endpoint, token endpoint, key set).
 * Its authorization endpoint signs the person in at once and sends the browser back; its token
 * endpoint checks the PKCE verifier against the challenge and answers with an ID token signed by
 * a key pair made for the test. The service is at {@code localhost}, the provider at
 * {@code 127.0.0.1}: another site, so the way back is the cross-site navigation it is in real life
 * (a SameSite=Strict flow cookie would not come along).
 */
@MicronautTest(transactional = false)
class ProviderSignInBrowserIT extends BrowserTest {
    private static final String CLIENT_ID = "fsc-console";
    private final RSAKey key = generate();
    private final Map<String, Authorized> codes = new ConcurrentHashMap<>();
    private final HttpServer provider = startProvider();
    private final String issuer = "http://127.0.0.1:" + provider.getAddress().getPort();
    /** Who the provider signs in next, and how it misbehaves. */
    private volatile Consumer<JWTClaimsSet.Builder> person;
    private volatile String audience;
    private volatile String stateBack;
    private volatile String errorBack;

    private record Authorized(String challenge, String method, String nonce, String redirectUri) {
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.oidc.client-id", CLIENT_ID);
        p.put("fsc.oidc.client-secret", "console-secret");
        p.put("fsc.oidc.discovery-url", issuer + "/.well-known/openid-configuration");
        return p;
    }

    @BeforeEach
    void honestProvider() {
        audience = CLIENT_ID;
        stateBack = null;
        errorBack = null;
    }

    @AfterAll
    void stopProvider() {
        provider.stop(0);
    }

    @Test
    void nurseSignsInThroughTheRegionsLogin() {
        String org = fixtures.organisation();
        String subject = "anna.nurse." + UUID.randomUUID().toString().substring(0, 8);
        person = c -> c.subject(subject).claim("roles", List.of("nurse")).claim("organisation", org);
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
        person = c -> c.subject(subject).claim("cpr", cpr);
        Browser browser = browser().open("/sign-in");
        browser.find("#sign-in-provider").click();
        browser.waitFor(Duration.ofSeconds(10), d -> !browser.path().startsWith("/sign-in"));

        assertEquals("citizen", fixtures.text("SELECT role FROM console_sessions WHERE username = ?", subject));
        browser.open("/");
        assertEquals("/", browser.path(), "a citizen has no worklist");
    }

    @Test
    void anAnswerWithAnotherStateIsRefused() {
        person = c -> c.subject("mallory").claim("roles", List.of("nurse")).claim("organisation", fixtures.organisation());
        stateBack = "not-the-state-we-sent";
        assertRefused(browser());
    }

    @Test
    void anIdTokenForAnotherApplicationIsRefused() {
        person = c -> c.subject("bo").claim("roles", List.of("nurse")).claim("organisation", fixtures.organisation());
        audience = "some-other-app";
        assertRefused(browser());
    }

    @Test
    void theProvidersErrorIsShownAsAFailedSignIn() {
        person = c -> c.subject("cecilie").claim("roles", List.of("nurse")).claim("organisation", fixtures.organisation());
        errorBack = "access_denied";
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

    // --- the provider ---

    private HttpServer startProvider() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/.well-known/openid-configuration", x -> json(x, 200, Map.of(
                    "issuer", issuer,
                    "authorization_endpoint", issuer + "/authorize",
                    "token_endpoint", issuer + "/token",
                    "jwks_uri", issuer + "/jwks",
                    "response_types_supported", List.of("code"),
                    "code_challenge_methods_supported", List.of("S256"),
                    "id_token_signing_alg_values_supported", List.of("RS256"))));
            server.createContext("/jwks", x -> json(x, 200, new JWKSet(key.toPublicJWK()).toJSONObject()));
            server.createContext("/authorize", this::authorize);
            server.createContext("/token", this::token);
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs the person in at once: back to the client with a code (or the error asked for). */
    private void authorize(HttpExchange x) throws IOException {
        Map<String, String> q = params(x.getRequestURI().getRawQuery());
        String redirect = q.get("redirect_uri");
        if (!"code".equals(q.get("response_type")) || !CLIENT_ID.equals(q.get("client_id")) || redirect == null
                || q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method")) || q.get("nonce") == null
                || !q.getOrDefault("scope", "").contains("openid")) {
            text(x, 400, "bad authorization request: " + q.keySet());
            return;
        }
        String back;
        if (errorBack != null) {
            back = redirect + "?error=" + errorBack + "&state=" + enc(q.get("state"));
        } else {
            String code = UUID.randomUUID().toString();
            codes.put(code, new Authorized(q.get("code_challenge"), q.get("code_challenge_method"), q.get("nonce"), redirect));
            back = redirect + "?code=" + code + "&state=" + enc(stateBack != null ? stateBack : q.get("state"));
        }
        x.getResponseHeaders().add("Location", back);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    /** The code, once, for an ID token: only with the verifier of the challenge and the client's secret. */
    private void token(HttpExchange x) throws IOException {
        Map<String, String> form = params(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Authorized authorized = codes.remove(form.getOrDefault("code", ""));
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((CLIENT_ID + ":console-secret").getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(x.getRequestHeaders().getFirst("Authorization"))) {
            json(x, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (authorized == null || !"authorization_code".equals(form.get("grant_type"))
                || !authorized.redirectUri().equals(form.get("redirect_uri")) || form.get("code_verifier") == null
                || !authorized.challenge().equals(OidcClient.challenge(form.get("code_verifier")))) {
            json(x, 400, Map.of("error", "invalid_grant"));
            return;
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).claim("nonce", authorized.nonce());
        person.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            json(x, 200, Map.of("access_token", "opaque-" + UUID.randomUUID(), "token_type", "Bearer", "expires_in", 300,
                    "id_token", jwt.serialize()));
        } catch (JOSEException e) {
            json(x, 500, Map.of("error", "server_error"));
        }
    }

    private static Map<String, String> params(String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(query.split("&")).map(kv -> kv.split("=", 2)).collect(Collectors.toMap(
                kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "", (a, b) -> b));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static void json(HttpExchange x, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSONObjectUtils.toJSONString(new HashMap<>(body)).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static void text(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("region-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
