package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Times far outside any clinical question in a query (security review, finding 9) answer 400
 * naming the allowed range, not a server error with a stack trace in the log.
 */
@MicronautTest(transactional = false)
class ExtremeDatesIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void answers400NamingTheRangeForEveryTimeParameterAndLogsNothingLong() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Api admin = new Api(http, fixtures.staff(org, "org_admin"));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        try {
            for (String path : List.of("/readings", "/access-log")) {
                Api caller = path.equals("/readings") ? nurse : admin;
                for (String query : List.of("from=-999999999-01-01T00:00:00Z", "to=%2B300000-01-01T00:00:00Z",
                        "from=-999999999-01-01T00:00:00Z&to=%2B300000-01-01T00:00:00Z", "to=0001-01-01T00:00:00Z",
                        "from=%2B999999999-12-31T23:59:59Z")) {
                    String url = "/api/patients/" + patient + path + "?" + query;
                    try {
                        caller.get(url);
                        throw new AssertionError("accepted: " + url);
                    } catch (HttpClientResponseException e) {
                        assertEquals(400, e.getStatus().getCode(), url);
                        assertTrue(e.getResponse().getHeaders().get("Content-Type").startsWith("application/problem+json"), url);
                        @SuppressWarnings("unchecked")
                        String detail = String.valueOf(e.getResponse().getBody(Map.class).orElseThrow().get("detail"));
                        assertTrue(detail.contains("between 1900-01-01T00:00:00Z and 9999-12-31T23:59:59Z"), url + ": " + detail);
                    }
                }
            }
        } finally {
            root.detachAppender(log);
        }
        List<ILoggingEvent> about = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                .filter(e -> e.getFormattedMessage().contains(patient.toString()) || e.getThrowableProxy() != null).toList();
        assertEquals(List.of(), about.stream().map(ILoggingEvent::getFormattedMessage).toList(), "nothing logged as an error");
        assertEquals(200, nurse.statusOf(() -> nurse.get("/api/patients/" + patient + "/readings?from=1900-01-01T00:00:00Z"
                + "&to=9999-12-31T23:59:59Z")), "the edges of the range are allowed");
    }

    /**
     * A body's time outside the range is refused where it enters (it was stored as whatever the
     * driver made of year -300000), and a value PostgreSQL cannot store that no check foresaw (a NUL
     * character in a query) is the caller's to fix: 400 saying what kind of value, not 500 (FHIR and API review).
     */
    @Test
    void aValueTheDatabaseCannotStoreIsTheCallersToFix() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Map<String, Object> wound = nurse.post("/api/patients/" + patient + "/wounds", Map.of("woundType", "venous_leg_ulcer",
                "bodySite", "shin", "side", "left"));
        HttpClientResponseException past = assertThrows(HttpClientResponseException.class,
                () -> nurse.post("/api/wounds/" + wound.get("id") + "/measurements", Map.of("measuredAt", "-300000-01-01T00:00:00Z", "lengthCm", 2)));
        assertEquals(400, past.getStatus().getCode());
        assertTrue(String.valueOf(past.getResponse().getBody(Map.class).orElseThrow().get("detail")).startsWith("measuredAt must be between"),
                past.getResponse().getBody(String.class).orElse(""));

        Api support = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        HttpClientResponseException nul = assertThrows(HttpClientResponseException.class,
                () -> support.get("/api/devices?q=a%00b"));
        assertEquals(400, nul.getStatus().getCode());
        assertTrue(String.valueOf(nul.getResponse().getBody(Map.class).orElseThrow().get("detail")).contains("NUL"),
                nul.getResponse().getBody(String.class).orElse(""));
    }
}
