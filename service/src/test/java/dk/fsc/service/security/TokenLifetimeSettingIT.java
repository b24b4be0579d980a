package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FSC_TOKEN_SECONDS, as application.yml documents it, sets how long a built-in login's token lasts. */
@MicronautTest(transactional = false)
class TokenLifetimeSettingIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("FSC_TOKEN_SECONDS", "600");
        return p;
    }

    @Test
    void theTokenLifetimeSettingIsTheOneTheServiceReads() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        Map<String, Object> login = http.toBlocking().retrieve(
                HttpRequest.POST("/login", Map.of("username", nurse.username(), "password", nurse.password())),
                Argument.mapOf(String.class, Object.class));
        assertEquals(600, ((Number) login.get("expires_in")).intValue());
    }
}
