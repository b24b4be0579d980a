package dk.fsc.service.alerts.scoring;

/**
 * How an organisation turns a TOBS result into a colour. The default follows the decision in
 * docs/early-warning.md: total 0 green, 1–2 yellow, 3 or more red, and red whenever a single
 * parameter scores 3. The policy in force is stored with each alert.
 *
 * @param name             a label that identifies this policy version on alerts
 * @param yellowFromTotal  lowest total that is yellow
 * @param redFromTotal     lowest total that is red
 * @param redOnSingleThree whether one parameter scoring 3 makes the result red
 */
public record ResponsePolicy(String name, int yellowFromTotal, int redFromTotal, boolean redOnSingleThree) {

    public static final ResponsePolicy DEFAULT = new ResponsePolicy("fsc-default-v1", 1, 3, true);

    public ResponsePolicy {
        if (yellowFromTotal < 1 || redFromTotal < yellowFromTotal || redFromTotal > 15) {
            throw new IllegalArgumentException("need 1 <= yellowFromTotal <= redFromTotal <= 15");
        }
    }

    public Colour colour(int total, int highestSinglePoints) {
        if (total >= redFromTotal || (redOnSingleThree && highestSinglePoints >= 3)) {
            return Colour.RED;
        }
        return total >= yellowFromTotal ? Colour.YELLOW : Colour.GREEN;
    }
}
