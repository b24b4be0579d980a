package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dk.fsc.gateway.contract.RejectionCode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Checks 5 and 6 of the chain: whose a message is, given what the database says about its device. */
class AttributionTest {
    private static final Instant T = Instant.parse("2026-11-22T12:00:00Z");
    private static final UUID ANNA = UUID.randomUUID();
    private static final UUID BO = UUID.randomUUID();

    @Test
    void anUnregisteredDeviceIsRefused() {
        Attribution a = Attribution.toPatient("DEV-1", "m-1", T, DeviceFacts.UNREGISTERED);
        assertEquals(RejectionCode.UNKNOWN_DEVICE, a.refused().code());
        assertEquals("device DEV-1 is not registered", a.refused().detail());
        assertEquals("m-1", a.refused().messageId());
        assertEquals(RejectionCode.UNKNOWN_DEVICE, Attribution.ofDevice("DEV-1", "s-1", DeviceFacts.UNREGISTERED).refused().code());
    }

    @Test
    void aRetiredDeviceIsRefusedEvenOnLoan() {
        DeviceFacts retired = new DeviceFacts("retired", List.of(new DeviceFacts.Loan(ANNA, T.minusSeconds(3600), null)), 1);
        assertEquals(RejectionCode.DEVICE_RETIRED, Attribution.toPatient("DEV-1", "m-1", T, retired).refused().code());
        assertEquals("device DEV-1 is retired", Attribution.ofDevice("DEV-1", "s-1", retired).refused().detail());
    }

    @Test
    void aReadingBelongsToThePatientTheDeviceWasOnLoanToWhenItWasTaken() {
        DeviceFacts lent = new DeviceFacts("in_service", List.of(
                new DeviceFacts.Loan(ANNA, T.minusSeconds(7200), T.minusSeconds(3600)),
                new DeviceFacts.Loan(BO, T.minusSeconds(3600), null)), 1);
        assertEquals(ANNA, Attribution.toPatient("DEV-1", "m-1", T.minusSeconds(5000), lent).patient());
        assertEquals(BO, Attribution.toPatient("DEV-1", "m-1", T.minusSeconds(3600), lent).patient(), "a loan's end is its next one's start");
        assertEquals(BO, Attribution.toPatient("DEV-1", "m-1", T, lent).patient());
        assertNull(Attribution.toPatient("DEV-1", "m-1", T, lent).refused());
    }

    @Test
    void overlappingLoansGiveTheLatestStarted() {
        DeviceFacts overlapping = new DeviceFacts("in_service", List.of(
                new DeviceFacts.Loan(ANNA, T.minusSeconds(7200), null),
                new DeviceFacts.Loan(BO, T.minusSeconds(3600), null)), 1);
        assertEquals(BO, Attribution.toPatient("DEV-1", "m-1", T, overlapping).patient());
    }

    @Test
    void aReadingFromOutsideEveryLoanIsRefused() {
        DeviceFacts lent = new DeviceFacts("in_service", List.of(new DeviceFacts.Loan(ANNA, T, T.plusSeconds(3600))), 1);
        Attribution before = Attribution.toPatient("DEV-1", "m-1", T.minusSeconds(1), lent);
        assertEquals(RejectionCode.DEVICE_NOT_ON_LOAN, before.refused().code());
        assertEquals("device DEV-1 was not on loan to a patient at " + T.minusSeconds(1), before.refused().detail());
        assertEquals(RejectionCode.DEVICE_NOT_ON_LOAN, Attribution.toPatient("DEV-1", "m-1", T.plusSeconds(3600), lent).refused().code());
        assertEquals(RejectionCode.DEVICE_NOT_ON_LOAN,
                Attribution.toPatient("DEV-1", "m-1", T, new DeviceFacts("in_service", List.of(), 1)).refused().code());
    }

    @Test
    void aStatusReportNeedsOnlyADeviceInService() {
        Attribution a = Attribution.ofDevice("DEV-1", "s-1", new DeviceFacts("in_service", List.of(), 1));
        assertNull(a.refused());
        assertNull(a.patient());
    }
}
