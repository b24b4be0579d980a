package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestInfrastructure;
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
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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

    @Inject
    AlertFeed feed;

    @Inject
    AlertStream alertStream;

    private final Fixtures fixtures = new Fixtures();

    /** One open event stream: its events' (id, data) as they arrive. */
    private final class Stream implements AutoCloseable {
        final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        volatile boolean ended;
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
            } finally {
                ended = true;
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

    /**
     * A Last-Event-ID further behind than a replay (fsc.alerts.max-replay, 2000) is refused before
     * anything is replayed: the replay would hold up every stream's live events and write a line
     * per event; one within it is replayed.
     */
    @Test
    void aLastEventIdFurtherBehindThanAReplayIsRefused() throws Exception {
        String org = fixtures.organisation();
        Api nurse = new Api(http, fixtures.nurse(org));
        UUID patient = fixtures.patient(org);
        redTobs(nurse, patient);
        Eventually.await("the red alert", Duration.ofSeconds(20), () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ?", patient) == 1);
        long alert = fixtures.count("SELECT id FROM alerts WHERE patient_id = ?", patient);
        long start = fixtures.count("SELECT max(id) FROM alert_events WHERE alert_id = ?", alert);
        fixtures.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note)"
                + " SELECT ?, ?, 'commented', 'colleague', 'red', 'note ' || n FROM generate_series(1, 2001) n", alert, org);

        HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getPort() + "/api/alerts/stream"))
                .header("Authorization", "Bearer " + nurse.token()).header("Accept", "text/event-stream")
                .header("Last-Event-ID", String.valueOf(start)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(409, refused.statusCode(), refused.body());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertTrue(refused.body().contains("more than 2000 events behind"), refused.body());

        long newest = fixtures.count("SELECT max(id) FROM alert_events WHERE alert_id = ?", alert);
        try (Stream resumed = new Stream(nurse.token(), String.valueOf(newest - 2000))) {
            for (int i = 0; i < 2000; i++) {
                assertNotNull(resumed.next(), "event " + i + " of a replay within the limit");
            }
        }
    }

    /**
     * The stream's access-log lines are written off the feed's thread: while an insert waits (the
     * test holds a lock that blocks it), the feed reads on, and the event is not shown before its
     * line is committed; then the events come in order, each with its line.
     */
    @Test
    void anEventIsSentOnlyOnceItsLineIsCommittedAndASlowInsertDoesNotHoldUpTheFeed() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login login = fixtures.nurse(org);
        Api nurse = new Api(http, login);
        UUID patient = fixtures.patient(org);
        try (Stream stream = new Stream(nurse.token(), null)) {
            Thread.sleep(500); // the subscription is registered by the feed's thread
            List<Long> ids = new ArrayList<>();
            try (Connection lock = TestInfrastructure.database().connect()) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("LOCK TABLE access_log IN SHARE MODE"); // inserts wait until it is released
                }
                long alert = alert(patient, org);
                for (int i = 0; i < 3; i++) {
                    ids.add(event(alert, org, "note " + i));
                }
                long last = ids.get(2);
                Eventually.await("the feed reads past the events whose lines wait", Duration.ofSeconds(10), () -> feed.lastSent() >= last);
                assertNull(stream.events.poll(1, TimeUnit.SECONDS), "an event was shown before its access-log line was written");
                lock.rollback();
            }
            for (long id : ids) {
                String[] event = stream.next();
                assertNotNull(event, "event " + id + " never came");
                assertEquals(String.valueOf(id), event[0], "events in order");
                assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND patient_id = ? AND action = ?",
                        login.username(), patient, "alert stream event " + id));
            }
        }
    }

    /**
     * The database drops the writer's connection in the middle of its insert (as in a restart):
     * the line is written again on a new connection, the event follows, and the stream stays open.
     */
    @Test
    void aLineWhoseConnectionIsLostIsWrittenAgainAndTheStreamGoesOn() throws Exception {
        String org = fixtures.organisation();
        Fixtures.Login login = fixtures.nurse(org);
        UUID patient = fixtures.patient(org);
        try (Stream stream = new Stream(new Api(http, login).token(), null)) {
            Thread.sleep(500);
            long id;
            try (Connection lock = TestInfrastructure.database().connect()) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("LOCK TABLE access_log IN SHARE MODE");
                }
                id = event(alert(patient, org), org, "connection lost");
                Eventually.await("the writer's insert waits for the lock", Duration.ofSeconds(10), () -> fixtures.count(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND query LIKE 'INSERT INTO access_log%' AND wait_event_type = 'Lock'") > 0);
                assertEquals(1, fixtures.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND query LIKE 'INSERT INTO access_log%' AND wait_event_type = 'Lock'"));
                lock.rollback();
            }
            String[] event = stream.next();
            assertNotNull(event, "the event never came after its line's connection was lost");
            assertEquals(String.valueOf(id), event[0]);
            assertFalse(stream.ended, "the stream ended although its line was written in the end");
            assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE username = ? AND action = ?",
                    login.username(), "alert stream event " + id));
        }
    }

    /** A line that cannot be written ends the stream it was for, without the event; other streams go on. */
    @Test
    void anEventWhoseLineCannotBeWrittenIsNotSentAndEndsOnlyItsStream() throws Exception {
        String org = fixtures.organisation();
        String otherOrg = fixtures.organisation();
        Fixtures.Login refused = fixtures.nurse(org);
        Fixtures.Login other = fixtures.nurse(otherOrg);
        UUID patient = fixtures.patient(org);
        UUID otherPatient = fixtures.patient(otherOrg);
        String function = "refuse_access_log_" + runId;
        fixtures.update("CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.username = '" + refused.username() + "' THEN RAISE EXCEPTION 'refused by the test'; END IF;"
                + " RETURN NEW; END $$");
        fixtures.update("CREATE TRIGGER " + function + " BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION " + function + "()");
        try (Stream failing = new Stream(new Api(http, refused).token(), null);
             Stream fine = new Stream(new Api(http, other).token(), null)) {
            Thread.sleep(500);
            long refusedEvent = event(alert(patient, org), org, "not to be shown");
            long shownEvent = event(alert(otherPatient, otherOrg), otherOrg, "shown");
            String[] event = fine.next();
            assertNotNull(event, "the other organisation's stream stopped too");
            assertEquals(String.valueOf(shownEvent), event[0]);
            Eventually.await("the stream whose line failed ends", Duration.ofSeconds(10), () -> failing.ended);
            assertTrue(failing.events.isEmpty(), "an event was shown without its access-log line");
            assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE action = ?", "alert stream event " + refusedEvent));
        } finally {
            fixtures.update("DROP TRIGGER " + function + " ON access_log");
            fixtures.update("DROP FUNCTION " + function + "()");
        }
    }

    /**
     * A client whose connection stands but that reads nothing (a laptop asleep) is given what the
     * stream holds, at most twice a replay, and then the stream ends: it resumes with Last-Event-ID
     * from the database. Until 2026-12-05 the stream held every event for such a client.
     */
    @Test
    void aStreamWhoseClientFallsTooFarBehindEndsAfterWhatItHolds() throws Exception {
        String org = fixtures.organisation();
        long alert = alert(fixtures.patient(org), org);
        dk.fsc.service.staff.StaffUser nurse = new dk.fsc.service.staff.StaffUser(fixtures.nurse(org).username(), "nurse", org);
        List<Long> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
        reactor.core.publisher.BaseSubscriber<AlertStream.Item> asleep = new reactor.core.publisher.BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                subscription.request(1); // the first keep-alive, then nothing
            }

            @Override
            protected void hookOnNext(AlertStream.Item item) {
                if (!item.keepAlive()) {
                    shown.add(Long.parseLong(item.id()));
                }
            }

            @Override
            protected void hookOnComplete() {
                ended.complete(null);
            }

            @Override
            protected void hookOnError(Throwable failure) {
                ended.completeExceptionally(failure);
            }
        };
        int streamsBefore = feed.openStreams();
        alertStream.open(nurse, null, AlertEventView::id, () -> true).subscribe(asleep);
        Eventually.await("the stream joined the feed", Duration.ofSeconds(10), () -> feed.openStreams() == streamsBefore + 1);
        int sent = 2 * alertStream.maxBehind();
        fixtures.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note)"
                + " SELECT ?, ?, 'commented', 'colleague', 'yellow', 'note ' || n FROM generate_series(1, ?) n", alert, org, sent);
        long newest = fixtures.longValue("SELECT max(id) FROM alert_events WHERE alert_id = ?", alert);
        Eventually.await("the feed passed the events on", Duration.ofSeconds(30), () -> feed.lastSent() >= newest);
        assertEquals(streamsBefore, feed.openStreams(), "the stream too far behind left the feed");

        asleep.request(Long.MAX_VALUE); // awake: what the stream held, then its end
        ended.get(30, TimeUnit.SECONDS);
        assertTrue(shown.size() >= alertStream.maxBehind() && shown.size() < sent, shown.size() + " of " + sent + " events held and shown");
        List<String> expected = fixtures.strings("SELECT e.id::text FROM alert_events e WHERE e.alert_id = ? ORDER BY e.id LIMIT ?", alert, shown.size());
        List<String> got = shown.stream().map(String::valueOf).toList();
        int differ = 0;
        while (differ < got.size() && got.get(differ).equals(expected.get(differ))) {
            differ++;
        }
        assertEquals(got.size(), differ, "from the first event on, in order and without a gap; first difference at " + differ);
    }

    private long alert(UUID patient, String organisation) {
        return fixtures.longValue("INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary) VALUES (?, ?, 'tobs', 'yellow', 'test')"
                + " RETURNING id", patient, organisation);
    }

    private long event(long alert, String organisation, String note) {
        return fixtures.longValue("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity, note)"
                + " VALUES (?, ?, 'updated', 'system', 'yellow', ?) RETURNING id", alert, organisation, note);
    }

    private static void redTobs(Api nurse, UUID patient) {
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(1).toString(),
                "observations", List.of(Map.of("type", "consciousness", "value", 3, "unit", "{score}"))));
    }
}
