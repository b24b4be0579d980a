package dk.fsc.service.alerts.scoring;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits per measurement type: a programme's defaults with a patient's overrides on top.
 * The COPD defaults follow docs/early-warning.md: SpO2 by NEWS2 scale 1 (red ≤ 91, yellow ≤ 93),
 * or scale 2 (red ≤ 85, yellow ≤ 87) for a patient with a prescribed 88–92 % target; pulse,
 * systolic pressure, respiration and temperature at the edges of the TOBS bands.
 */
public final class ThresholdSet {
    private final Map<String, Limits> limits;

    private ThresholdSet(Map<String, Limits> limits) {
        this.limits = Map.copyOf(limits);
    }

    public static ThresholdSet copdDefaults(boolean prescribedSpo2Target88To92) {
        Map<String, Limits> m = new HashMap<>();
        m.put("spo2", prescribedSpo2Target88To92 ? Limits.low(87, 85) : Limits.low(93, 91));
        m.put("pulse", new Limits(130.0, 110.0, 49.0, 39.0));
        m.put("systolic_bp", new Limits(200.0, 180.0, 99.0, 79.0));
        m.put("respiration_rate", new Limits(25.0, 21.0, 11.0, 8.0));
        m.put("temperature", new Limits(40.0, 38.0, 35.9, 33.9));
        return new ThresholdSet(m);
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
