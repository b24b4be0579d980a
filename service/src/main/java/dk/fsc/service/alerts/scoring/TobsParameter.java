package dk.fsc.service.alerts.scoring;

/**
 * The five TOBS parameters and their bands (docs/early-warning.md). Bands are half-open intervals
 * on the measured value, which closes the gaps the published tables leave: a whole number on a
 * gap (8, 25, 39, 130, 69, 200) falls into the more extreme band, and a temperature of 40.0 scores 3.
 */
public enum TobsParameter {
    /** Beats per minute: ≤39 → 2, 40–49 → 1, 50–89 → 0, 90–109 → 1, 110–129 → 2, ≥130 → 3. */
    PULSE("pulse") {
        @Override
        int points(double v) {
            if (v < 40) {
                return 2;
            }
            if (v < 50) {
                return 1;
            }
            if (v < 90) {
                return 0;
            }
            if (v < 110) {
                return 1;
            }
            return v < 130 ? 2 : 3;
        }
    },
    /** Breaths per minute: ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3. */
    RESPIRATION_RATE("respiration_rate") {
        @Override
        int points(double v) {
            if (v < 9) {
                return 3;
            }
            if (v < 12) {
                return 1;
            }
            if (v < 21) {
                return 0;
            }
            return v < 25 ? 2 : 3;
        }
    },
    /** Systolic mmHg: ≤69 → 3, 70–79 → 2, 80–99 → 1, 100–199 → 0, ≥200 → 2. */
    SYSTOLIC_BP("systolic_bp") {
        @Override
        int points(double v) {
            if (v < 70) {
                return 3;
            }
            if (v < 80) {
                return 2;
            }
            if (v < 100) {
                return 1;
            }
            return v < 200 ? 0 : 2;
        }
    },
    /** °C after site correction: <34.0 → 3, [34, 36) → 2, [36, 38) → 0, [38, 39) → 1, [39, 40) → 2, ≥40 → 3. */
    TEMPERATURE("temperature") {
        @Override
        int points(double v) {
            if (v < 34) {
                return 3;
            }
            if (v < 36) {
                return 2;
            }
            if (v < 38) {
                return 0;
            }
            if (v < 39) {
                return 1;
            }
            return v < 40 ? 2 : 3;
        }
    },
    /**
     * TOBS coding: 0 habitual, 1 responds only to speech or is agitated, 2 responds only to pain,
     * 3 no response. The code is the points.
     */
    CONSCIOUSNESS("consciousness") {
        @Override
        int points(double v) {
            return (int) Math.max(0, Math.min(3, Math.round(v)));
        }
    };

    private final String type;

    TobsParameter(String type) {
        this.type = type;
    }

    /** Points 0–3 for a value in the stored unit (temperature already corrected to rectal). */
    abstract int points(double value);

    /** The observation type this parameter is read from. */
    public String type() {
        return type;
    }
}
