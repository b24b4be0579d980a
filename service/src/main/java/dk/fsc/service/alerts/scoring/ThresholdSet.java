package dk.fsc.service.alerts.scoring;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.RedLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits per measurement type: a programme's defaults with a patient's overrides on top.
 * The COPD defaults follow docs/early-warning.md: SpO2 by NEWS2 scale 1 (red ≤ 91, yellow ≤ 93),
 * or scale 2 (red ≤ 85, yellow ≤ 87) for a patient with a prescribed 88–92 % target; pulse,
 * systolic pressure, respiration and temperature at the edges of the TOBS bands; the CAT total by
 * its impact bands and its change from the patient's baseline (docs/early-warning.md). The red limits
 * (scale 1) are {@link RedLimits}, kept once for this and for the gateway's urgent queue.
 */
public final class ThresholdSet {
    private final Map<String, Limits> limits;

    private ThresholdSet(Map<String, Limits> limits) {
        this.limits = Map.copyOf(limits);
    }

    public static ThresholdSet copdDefaults(boolean prescribedSpo2Target88To92) {
        Map<String, Limits> m = new HashMap<>();
        m.put("spo2", prescribedSpo2Target88To92 ? Limits.low(87, 85) : withRed(ObservationType.SPO2, null, 93.0));
        m.put("pulse", withRed(ObservationType.PULSE, 110.0, 49.0));
        m.put("systolic_bp", withRed(ObservationType.SYSTOLIC_BP, 180.0, 99.0));
        m.put("respiration_rate", withRed(ObservationType.RESPIRATION_RATE, 21.0, 11.0));
        m.put("temperature", withRed(ObservationType.TEMPERATURE, 38.0, 35.9));
        // CAT: a total in the very-high-impact band (31 and up) is yellow; a rise of 4 from the
        // patient's baseline (twice the smallest change a patient notices, 2 points) is yellow, 8 is red.
        m.put("cat_score", new Limits(null, 31.0, null, null));
        m.put(LimitedType.CAT_CHANGE.wireName(), new Limits(8.0, 4.0, null, null));
        return new ThresholdSet(m);
    }

    /** The programme's yellow limits for the type, with its default red limits. */
    private static Limits withRed(ObservationType type, Double yellowHigh, Double yellowLow) {
        return new Limits(RedLimits.high(type), yellowHigh, yellowLow, RedLimits.low(type));
    }

    /** This set with the given types' limits replaced (a clinician's per-patient overrides). */
    public ThresholdSet with(Map<String, Limits> overrides) {
        Map<String, Limits> m = new HashMap<>(limits);
        m.putAll(overrides);
        return new ThresholdSet(m);
    }

    public Optional<Limits> limitsFor(String type) {
        return Optional.ofNullable(limits.get(type));
    }

    /** Green when the type has no limits. */
    public Colour classify(Measurement m) {
        return limitsFor(m.type()).map(l -> l.classify(m.value())).orElse(Colour.GREEN);
    }
}
