package dk.fsc.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.replay.QuarantineReplays;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One device cannot fill the database through the quarantine (issue 22): oversize payloads are
 * kept as a prefix with their size and hash, and a device over its quota is answered, counted
 * and shown to FSC support instead of being stored.
 */
@MicronautTest(transactional = false)
class QuarantineQuotaIT extends IntegrationTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private static final int QUOTA_ROWS = 3;
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    MeterRegistry metrics;

    @Inject
    QuarantineReplays replays;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.gateway.quarantine-quota-rows", String.valueOf(QUOTA_ROWS));
        return p;
    }

    @Test
    void keepsOnlyTheFirst64KiBOfAnOversizePayloadAndRefusesToReplayIt() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        byte[] huge = new byte[5 * 1024 * 1024];
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '[';
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publish("fsc/v1/devices/" + device + "/readings", huge);
            String reply = d.nextReply(REPLY_TIMEOUT);
            assertNotNull(reply);
            assertTrue(reply.contains("\"code\":\"PAYLOAD_TOO_LARGE\""), reply);
        }

        long id = fixtures.longValue("SELECT id FROM quarantine WHERE device_id = ? AND code = 'PAYLOAD_TOO_LARGE'", device);
        assertEquals(64 * 1024, fixtures.longValue("SELECT octet_length(payload) FROM quarantine WHERE id = ?", id));
        assertEquals(huge.length, fixtures.longValue("SELECT payload_size FROM quarantine WHERE id = ?", id));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(huge)),
                fixtures.text("SELECT payload_sha256 FROM quarantine WHERE id = ?", id));

        QuarantineReplays.Result replay = replays.replay(id, "test-operator");
        assertFalse(replay.settled());
        assertEquals(QuarantineReplays.TRUNCATED, replay.objects().get(0).code());
        assertTrue(replay.objects().get(0).detail().contains("cannot be replayed"), replay.objects().get(0).detail());
    }

    @Test
    void aDeviceOverItsQuarantineQuotaIsToldToRetryLaterAndSupportSeesIt() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        double droppedBefore = metrics.counter("fsc.gateway.quarantine.quota.exceeded").count();
        List<String> replies = new ArrayList<>();
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            for (int i = 0; i < QUOTA_ROWS + 2; i++) {
                String reply = d.sendReading("implausible-" + i, 1, "{\"type\":\"pulse\",\"value\":0,\"unit\":\"/min\"}", REPLY_TIMEOUT);
                assertNotNull(reply, "no reply after " + replies);
                replies.add(reply);
            }
        }

        for (int i = 0; i < QUOTA_ROWS; i++) {
            assertTrue(replies.get(i).contains("\"code\":\"IMPLAUSIBLE_VALUE\""), replies.get(i));
        }
        for (String over : replies.subList(QUOTA_ROWS, replies.size())) {
            assertTrue(over.contains("\"code\":\"QUARANTINE_QUOTA_EXCEEDED\"") && over.contains("IMPLAUSIBLE_VALUE")
                    && over.contains("send it again later"), over);
        }
        assertEquals(QUOTA_ROWS, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ?", device));
        assertEquals(2, fixtures.longValue("SELECT dropped FROM quarantine_quota WHERE device_id = ?", device));
        assertEquals(2.0, metrics.counter("fsc.gateway.quarantine.quota.exceeded").count() - droppedBefore);

        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        Map<String, Object> health = support.getList("/api/devices/health?problem=quarantine_quota").stream()
                .filter(v -> device.equals(v.get("id"))).findFirst().orElseThrow(() -> new AssertionError("not in device health"));
        assertNotNull(health.get("quarantineQuotaSince"));
        assertEquals(2, ((Number) health.get("quarantineDropped")).intValue());
    }
}
