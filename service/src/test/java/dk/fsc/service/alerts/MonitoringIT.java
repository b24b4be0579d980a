package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Thresholds a clinician may set, and pauses of monitoring: bounded, and long ones visible (security review, findings 7 and 11). */
@MicronautTest(transactional = false)
class MonitoringIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    private record Refusal(int status, String contentType, String detail) {
    }

    private static Refusal refusal(Runnable call) {
        try {
            call.run();
            return new Refusal(200, null, null);
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = e.getResponse().getBody(Map.class).orElse(Map.of());
            return new Refusal(e.getStatus().getCode(), e.getResponse().getHeaders().get("Content-Type"), String.valueOf(body.get("detail")));
        }
    }

    @Test
    void rejectsSpo2LimitsBeyondThePlausibleRangeNamingTheField() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api clinician = new Api(http, fixtures.staff(org, "clinician"));
        Map<String, Object> absurd = new HashMap<>(Map.of("yellowLow", 1e308, "redLow", -5, "reason", "review finding 7"));

        Refusal r = refusal(() -> clinician.put("/api/patients/" + patient + "/thresholds/spo2", absurd));

        assertEquals(400, r.status());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertTrue(r.detail().startsWith("redLow -5 is outside the plausible range of spo2"), r.detail());
        assertTrue(r.detail().contains("from 30 to 100 %"), r.detail());
        assertEquals(0, fixtures.count("SELECT count(*) FROM threshold_changes WHERE patient_id = ?", patient), "nothing stored");

        absurd.put("redLow", 88);
        Refusal yellow = refusal(() -> clinician.put("/api/patients/" + patient + "/thresholds/spo2", absurd));
        assertEquals(400, yellow.status());
        assertTrue(yellow.detail().startsWith("yellowLow 1.0E308 is outside"), yellow.detail());
    }

    @Test
    void rejectsLimitsOutOfOrderAndAcceptsAbsentOnes() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api clinician = new Api(http, fixtures.staff(org, "clinician"));

        Refusal r = refusal(() -> clinician.put("/api/patients/" + patient + "/thresholds/pulse",
                Map.of("redHigh", 120, "yellowHigh", 130, "reason", "swapped")));
        assertEquals(400, r.status());
        assertTrue(r.detail().contains("redHigh (120) must be above yellowHigh (130)"), r.detail());

        // red limits only, no yellow band: allowed
        clinician.put("/api/patients/" + patient + "/thresholds/pulse", Map.of("redHigh", 140, "redLow", 35, "reason", "athlete"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM threshold_changes WHERE patient_id = ? AND type = 'pulse'", patient));
    }

    @Test
    void rejectsAPauseOfAHundredYearsAndOneInThePast() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Instant now = Instant.now();

        Refusal century = refusal(() -> nurse.post("/api/patients/" + patient + "/monitoring/pauses",
                Map.of("from", now.toString(), "to", now.plus(Duration.ofDays(36525)).toString(), "reason", "review finding 11")));
        Refusal over = refusal(() -> nurse.post("/api/patients/" + patient + "/monitoring/pauses",
                Map.of("from", now.minus(Duration.ofDays(3)).toString(), "to", now.minus(Duration.ofDays(1)).toString(), "reason", "late")));
        Refusal farYear = refusal(() -> nurse.post("/api/patients/" + patient + "/monitoring/pauses",
                Map.of("from", now.toString(), "to", "+300000-01-01T00:00:00Z", "reason", "year 300000")));

        assertEquals(400, century.status());
        assertTrue(century.detail().contains("at most 90 days"), century.detail());
        assertEquals(400, over.status());
        assertTrue(over.detail().contains("in the past"), over.detail());
        assertEquals(400, farYear.status(), farYear.detail());
        assertEquals(0, fixtures.count("SELECT count(*) FROM monitoring_pauses WHERE patient_id = ?", patient));
    }

    @Test
    void aLongPauseIsMarkedAndCountedForTheOrganisationsNurses() {
        String org = fixtures.organisation();
        UUID admitted = fixtures.patient(org);
        UUID holiday = fixtures.patient(org);
        UUID elsewhere = fixtures.patient(fixtures.organisation());
        Api nurse = new Api(http, fixtures.nurse(org));
        Instant now = Instant.now();

        Map<String, Object> longOne = nurse.post("/api/patients/" + admitted + "/monitoring/pauses",
                Map.of("from", now.toString(), "to", now.plus(Duration.ofDays(60)).toString(), "reason", "admitted, long stay"));
        Map<String, Object> shortOne = nurse.post("/api/patients/" + holiday + "/monitoring/pauses",
                Map.of("from", now.toString(), "to", now.plus(Duration.ofDays(7)).toString(), "reason", "holiday"));
        fixtures.update("INSERT INTO monitoring_pauses (patient_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, 'x', 'test')",
                elsewhere, OffsetDateTime.now(ZoneOffset.UTC), OffsetDateTime.now(ZoneOffset.UTC).plusDays(80));

        assertEquals(true, longOne.get("longPause"));
        assertEquals(60, ((Number) longOne.get("days")).intValue());
        assertEquals(false, shortOne.get("longPause"));
        Map<String, Object> listed = nurse.get("/api/monitoring/long-pauses");
        assertEquals(1, ((Number) listed.get("count")).intValue(), listed.toString());
        assertEquals(14, ((Number) listed.get("longerThanDays")).intValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pauses = (List<Map<String, Object>>) listed.get("pauses");
        assertEquals(admitted.toString(), pauses.get(0).get("patientId"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'read long monitoring pauses'", admitted));
        List<Map<String, Object>> ofPatient = nurse.getList("/api/patients/" + admitted + "/monitoring/pauses");
        assertEquals(1, ofPatient.size());
        assertEquals(true, ofPatient.get(0).get("longPause"));

        // Ended (registered by mistake): over now, and no longer counted; a planned one is cancelled; neither twice; not another's.
        Object id = longOne.get("id");
        nurse.postForList("/api/patients/" + admitted + "/monitoring/pauses/" + id + "/end");
        assertEquals(1, fixtures.count("SELECT count(*) FROM monitoring_pauses WHERE id = ? AND ends_at <= now()", ((Number) id).longValue()));
        assertEquals(0, ((Number) nurse.get("/api/monitoring/long-pauses").get("count")).intValue());
        assertEquals(404, nurse.statusOf(() -> nurse.postForList("/api/patients/" + admitted + "/monitoring/pauses/" + id + "/end")));
        Map<String, Object> planned = nurse.post("/api/patients/" + holiday + "/monitoring/pauses", Map.of("from",
                now.plus(Duration.ofDays(2)).toString(), "to", now.plus(Duration.ofDays(5)).toString(), "reason", "holiday later"));
        Api stranger = new Api(http, fixtures.nurse(fixtures.organisation()));
        assertEquals(404, stranger.statusOf(() -> stranger.postForList("/api/patients/" + holiday + "/monitoring/pauses/" + planned.get("id")
                + "/end")), "not another organisation's");
        List<Map<String, Object>> left = nurse.postForList("/api/patients/" + holiday + "/monitoring/pauses/" + planned.get("id") + "/end");
        assertEquals(List.of(shortOne.get("id")), left.stream().map(p -> p.get("id")).toList(), "the planned one is gone, the other stays");
        assertEquals(List.of("cancel monitoring pause", "end monitoring pause"), fixtures.strings(
                "SELECT action FROM access_log WHERE patient_id IN (?, ?) AND action LIKE '% monitoring pause' ORDER BY action", admitted, holiday));
    }

    @Test
    void theWorklistSaysUntilWhenAPatientsMonitoringIsPaused() {
        String org = fixtures.organisation();
        UUID paused = fixtures.patient(org);
        UUID watched = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        for (UUID p : List.of(paused, watched)) {
            fixtures.update("INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary) VALUES (?, ?, 'tobs', 'yellow', 'test')",
                    p, org);
        }
        Instant until = Instant.now().plus(Duration.ofDays(20));
        nurse.post("/api/patients/" + paused + "/monitoring/pauses", Map.of("from", Instant.now().toString(), "to", until.toString(),
                "reason", "admitted"));

        List<Map<String, Object>> worklist = nurse.getList("/api/alerts");

        Map<String, Object> p = worklist.stream().filter(a -> a.get("patientId").equals(paused.toString())).findFirst().orElseThrow();
        Map<String, Object> w = worklist.stream().filter(a -> a.get("patientId").equals(watched.toString())).findFirst().orElseThrow();
        assertEquals(until.getEpochSecond(), Instant.parse((String) p.get("monitoringPausedUntil")).getEpochSecond());
        assertNull(w.get("monitoringPausedUntil"));
    }
}
