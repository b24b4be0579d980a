package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens from an external OpenID Connect provider, played here by a key pair made for the test
 * and its key set served over HTTP: accepted only with the right signature, issuer, audience and
 * expiry; staff roles and organisation from the claims; a citizen's token (CPR number, no role)
 * reads that citizen's access log across organisations and nothing else. Built-in logins keep working.
 */
@MicronautTest(transactional = false)
class OidcTokensIT extends IntegrationTest {
    private static final String ISSUER = "https://login.test.fsc.invalid/realms/region";
    private static final String AUDIENCE = "fsc-api";
    private final Fixtures fixtures = new Fixtures();
    private final RSAKey providerKey = generate("provider-1");
    private final RSAKey strangerKey = generate("provider-1"); // same key id, not in the key set
    private final HttpServer jwks = serve(new JWKSet(providerKey.toPublicJWK()).toString());

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(super.getProperties());
        p.put("micronaut.security.token.jwt.signatures.jwks.oidc.url", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
        p.put("fsc.oidc.issuer", ISSUER);
        p.put("fsc.oidc.audience", AUDIENCE);
        return p;
    }

    @AfterAll
    void stopKeyServer() {
        jwks.stop(0);
    }

    @Test
    void providerTokensGiveStaffTheirRoleAndOrganisation() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String nurse = token(providerKey, c -> c.subject("anna.nurse@" + org).claim("roles", List.of("nurse")).claim("organisation", org));

        assertEquals(200, status("/api/patients/" + patient, nurse));
        assertEquals("anna.nurse@" + org, fixtures.text("SELECT username FROM access_log WHERE patient_id = ? AND action = 'read patient record'",
                patient), "the provider's subject is who the access log names");
        String otherOrgNurse = token(providerKey, c -> c.subject("bo").claim("roles", List.of("nurse")).claim("organisation", "elsewhere"));
        assertEquals(404, status("/api/patients/" + patient, otherOrgNurse));

        // Built-in accounts still sign in beside the provider.
        Api builtIn = new Api(http, fixtures.nurse(org));
        assertEquals(200, status("/api/patients/" + patient, builtIn.token()));
    }

    @Test
    void refusesTokensThatAreNotTheProvidersOrNotForUs() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Consumer<JWTClaimsSet.Builder> nurse = c -> c.subject("x").claim("roles", List.of("nurse")).claim("organisation", org);
        Map<String, String> bad = Map.of(
                "signed by a key not in the provider's key set", token(strangerKey, nurse),
                "another audience", token(providerKey, nurse.andThen(c -> c.audience("some-other-app"))),
                "another issuer", token(providerKey, nurse.andThen(c -> c.issuer("https://evil.invalid"))),
                "expired", token(providerKey, nurse.andThen(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120))))),
                "no expiry", token(providerKey, nurse.andThen(c -> c.expirationTime(null))),
                "not a token", "abc.def.ghi");
        bad.forEach((why, token) -> assertEquals(401, status("/api/patients/" + patient, token), why));
        assertEquals(200, status("/api/patients/" + patient, token(providerKey, nurse)), "the same token done right");
    }

    @Test
    void aCitizenSeesWhoHasWorkedWithTheirDataAcrossOrganisations() throws Exception {
        String municipality = fixtures.organisation();
        String hospital = fixtures.organisation();
        String cpr = TestCprs.next();
        UUID atMunicipality = fixtures.patient(municipality, cpr);
        UUID atHospital = fixtures.patient(hospital, cpr);
        UUID someoneElse = fixtures.patient(municipality);
        Fixtures.Login nurse = fixtures.nurse(municipality);
        Api municipalNurse = new Api(http, nurse);
        Api hospitalDoctor = new Api(http, fixtures.staff(hospital, "clinician"));
        municipalNurse.get("/api/patients/" + atMunicipality);
        hospitalDoctor.get("/api/patients/" + atHospital + "/readings");
        municipalNurse.get("/api/patients/" + someoneElse);

        String citizen = token(providerKey, c -> c.subject("mitid-4711").claim("cpr", cpr));
        List<Map<String, Object>> lines = http.toBlocking().retrieve(HttpRequest.GET("/api/me/access-log").bearerAuth(citizen),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertEquals(2, lines.size(), "both organisations' reads, not the other patient's: " + lines);
        assertEquals("doctor or clinician", lines.get(0).get("role"));
        assertEquals("Test Kommune " + hospital, lines.get(0).get("organisation"));
        assertEquals(nurse.username(), lines.get(1).get("person"));
        assertEquals("read patient record", lines.get(1).get("action"));
        assertFalse(lines.get(0).containsKey("username"), "the citizen's view is in plain words");

        HttpResponse<String> csv = http.toBlocking().exchange(HttpRequest.GET("/api/me/access-log?format=csv").bearerAuth(citizen), String.class);
        assertTrue(csv.header("Content-Disposition").contains("who-has-seen-my-data.csv"));
        assertEquals(3, csv.body().split("\r\n").length);
        assertFalse(csv.body().contains(cpr));

        // A citizen's token opens nothing else, and staff cannot use the citizen's door.
        assertEquals(403, status("/api/patients/" + atMunicipality, citizen));
        assertEquals(403, status("/api/alerts", citizen));
        assertEquals(403, status("/api/me/access-log", municipalNurse.token()));
    }

    private int status(String path, String token) {
        try {
            return http.toBlocking().exchange(HttpRequest.GET(path).bearerAuth(token), String.class).code();
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    private static String token(RSAKey key, Consumer<JWTClaimsSet.Builder> claims) throws JOSEException {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of(AUDIENCE, "account"))
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)));
        claims.accept(builder);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), builder.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey generate(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer serve(String body) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jwks", exchange -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
