package dk.fsc.service.alerts.scoring;

/**
 * Where a temperature was taken, and what to add to compare it with the rectal reference the
 * TOBS bands use: oral +0.5 °C, axillary +1.0 °C. Ear and an unknown site are taken as they
 * are (decision in docs/early-warning.md).
 */
public enum TemperatureSite {
    RECTAL(0.0), ORAL(0.5), AXILLARY(1.0), EAR(0.0), UNKNOWN(0.0);

    private final double correction;

    TemperatureSite(double correction) {
        this.correction = correction;
    }

    public double toRectal(double celsius) {
        return celsius + correction;
    }

    public static TemperatureSite of(String site) {
        if (site == null) {
            return UNKNOWN;
        }
        return switch (site) {
            case "rectal" -> RECTAL;
            case "oral" -> ORAL;
            case "axillary" -> AXILLARY;
            case "ear" -> EAR;
            default -> UNKNOWN;
        };
    }
}
