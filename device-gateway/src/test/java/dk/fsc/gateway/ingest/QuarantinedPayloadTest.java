package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.contract.RejectionCode;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the quarantine keeps of a payload: oversize and rate-limited ones only as a prefix, the rest whole. */
class QuarantinedPayloadTest {
    private static final byte[] TEN_MIB = random(10 * 1024 * 1024);

    @ParameterizedTest
    @EnumSource(value = RejectionCode.class, names = {"PAYLOAD_TOO_LARGE", "PHOTO_TOO_LARGE", "RATE_LIMITED"})
    void keepsOnlyThePrefixOfAnOversizeOrRateLimitedPayloadWithTheSizeAndHashOfTheWhole(RejectionCode code) {
        QuarantinedPayload kept = QuarantinedPayload.of(code, TEN_MIB);

        assertEquals(64 * 1024, kept.kept().length);
        assertArrayEquals(Arrays.copyOf(TEN_MIB, 64 * 1024), kept.kept());
        assertEquals(TEN_MIB.length, kept.size());
        assertEquals(BlobStore.sha256(TEN_MIB), kept.sha256());
        assertTrue(kept.truncated());
    }

    @Test
    void keepsASmallRateLimitedMessageWholeSoItCanBeReplayed() {
        byte[] reading = random(2_000);
        QuarantinedPayload kept = QuarantinedPayload.of(RejectionCode.RATE_LIMITED, reading);
        assertArrayEquals(reading, kept.kept());
        assertFalse(kept.truncated());
    }

    @Test
    void keepsALargeMessageRejectedForAFixableCauseWhole() {
        QuarantinedPayload kept = QuarantinedPayload.of(RejectionCode.DEVICE_NOT_ON_LOAN, TEN_MIB);
        assertEquals(TEN_MIB.length, kept.kept().length);
        assertFalse(kept.truncated());
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(22).nextBytes(bytes);
        return bytes;
    }
}
