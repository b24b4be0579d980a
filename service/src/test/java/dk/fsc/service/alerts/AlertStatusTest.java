package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.errors.Refusal;
import org.junit.jupiter.api.Test;

/** The alert's moves: the rules staff actions and the raising of alerts follow. */
class AlertStatusTest {

    @Test
    void onlyAnOpenAlertCanBeAcknowledged() {
        AlertStatus.open.requireAction(1, AlertStatus.acknowledged);
        Refusal twice = assertThrows(Refusal.class, () -> AlertStatus.acknowledged.requireAction(7, AlertStatus.acknowledged));
        assertEquals(Refusal.Kind.CONFLICT, twice.kind());
        assertEquals("Alert 7 is acknowledged, not open.", twice.getMessage());
    }

    @Test
    void anUnresolvedAlertCanBeResolvedAssignedAndCommentedOn() {
        for (AlertStatus s : new AlertStatus[] {AlertStatus.open, AlertStatus.acknowledged}) {
            s.requireAction(1, AlertStatus.resolved);
            s.requireAction(1, null);
        }
    }

    @Test
    void aResolvedAlertTakesNoAction() {
        for (AlertStatus next : new AlertStatus[] {AlertStatus.acknowledged, AlertStatus.resolved, null}) {
            Refusal r = assertThrows(Refusal.class, () -> AlertStatus.resolved.requireAction(3, next));
            assertEquals("Alert 3 is already resolved.", r.getMessage());
        }
        for (AlertStatus next : AlertStatus.values()) {
            assertFalse(AlertStatus.resolved.canMoveTo(next));
        }
    }

    @Test
    void worseNewsOpensAnAcknowledgedAlertAgain() {
        assertTrue(AlertStatus.acknowledged.canMoveTo(AlertStatus.open));
    }
}
