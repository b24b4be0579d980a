package dk.fsc.service.tickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class TicketsIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    SlaJob slaJob;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> clock(Map<String, Object> ticket, String name) {
        return (Map<String, Object>) ticket.get(name);
    }

    @Test
    void aTicketMovesThroughItsStatesWithClocksThatPauseAndStop() {
        String org = fixtures.organisation();
        String device = fixtures.device("on_loan");
        Api fsc = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        Map<String, Object> t = fsc.post("/api/tickets", Map.of("title", "Oximeter shows no value", "urgency", 5, "impact", 5,
                "organisationId", org, "deviceId", device));
        String id = String.valueOf(t.get("id"));
        assertEquals("new", t.get("state"));
        assertEquals(5, t.get("priority"));
        assertEquals("24/7", t.get("calendar"));
        assertEquals("running", clock(t, "own").get("state"));
        assertNotNull(clock(t, "own").get("dueAt"));

        assertEquals(400, fsc.statusOf(() -> fsc.post("/api/tickets/" + id + "/state", Map.of("to", "assigned"))), "who owns it?");
        Map<String, Object> owned = fsc.post("/api/tickets/" + id + "/state", Map.of("to", "assigned", "assignee", "ole.fsc"));
        assertEquals("met", clock(owned, "own").get("state"));
        Map<String, Object> pending = fsc.post("/api/tickets/" + id + "/state", Map.of("to", "pending", "note", "waiting for the citizen"));
        assertEquals("paused", clock(pending, "resolve").get("state"));
        fsc.post("/api/tickets/" + id + "/comments", Map.of("text", "Called, no answer"));
        Map<String, Object> solved = fsc.post("/api/tickets/" + id + "/state", Map.of("to", "solved", "note", "new sensor sent"));
        assertEquals("met", clock(solved, "resolve").get("state"));
        Map<String, Object> closed = fsc.post("/api/tickets/" + id + "/state", Map.of("to", "closed"));
        assertEquals(List.of(Integer.valueOf(id)), fsc.getList("/api/tickets?state=all&device=" + device).stream().map(x -> x.get("id")).toList(),
                "the device's side of the link");
        assertEquals(409, fsc.statusOf(() -> fsc.post("/api/tickets/" + id + "/state", Map.of("to", "assigned", "assignee", "x"))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) closed.get("events");
        assertEquals(List.of("opened", "state", "state", "comment", "state", "state"), events.stream().map(e -> e.get("kind")).toList());
        assertEquals("waiting for the citizen", events.get(2).get("text"));
    }

    /** A solved ticket reopened while a job opened another for the same problem: 409 naming that one, not a 500 from the index. */
    @Test
    void reopeningATicketWhoseProblemHasAnotherOpenTicketNamesThatOne() {
        String org = fixtures.organisation();
        Api fsc = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        String key = "device-health:" + java.util.UUID.randomUUID();
        long first = fixtures.longValue("INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s,"
                + " resolve_target_s, clock_since, created_by, state, dedupe_key, solved_at) VALUES ('Ingen data', 3, 3, 3, ?, '24/7', 300, 86400,"
                + " now(), 'reminders', 'solved', ?, now()) RETURNING id", org, key);
        long second = fixtures.longValue("INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s,"
                + " resolve_target_s, clock_since, created_by, dedupe_key) VALUES ('Ingen data', 3, 3, 3, ?, '24/7', 300, 86400, now(),"
                + " 'reminders', ?) RETURNING id", org, key);
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                () -> fsc.post("/api/tickets/" + first + "/state", Map.of("to", "assigned", "assignee", "ole.fsc")));
        assertEquals(409, e.getStatus().getCode());
        assertTrue(e.getResponse().getBody(String.class).orElse("").contains("Ticket " + second + " is open for the same problem"),
                e.getResponse().getBody(String.class).orElse(""));
        assertEquals("solved", fixtures.text("SELECT state FROM tickets WHERE id = ?", first));
    }

    @Test
    void aWarningComesBeforeTheBreachAndEachIsRecordedOnce() throws Exception {
        String org = fixtures.organisation();
        Api fsc = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        long warned = ((Number) fsc.post("/api/tickets", Map.of("title", "Scale offline", "urgency", 5, "impact", 5,
                "organisationId", org)).get("id")).longValue();
        long breached = ((Number) fsc.post("/api/tickets", Map.of("title", "Tablet broken", "urgency", 5, "impact", 5,
                "organisationId", org)).get("id")).longValue();
        // 30 minutes to own, around the clock: 25 minutes used is a warning, 40 a breach.
        fixtures.update("UPDATE tickets SET clock_since = now() - interval '25 minutes' WHERE id = ?", warned);
        fixtures.update("UPDATE tickets SET clock_since = now() - interval '40 minutes' WHERE id = ?", breached);
        slaJob.checkNow(Instant.now());
        slaJob.checkNow(Instant.now().plus(Duration.ofSeconds(1)));
        assertEquals(1, fixtures.count("SELECT count(*) FROM ticket_events WHERE ticket_id = ? AND kind = 'sla_warning' AND clock = 'own'", warned));
        assertEquals(0, fixtures.count("SELECT count(*) FROM ticket_events WHERE ticket_id = ? AND kind = 'sla_breach'", warned));
        assertEquals(1, fixtures.count("SELECT count(*) FROM ticket_events WHERE ticket_id = ? AND kind = 'sla_breach' AND clock = 'own'", breached));
        assertEquals("breached", clock(fsc.get("/api/tickets/" + breached), "own").get("state"));
        List<Map<String, Object>> breachedList = fsc.getList("/api/tickets?sla=breached&organisation=" + org);
        assertEquals(List.of(breached), breachedList.stream().map(x -> ((Number) x.get("id")).longValue()).toList());
    }

    @Test
    void anAdverseEventIsDueForAnalysisWithinNinetyDays() {
        String org = fixtures.organisation();
        Api fsc = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        Object id = fsc.post("/api/tickets", Map.of("title", "Wrong device delivered at discharge", "urgency", 3, "impact", 3,
                "organisationId", org)).get("id");
        Map<String, Object> flagged = fsc.post("/api/tickets/" + id + "/adverse-event", Map.of());
        assertEquals(true, flagged.get("adverseEvent"));
        Duration left = Duration.between(Instant.now(), Instant.parse((String) flagged.get("analysisDueAt")));
        assertTrue(left.toDays() >= 89 && left.toDays() <= 90, left.toString());
        Api nurse = new Api(http, fixtures.nurse(org));
        assertEquals(403, nurse.statusOf(() -> nurse.get("/api/tickets/" + id)));
    }
}
