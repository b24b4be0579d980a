package dk.fsc.gateway.contract;

/**
 * The COPD programme's default red limits (at or beyond the limit is red; docs/domain.md), as the
 * gateway sees a reading before any evaluation: a reading with a value at one of them puts its
 * patient first in the evaluation queue. The patient's own limits and TOBS still decide the
 * alert; this only decides who is looked at first. SpO2 uses the standard scale, so a patient on
 * the 88–92 % scale may be put first without needing it, never the other way round.
 * ThresholdSet's COPD defaults in the service must agree (RedLimitsAgreeWithThresholdsTest).
 */
public final class RedLimits {
    private RedLimits() {
    }

    public static boolean isRed(ObservationType type, double value) {
        return switch (type) {
            case SPO2 -> value <= 91;
            case PULSE -> value >= 130 || value <= 39;
            case SYSTOLIC_BP -> value >= 200 || value <= 79;
            case RESPIRATION_RATE -> value >= 25 || value <= 8;
            case TEMPERATURE -> value >= 40 || value <= 33.9;
            default -> false;
        };
    }

    /** Whether any observation of the reading is at a red limit. */
    public static boolean anyRed(Reading reading) {
        return reading.observations().stream().anyMatch(o -> isRed(o.type(), o.value()));
    }
}
