package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.Observation;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.RejectionCode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Check 7 of the chain: a message id used before is a duplicate when the message is the same, else reused. */
class ResendTest {
    private static final Instant T = Instant.parse("2026-11-22T12:00:00Z");
    private final Reading reading = new Reading("m-1", T, List.of(new Observation(ObservationType.SPO2, 94, null, null)));

    @Test
    void theSameContentIsADuplicate() {
        assertTrue(Resend.sameReading(new Resend.StoredReading(T, 1, "abc"), reading, "abc"));
        Outcome outcome = Resend.outcome(true, "DEV-1", "m-1");
        assertEquals(Outcome.Status.duplicate, outcome.status());
        assertEquals("already stored", outcome.detail());
    }

    @Test
    void otherContentUnderTheSameIdIsAReusedId() {
        assertFalse(Resend.sameReading(new Resend.StoredReading(T, 1, "abc"), reading, "def"));
        Outcome outcome = Resend.outcome(false, "DEV-1", "m-1");
        assertEquals(RejectionCode.MESSAGE_ID_REUSED, outcome.code());
        assertEquals("messageId m-1 was already used by this device for a different message", outcome.detail());
    }

    @Test
    void rowsStoredBeforeTheContentHashAreComparedByTimeAndCount() {
        assertTrue(Resend.sameReading(new Resend.StoredReading(T, 1, null), reading, "abc"));
        assertFalse(Resend.sameReading(new Resend.StoredReading(T.plusSeconds(1), 1, null), reading, "abc"));
        assertFalse(Resend.sameReading(new Resend.StoredReading(T, 2, null), reading, "abc"));
    }

    @Test
    void nothingStoredIsNotTheSame() {
        assertFalse(Resend.sameReading(null, reading, "abc"));
    }
}
