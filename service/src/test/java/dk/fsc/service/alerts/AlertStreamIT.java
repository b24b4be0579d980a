package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The live feed: Server-Sent Events per organisation, resumed without gaps after a reconnect. */
@MicronautTest(transactional = false)
class AlertStreamIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    EmbeddedServer server;

    private final Fixtures fixtures = new Fixtures();

    /** One open event stream: its events' (id, data) as they arrive. */
    private final class Stream implements AutoCloseable {
        final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        private final InputStream body;

        Stream(String token, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/api/alerts/stream"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = java.net.http.HttpClient.newHttpClient()
                    .send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            body = response.body();
            Thread reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                        events.add(new String[] {id, line.substring(5).trim()});
                    }
                }
            } catch (Exception closed) {
                // the test closed the stream
            }
        }

        String[] next() throws InterruptedException {
            return events.poll(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    @Test
    void streamsTheOrganisationsNewAlertsAndResumesFromLastEventId() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login login = fixtures.nurse(org);
        Api nurse = new Api(http, login);
        Api otherNurse = new Api(http, fixtures.nurse(fixtures.organisation()));
        UUID first = fixtures.patient(org);
        UUID second = fixtures.patient(org);
        String firstEventId;

        try (Stream stream = new Stream(nurse.token(), null)) {
            Thread.sleep(500); // the subscription is registered by the feed's thread
            redTobs(nurse, first);
            String[] event = stream.next();
            assertNotNull(event, "no event on the stream");
            assertTrue(event[1].contains(first.toString()) && event[1].contains("\"type\":\"opened\""), event[1]);
            firstEventId = event[0];
            assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = ?",
                    login.username(), first, "alert stream event " + firstEventId), "what the stream showed is in the access log");
        }

        redTobs(nurse, second); // while nobody listens
        Thread.sleep(1500);

        try (Stream resumed = new Stream(nurse.token(), firstEventId);
             Stream foreign = new Stream(otherNurse.token(), firstEventId)) {
            String[] missed = resumed.next();
            assertNotNull(missed, "the event missed while disconnected was not replayed");
            assertTrue(missed[1].contains(second.toString()), missed[1]);
            assertTrue(Long.parseLong(missed[0]) > Long.parseLong(firstEventId));
            long id = ((Number) nurse.getList("/api/alerts").stream().filter(a -> a.get("patientId").equals(second.toString()))
                    .findFirst().orElseThrow().get("id")).longValue();
            nurse.post("/api/alerts/" + id + "/acknowledge", Map.of("note", "on it"));
            String[] live = resumed.next();
            assertNotNull(live);
            assertTrue(live[1].contains("\"type\":\"acknowledged\""), live[1]);
            assertEquals(null, foreign.events.poll(1, TimeUnit.SECONDS), "another organisation sees none of it");
        }
    }

    private static void redTobs(Api nurse, UUID patient) {
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(1).toString(),
                "observations", List.of(Map.of("type", "consciousness", "value", 3, "unit", "{score}"))));
    }
}
