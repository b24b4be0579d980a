package dk.fsc.service.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.storage.MessageKeyRows;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The hosted gateway against the real broker and database: replies, quarantine, attribution, idempotency. */
@MicronautTest(transactional = false)
class GatewayIngestIT extends IntegrationTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private final Fixtures fixtures = new Fixtures();

    @Test
    void answersEveryBadMessageWithAStableCodeAndKeepsItsBytes() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String[][] cases = {
                {"{not json", "MALFORMED_JSON"},
                {reading("b1", minutesAgo(1), "{\"type\":\"glucose\",\"value\":5,\"unit\":\"mmol/L\"}"), "UNKNOWN_TYPE"},
                {reading("b2", minutesAgo(1), "{\"type\":\"pulse\",\"value\":80,\"unit\":\"furlongs\"}"), "UNKNOWN_UNIT"},
                {reading("b3", minutesAgo(1), "{\"type\":\"spo2\",\"value\":101,\"unit\":\"%\"}"), "IMPLAUSIBLE_VALUE"},
                {reading("b4", minutesAgo(1), "{\"type\":\"pulse\",\"value\":0,\"unit\":\"/min\"}"), "IMPLAUSIBLE_VALUE"},
                {reading("b5", minutesAgo(-10), "{\"type\":\"pulse\",\"value\":80,\"unit\":\"/min\"}"), "MEASURED_IN_FUTURE"},
                {reading("b6", minutesAgo(60 * 24 * 40), "{\"type\":\"pulse\",\"value\":80,\"unit\":\"/min\"}"), "MEASURED_TOO_LONG_AGO"},
                {"{\"measuredAt\":\"" + minutesAgo(1) + "\",\"observations\":[]}", "INVALID_PAYLOAD"},
        };
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            for (String[] c : cases) {
                d.publishReading(c[0]);
                String reply = d.nextReply(REPLY_TIMEOUT);
                assertNotNull(reply, "no reply to " + c[0]);
                assertTrue(reply.contains("\"status\":\"rejected\"") && reply.contains("\"code\":\"" + c[1] + "\""),
                        "expected " + c[1] + " for " + c[0] + " but got " + reply);
            }
        }
        assertEquals(cases.length, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ?", device));
        assertArrayEquals(cases[0][0].getBytes(StandardCharsets.UTF_8), quarantinedPayload(device, "MALFORMED_JSON"));
        assertEquals(0, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
    }

    @Test
    void rejectsReadingsFromUnknownRetiredOrUnlentDevices() throws Exception {
        String unknown = "TEST-UNKNOWN-" + runId.toUpperCase();
        String retired = fixtures.device("retired");
        String inStock = fixtures.device("ready");
        assertRejected(unknown, "UNKNOWN_DEVICE");
        assertRejected(retired, "DEVICE_RETIRED");
        assertRejected(inStock, "DEVICE_NOT_ON_LOAN");
        assertEquals(1, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND code = 'UNKNOWN_DEVICE'", unknown));
    }

    @Test
    void attributesABacklogCrossingTwoLoansToThePatientWhoHadTheDeviceThen() throws Exception {
        String org = fixtures.organisation();
        UUID first = fixtures.patient(org);
        UUID second = fixtures.patient(org);
        String device = fixtures.device("on_loan");
        Instant handover = Instant.now().minus(Duration.ofDays(5));
        fixtures.loan(device, first, org, Instant.now().minus(Duration.ofDays(10)), handover);
        fixtures.loan(device, second, org, handover, null);

        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("[" + reading("old", minutesAgo(60 * 24 * 7), pulse(71)) + ","
                    + reading("new", minutesAgo(60 * 24 * 2), pulse(72)) + "]");
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("accepted"));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("accepted"));
        }

        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND value = 71", first));
        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND value = 72", second));
    }

    @Test
    void storesAResentMessageOnceAndRefusesAReusedMessageId() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String at = minutesAgo(3);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(reading("same", at, pulse(80)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            d.publishReading(reading("same", at, pulse(80)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"duplicate\""));
            d.publishReading(reading("same", minutesAgo(2), pulse(80)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("MESSAGE_ID_REUSED"));
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
    }

    @Test
    void aDevicesLastSeenIsWrittenWhenTenSecondsNewerNotForEveryMessage() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String lastSeen = "SELECT last_seen_at::text FROM device_status WHERE device_id = ?";
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(reading("seen-1", minutesAgo(1), pulse(80)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            assertEquals(1, fixtures.count("SELECT count(*) FROM device_status WHERE device_id = ?", device), "seen");

            // Seen a second ago: the next message is less than 10 s newer, so the row is not written again.
            fixtures.update("UPDATE device_status SET last_seen_at = now() - interval '1 second' WHERE device_id = ?", device);
            String recent = fixtures.text(lastSeen, device);
            d.publishReading(reading("seen-2", minutesAgo(1), pulse(81)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            assertEquals(recent, fixtures.text(lastSeen, device), "under 10 s newer: left alone");

            // Seen a minute ago: written.
            fixtures.update("UPDATE device_status SET last_seen_at = now() - interval '60 seconds' WHERE device_id = ?", device);
            String older = fixtures.text(lastSeen, device);
            d.publishReading(reading("seen-3", minutesAgo(1), pulse(82)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            assertNotEquals(older, fixtures.text(lastSeen, device), "a minute newer: written");
            assertEquals(1, fixtures.count("SELECT count(*) FROM device_status WHERE device_id = ? AND last_seen_at > now() - interval '30 seconds'",
                    device), "moved to the message's arrival");
        }
    }

    @Test
    void answersAnIdResentWithOtherValuesAsReusedAndKeepsTheSecondMessage() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String at = minutesAgo(3);
        String first = reading("spo2-1", at, "{\"type\":\"spo2\",\"value\":95,\"unit\":\"%\"}");
        String other = reading("spo2-1", at, "{\"type\":\"spo2\",\"value\":70,\"unit\":\"%\"}");
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(first);
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            d.publishReading(other);
            String reply = d.nextReply(REPLY_TIMEOUT);
            assertTrue(reply.contains("MESSAGE_ID_REUSED"), reply);
            d.publishReading(first);
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"duplicate\""), "a true resend stays a duplicate");
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND value = 95", device));
        assertArrayEquals(other.getBytes(StandardCharsets.UTF_8), quarantinedPayload(device, "MESSAGE_ID_REUSED"));
    }

    @Test
    void answersEveryReadingOfABacklogEvenBeyondTheBrokersWindowOfUnacknowledgedReplies() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        int n = 300; // one batch: far more replies at once than a broker takes unacknowledged (Mosquitto 20, HiveMQ 10)
        List<String> backlog = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            backlog.add(reading("backlog-" + i, minutesAgo(n - i), pulse(60 + i % 40)));
        }
        List<String> replies = new ArrayList<>();
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("[" + String.join(",", backlog) + "]");
            for (String reply = d.nextReply(REPLY_TIMEOUT); reply != null; reply = d.nextReply(Duration.ofSeconds(3))) {
                replies.add(reply);
            }
        }
        assertEquals(n, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
        assertEquals(n, replies.size(), "every stored reading is answered");
        assertTrue(replies.stream().allMatch(r -> r.contains("\"status\":\"accepted\"")));
    }

    @Test
    void keepsWorkingAfterGarbage() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        byte[] garbage = new byte[2000];
        new Random(42).nextBytes(garbage);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publish("fsc/v1/devices/" + device + "/readings", garbage);
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("MALFORMED_JSON"));
            d.publishReading(reading("after-garbage", minutesAgo(1), pulse(66)));
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("accepted"));
        }
        assertArrayEquals(garbage, quarantinedPayload(device, "MALFORMED_JSON"));
    }

    private void assertRejected(String device, String code) throws Exception {
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(reading("r-" + UUID.randomUUID(), minutesAgo(1), pulse(70)));
            String reply = d.nextReply(REPLY_TIMEOUT);
            assertNotNull(reply, "no reply for " + device);
            assertTrue(reply.contains("\"code\":\"" + code + "\""), "expected " + code + ", got " + reply);
        }
    }

    private byte[] quarantinedPayload(String device, String code) throws Exception {
        try (Connection c = TestInfrastructure.database().connect();
             PreparedStatement s = c.prepareStatement("SELECT payload FROM quarantine WHERE device_id = ? AND code = ?")) {
            s.setString(1, device);
            s.setString(2, code);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "nothing quarantined with " + code);
                return rs.getBytes(1);
            }
        }
    }

    /**
     * The idempotency claim looks each message's id up in the key's index, whatever the planner
     * would prefer: with nested loops discouraged (as when the month's partition looks empty to a
     * plan made before its first ANALYZE), a statement that allows it joins the batch with every
     * key of the window by hash; this one cannot (docs/benchmarks.md, "Red values committed first, and the idempotency claim's plan").
     */
    @Test
    void theIdempotencyClaimProbesTheKeysIndexOncePerMessage() {
        String plan = fixtures.plan(List.of("enable_nestloop = off"), "EXPLAIN (COSTS OFF) " + MessageKeyRows.CLAIM,
                "{DEV-PLAN}", "{m-1}", "{" + Instant.now() + "}", "{" + UUID.randomUUID() + "}", "{1}", "{00ff}", 31 * 86_400L, 2 * 86_400L);
        assertTrue(plan.contains("Nested Loop") && plan.contains("Limit") && plan.contains("Index Only Scan using device_messages_"), plan);
        assertFalse(plan.contains("Hash") || plan.contains("Merge") || plan.contains("Seq Scan"), plan);
    }

    static String reading(String messageId, String measuredAt, String observation) {
        return TestDevice.reading(messageId, measuredAt, observation);
    }

    static String pulse(int value) {
        return "{\"type\":\"pulse\",\"value\":" + value + ",\"unit\":\"/min\"}";
    }

    static String minutesAgo(long minutes) {
        return OffsetDateTime.now(ZoneOffset.ofHours(1)).minusMinutes(minutes).withNano(0).toString();
    }
}
