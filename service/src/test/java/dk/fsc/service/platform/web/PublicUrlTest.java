package dk.fsc.service.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micronaut.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Links name the configured public address, not whatever the request's Host (or X-Forwarded-Host) says. */
class PublicUrlTest {
    private final HttpRequest<?> spoofed = HttpRequest.GET("/fhir/Observation").header("X-Forwarded-Host", "evil.example");

    @Test
    void theConfiguredAddressWinsOverTheRequestsHeaders() {
        assertEquals("https://fsc.example.rm.dk", new PublicUrl("https://fsc.example.rm.dk/", r -> "http://127.0.0.1:8080").of(spoofed));
        assertEquals("https://fsc.example.rm.dk/telemed", new PublicUrl(" https://fsc.example.rm.dk/telemed// ", r -> "x").of(spoofed));
    }

    @Test
    void unsetTheRequestsHostIsUsed() {
        assertEquals("http://127.0.0.1:8080", new PublicUrl("", r -> "http://127.0.0.1:8080").of(spoofed));
        assertEquals("http://127.0.0.1:8080", new PublicUrl(null, r -> "http://127.0.0.1:8080").of(spoofed));
    }

    @Test
    void anAddressThatIsNoneIsRefusedAtStart() {
        assertThrows(IllegalStateException.class, () -> new PublicUrl("fsc.example.rm.dk", r -> "x"));
        assertThrows(IllegalStateException.class, () -> new PublicUrl("https://fsc.example.rm.dk/?a=b", r -> "x"));
    }
}
