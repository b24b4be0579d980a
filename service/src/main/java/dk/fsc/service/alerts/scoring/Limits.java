package dk.fsc.service.alerts.scoring;

/**
 * A patient's four limits for one measurement type: red low < yellow low < yellow high < red
 * high. Each limit belongs to its coloured band (a value equal to the red low limit is red); a
 * null limit means no limit on that side (SpO2 has no high limits), and the limits that are given
 * must keep that order.
 */
public record Limits(Double redHigh, Double yellowHigh, Double yellowLow, Double redLow) {

    /** The limits in rising order, with the names the API gives them. */
    private static final String[] RISING = {"redLow", "yellowLow", "yellowHigh", "redHigh"};

    public Limits {
        Double[] rising = {redLow, yellowLow, yellowHigh, redHigh};
        int below = -1;
        for (int i = 0; i < rising.length; i++) {
            if (rising[i] == null) {
                continue;
            }
            if (below >= 0 && !(rising[i] > rising[below])) {
                throw new InvalidInput(RISING[i], RISING[i] + " (" + fmt(rising[i]) + ") must be above " + RISING[below] + " ("
                        + fmt(rising[below]) + "): limits rise red low < yellow low < yellow high < red high");
            }
            below = i;
        }
    }

    public static Limits low(double yellowLow, double redLow) {
        return new Limits(null, null, yellowLow, redLow);
    }

    /**
     * Limits a clinician sets for a type: at least one given, each within the range that is
     * physically plausible for a reading of the type (the gateway's range, so a limit can be
     * reached by a reading it accepts), and in rising order.
     *
     * @throws InvalidInput naming the first limit that is wrong and what to do about it
     */
    public static Limits forType(LimitedType type, Double redHigh, Double yellowHigh, Double yellowLow, Double redLow) {
        if (redHigh == null && yellowHigh == null && yellowLow == null && redLow == null) {
            throw new InvalidInput(null, "Give at least one limit (redLow, yellowLow, yellowHigh, redHigh), or reset the type to the programme default.");
        }
        Double[] rising = {redLow, yellowLow, yellowHigh, redHigh};
        for (int i = 0; i < rising.length; i++) {
            Double v = rising[i];
            if (v != null && !(v >= type.min() && v <= type.max())) { // NaN fails too
                throw new InvalidInput(RISING[i], RISING[i] + " " + fmt(v) + " is outside the plausible range of " + type.wireName()
                        + ": give a value from " + fmt(type.min()) + " to " + fmt(type.max()) + " " + type.unit());
            }
        }
        return new Limits(redHigh, yellowHigh, yellowLow, redLow);
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

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
