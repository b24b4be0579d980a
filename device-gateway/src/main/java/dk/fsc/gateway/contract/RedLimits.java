package dk.fsc.gateway.contract;

/**
 * The COPD programme's default red limits (at or beyond the limit is red; docs/domain.md), kept
 * here once: the service's default thresholds (ThresholdSet) take their red limits from this
 * class, and the gateway sees a reading by them before any evaluation: a reading with a value at
 * one of them puts its patient first in the evaluation queue. The patient's own limits and TOBS
 * still decide the alert; this only decides who is looked at first. SpO2 uses the standard scale,
 * so a patient on the 88–92 % scale may be put first without needing it, never the other way round.
 */
public final class RedLimits {
    private RedLimits() {
    }

    /** The red limit above the normal range (a value at or above it is red), or null when the type has none. */
    public static Double high(ObservationType type) {
        return switch (type) {
            case PULSE -> 130.0;
            case SYSTOLIC_BP -> 200.0;
            case RESPIRATION_RATE -> 25.0;
            case TEMPERATURE -> 40.0;
            default -> null;
        };
    }

    /** The red limit below the normal range (a value at or below it is red), or null when the type has none. */
    public static Double low(ObservationType type) {
        return switch (type) {
            case SPO2 -> 91.0;
            case PULSE -> 39.0;
            case SYSTOLIC_BP -> 79.0;
            case RESPIRATION_RATE -> 8.0;
            case TEMPERATURE -> 33.9;
            default -> null;
        };
    }

    public static boolean isRed(ObservationType type, double value) {
        Double high = high(type);
        Double low = low(type);
        return high != null && value >= high || low != null && value <= low;
    }

    /** Whether any observation of the reading is at a red limit, or an answer it carries is of red severity. */
    public static boolean anyRed(Reading reading) {
        return reading.observations().stream().anyMatch(o -> isRed(o.type(), o.value()))
                || reading.answers() != null && reading.answers().anyRed();
    }
}
