package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.ObservationType;
import org.junit.jupiter.api.Test;

/** What a clinician may set as a patient's limits for a type (security review, finding 7). */
class LimitsTest {

    @Test
    void rejectsSpo2LimitsOutsideThePlausibleRange() {
        // given the review's example: red below -5, yellow at 1e308, so red could never fire
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> Limits.forType(LimitedType.of(ObservationType.SPO2), null, null, 1e308, -5.0));

        assertEquals("redLow", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains("from 30 to 100 %"), e.getMessage());
    }

    @Test
    void rejectsAYellowLimitAboveTheRangeWhenTheRedOneIsPlausible() {
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> Limits.forType(LimitedType.of(ObservationType.SPO2), null, null, 200.0, 88.0));
        assertEquals("yellowLow", e.field());
    }

    @Test
    void limitsTheCatChangeBothWays() {
        Limits change = Limits.forType(LimitedType.CAT_CHANGE, 8.0, 4.0, -10.0, null);
        assertEquals(Colour.YELLOW, change.classify(4));
        assertEquals(Colour.RED, change.classify(9));
        assertEquals(Colour.GREEN, change.classify(-3));
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.CAT_CHANGE, 41.0, null, null, null));
        assertEquals(ObservationType.values().length + 1, LimitedType.all().size());
    }

    @Test
    void takesTheRangeFromTheGatewaysContractForEveryType() {
        for (LimitedType type : LimitedType.all()) {
            assertEquals(type.min(), Limits.forType(type, null, null, null, type.min()).redLow());
            assertEquals(type.max(), Limits.forType(type, type.max(), null, null, null).redHigh());
            assertThrows(InvalidInput.class, () -> Limits.forType(type, null, null, null, type.min() - 0.1), type.wireName());
            assertThrows(InvalidInput.class, () -> Limits.forType(type, type.max() + 0.1, null, null, null), type.wireName());
        }
    }

    @Test
    void rejectsNotANumberAndInfinity() {
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.PULSE), Double.POSITIVE_INFINITY, null, null, null));
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.PULSE), null, null, Double.NaN, null));
    }

    @Test
    void rejectsLimitsOutOfOrderNamingTheOneAtFault() {
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> Limits.forType(LimitedType.of(ObservationType.PULSE), 130.0, 140.0, 50.0, 40.0));
        assertEquals("redHigh", e.field());
        assertTrue(e.getMessage().contains("redHigh (130) must be above yellowHigh (140)"), e.getMessage());
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.SPO2), null, null, 90.0, 90.0));
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.SPO2), null, null, 88.0, 90.0));
    }

    @Test
    void keepsTheOrderAcrossAnAbsentLimit() {
        // red low and red high only: no yellow band, and still ordered
        Limits reds = Limits.forType(LimitedType.of(ObservationType.PULSE), 130.0, null, null, 39.0);
        assertEquals(Colour.RED, reds.classify(130));
        assertEquals(Colour.GREEN, reds.classify(80));
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.PULSE), 40.0, null, null, 50.0));
        assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.PULSE), null, 60.0, 70.0, null));
    }

    @Test
    void rejectsLimitsWithNoneGiven() {
        InvalidInput e = assertThrows(InvalidInput.class, () -> Limits.forType(LimitedType.of(ObservationType.SPO2), null, null, null, null));
        assertTrue(e.getMessage().startsWith("Give at least one limit"), e.getMessage());
    }
}
