package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A built-in login's token lasts as long as docs/api.md says, and the token itself says the same. */
@MicronautTest(transactional = false)
class TokenLifetimeIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void aTokenLastsAsLongAsTheApiDocumentSays() throws Exception {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        Map<String, Object> login = http.toBlocking().retrieve(
                HttpRequest.POST("/login", Map.of("username", nurse.username(), "password", nurse.password())),
                Argument.mapOf(String.class, Object.class));
        Matcher documented = Pattern.compile("\"expires_in\": (\\d+)")
                .matcher(Files.readString(Path.of("..", "docs", "api.md")));
        assertTrue(documented.find(), "docs/api.md shows a login answer with expires_in");

        long seconds = ((Number) login.get("expires_in")).longValue();
        assertEquals(Long.parseLong(documented.group(1)), seconds, "expires_in in docs/api.md");
        JWTClaimsSet claims = SignedJWT.parse((String) login.get("access_token")).getJWTClaimsSet();
        assertEquals(seconds, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000, "the token's exp - iat");
    }
}
