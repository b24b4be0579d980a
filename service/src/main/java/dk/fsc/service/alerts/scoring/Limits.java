package dk.fsc.service.alerts.scoring;

/**
 * A patient's four limits for one measurement type: red high > yellow high > yellow low > red
 * low. Each limit belongs to its coloured band (a value equal to the red low limit is red); a
 * null limit means no limit on that side (SpO2 has no high limits).
 */
public record Limits(Double redHigh, Double yellowHigh, Double yellowLow, Double redLow) {

    public Limits {
        double[] ordered = {val(redHigh, Double.POSITIVE_INFINITY), val(yellowHigh, Double.POSITIVE_INFINITY),
                val(yellowLow, Double.NEGATIVE_INFINITY), val(redLow, Double.NEGATIVE_INFINITY)};
        if (!(ordered[0] >= ordered[1] && ordered[1] > ordered[2] && ordered[2] >= ordered[3])) {
            throw new IllegalArgumentException("limits must satisfy red high > yellow high > yellow low > red low");
        }
        if (redHigh != null && yellowHigh != null && redHigh.equals(yellowHigh)
                || redLow != null && yellowLow != null && redLow.equals(yellowLow)) {
            throw new IllegalArgumentException("a red limit must be beyond its yellow limit");
        }
    }

    public static Limits low(double yellowLow, double redLow) {
        return new Limits(null, null, yellowLow, redLow);
    }

    public Colour classify(double value) {
        if (redHigh != null && value >= redHigh || redLow != null && value <= redLow) {
            return Colour.RED;
        }
        if (yellowHigh != null && value >= yellowHigh || yellowLow != null && value <= yellowLow) {
            return Colour.YELLOW;
        }
        return Colour.GREEN;
    }

    private static double val(Double d, double fallback) {
        return d == null ? fallback : d;
    }
}
