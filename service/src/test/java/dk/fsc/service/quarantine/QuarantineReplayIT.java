package dk.fsc.service.quarantine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An operator lists rejected messages, fixes the cause and replays them: stored once, attributed right. */
@MicronautTest(transactional = false)
class QuarantineReplayIT extends IntegrationTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void aReadingFromADeviceWhoseLoanWasRegisteredLateIsStoredByAReplay() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.device("shipped");
        Instant measuredAt = Instant.now().minusSeconds(3600);
        String reading = "{\"messageId\":\"late-1\",\"measuredAt\":\"" + measuredAt + "\","
                + "\"observations\":[{\"type\":\"spo2\",\"value\":93,\"unit\":\"%\"}]}";
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(reading);
            String reply = d.nextReply(REPLY_TIMEOUT);
            assertTrue(reply != null && reply.contains("DEVICE_NOT_ON_LOAN"), String.valueOf(reply));
        }

        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        Map<String, Object> page = support.get("/api/quarantine?code=DEVICE_NOT_ON_LOAN&deviceId=" + device);
        List<Map<String, Object>> items = items(page);
        assertEquals(1, items.size());
        Number id = (Number) items.get(0).get("id");
        assertEquals("late-1", items.get(0).get("messageId"));
        assertTrue(((Map<?, ?>) page.get("openByCode")).containsKey("DEVICE_NOT_ON_LOAN"));

        // Replaying before the cause is fixed changes nothing but the bookkeeping.
        Map<String, Object> again = support.post("/api/quarantine/" + id + "/replay", Map.of());
        assertEquals(false, again.get("settled"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
        assertEquals(1, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ?", device), "no new quarantine row");

        fixtures.loan(device, patient, org, measuredAt.minusSeconds(86400), null);
        Map<String, Object> replayed = support.post("/api/quarantine/" + id + "/replay", Map.of());
        assertEquals(true, replayed.get("settled"), replayed.toString());
        assertEquals("accepted", ((Map<?, ?>) ((List<?>) replayed.get("results")).get(0)).get("status"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", device, patient));

        Map<String, Object> entry = support.get("/api/quarantine/" + id);
        assertNotNull(entry.get("replayedAt"));
        assertEquals(2, ((Number) entry.get("replayCount")).intValue());
        assertTrue(support.get("/api/quarantine?deviceId=" + device + "&open=false").get("items").toString().contains("late-1"));
        assertEquals(400, support.statusOf(() -> support.get("/api/quarantine?deviceId=" + device + "&open=0")), "a flag is true or false");
        assertTrue(items(support.get("/api/quarantine?deviceId=" + device)).isEmpty(), "no longer open");

        // A third replay finds it stored: a duplicate, still one reading.
        Map<String, Object> third = support.post("/api/quarantine/" + id + "/replay", Map.of());
        assertEquals("duplicate", ((Map<?, ?>) ((List<?>) third.get("results")).get(0)).get("status"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
    }

    @Test
    void replaysEveryOpenMessageOfADeviceAtOnceJudgingTimeAsWhenTheyArrived() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.device("shipped");
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            for (int i = 0; i < 3; i++) {
                d.publishReading("{\"messageId\":\"b-" + i + "\",\"measuredAt\":\"" + Instant.now().minusSeconds(600 + i)
                        + "\",\"observations\":[{\"type\":\"pulse\",\"value\":" + (70 + i) + ",\"unit\":\"/min\"}]}");
                assertNotNull(d.nextReply(REPLY_TIMEOUT));
            }
        }
        // Pretend they arrived 40 days ago: a replay judges the backlog window from that moment.
        fixtures.update("UPDATE quarantine SET received_at = received_at - interval '40 days' WHERE device_id = ?", device);
        fixtures.loan(device, patient, org, Instant.now().minus(Duration.ofDays(2)), null);

        Api support = new Api(http, fixtures.staff(org, "fsc_admin"));
        Map<String, Object> summary = support.post("/api/quarantine/replay", Map.of("deviceId", device, "code", "DEVICE_NOT_ON_LOAN"));
        assertEquals(3, ((Number) summary.get("replayed")).intValue());
        // measuredAt is now (arrival + 40 days) ahead of the arrival time: refused as from the future, still open.
        assertEquals(3, ((Number) summary.get("stillRejected")).intValue(), summary.toString());
        assertTrue(summary.toString().contains("MEASURED_IN_FUTURE"), summary.toString());

        fixtures.update("UPDATE quarantine SET received_at = now() WHERE device_id = ?", device);
        summary = support.post("/api/quarantine/replay", Map.of("deviceId", device));
        assertEquals(3, ((Number) summary.get("settled")).intValue(), summary.toString());
        assertEquals(3, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", device, patient));
    }

    /**
     * A message measured longer ago than the backlog window is not replayed, though it was in time
     * when it arrived: the idempotency keys that would show it stored already (the device sent it
     * again) are gone, so a replay could store it twice.
     */
    @Test
    void aMessageMeasuredBeforeTheKeysWindowIsNotReplayed() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.device("shipped");
        Instant measured = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("{\"messageId\":\"old-1\",\"measuredAt\":\"" + measured
                    + "\",\"observations\":[{\"type\":\"pulse\",\"value\":70,\"unit\":\"/min\"}]}");
            assertNotNull(d.nextReply(REPLY_TIMEOUT));
        }
        // As if it arrived, and was measured, 70 days ago (quarantine keeps 90 days, the keys 30 + 1).
        Instant then = measured.minus(Duration.ofDays(70));
        fixtures.update("UPDATE quarantine SET received_at = received_at - interval '70 days',"
                + " payload = convert_to(replace(convert_from(payload, 'UTF8'), ?, ?), 'UTF8') WHERE device_id = ?", measured.toString(), then.toString(), device);
        fixtures.loan(device, patient, org, then.minus(Duration.ofDays(2)), null);

        Api support = new Api(http, fixtures.staff(org, "fsc_admin"));
        Map<String, Object> summary = support.post("/api/quarantine/replay", Map.of("deviceId", device));
        assertEquals(1, ((Number) summary.get("stillRejected")).intValue(), summary.toString());
        assertTrue(summary.toString().contains("MEASURED_TOO_LONG_AGO"), summary.toString());
        assertEquals(0, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", device, patient), "nothing stored");
        assertTrue(fixtures.text("SELECT last_replay_result FROM quarantine WHERE device_id = ?", device).contains("enter it by hand"));
    }

    @Test
    void onlyFscStaffSeeTheQuarantineAndOnlyAdministratorsDownloadBytes() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.device("ready");
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("{broken");
            assertNotNull(d.nextReply(REPLY_TIMEOUT));
        }
        Api admin = new Api(http, fixtures.staff(org, "fsc_admin"));
        Number id = (Number) items(admin.get("/api/quarantine?deviceId=" + device)).get(0).get("id");
        assertArrayEquals("{broken".getBytes(StandardCharsets.UTF_8), admin.getBytes("/api/quarantine/" + id + "/payload").body());

        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        assertEquals(403, support.statusOf(() -> support.getBytes("/api/quarantine/" + id + "/payload")));
        Api nurse = new Api(http, fixtures.nurse(org));
        assertEquals(403, nurse.statusOf(() -> nurse.get("/api/quarantine")));
        assertEquals(403, nurse.statusOf(() -> nurse.post("/api/quarantine/" + id + "/replay", Map.of())));
        assertEquals(404, admin.statusOf(() -> admin.post("/api/quarantine/999999999/replay", Map.of())));
        assertEquals(400, admin.statusOf(() -> admin.post("/api/quarantine/replay", Map.of())));
        assertNull(admin.get("/api/quarantine/" + id).get("replayedAt"));
    }

    @Test
    void theCountsByCodeUseTheSameFiltersAsTheList() {
        String device = fixtures.device("ready");
        String other = fixtures.device("ready");
        for (Object[] row : new Object[][] {{device, "MALFORMED_JSON", false}, {device, "MALFORMED_JSON", false},
                {device, "DEVICE_NOT_ON_LOAN", false}, {device, "DEVICE_NOT_ON_LOAN", true}, {other, "MALFORMED_JSON", false}}) {
            fixtures.update("""
                    INSERT INTO quarantine (topic, device_id, code, detail, payload, replayed_at)
                    VALUES ('fsc/v1/devices/x/readings', ?, ?, 'x', '\\x7b', CASE WHEN ? THEN now() END)""", row);
        }
        Api support = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));

        Map<String, Object> page = support.get("/api/quarantine?deviceId=" + device);
        assertEquals(3, items(page).size());
        assertEquals(Map.of("MALFORMED_JSON", 2L, "DEVICE_NOT_ON_LOAN", 1L), counts(page));
        assertEquals(Map.of("MALFORMED_JSON", 2L), counts(support.get("/api/quarantine?deviceId=" + device + "&code=MALFORMED_JSON")));
        assertEquals(Map.of("MALFORMED_JSON", 2L, "DEVICE_NOT_ON_LOAN", 2L),
                counts(support.get("/api/quarantine?open=false&deviceId=" + device)), "open=false counts what it lists");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> counts(Map<String, Object> page) {
        Map<String, Long> counts = new java.util.HashMap<>();
        ((Map<String, Object>) page.get("openByCode")).forEach((code, n) -> counts.put(code, ((Number) n).longValue()));
        return counts;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }
}
