package dk.fsc.service.alerts.scoring;

import java.util.Collection;

/**
 * The one colour staff are shown for a patient's early-warning state: the worst of its parts
 * (the TOBS colour, each newest value's colour under the patient's limits, and a weight gain,
 * which is yellow). A summary is never milder than anything it summarises: TOBS has no SpO2 item,
 * so a red SpO2 with an otherwise green TOBS is red.
 */
public final class OverallColour {
    private OverallColour() {
    }

    /**
     * @param tobs            the TOBS result's colour under the organisation's policy
     * @param thresholdStates the colour of each type's newest value under the patient's limits
     * @param weightGain      whether the weight trend found a gain (a yellow finding)
     */
    public static Colour of(Colour tobs, Collection<Colour> thresholdStates, boolean weightGain) {
        Colour worst = tobs;
        for (Colour state : thresholdStates) {
            worst = worst.worst(state);
        }
        return weightGain ? worst.worst(Colour.YELLOW) : worst;
    }
}
