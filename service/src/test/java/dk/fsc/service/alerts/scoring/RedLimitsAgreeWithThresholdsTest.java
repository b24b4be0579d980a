package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.RedLimits;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The gateway puts a patient first in the evaluation queue by {@link RedLimits}; the evaluation
 * decides by the programme's default {@link ThresholdSet}, whose red limits are taken from
 * RedLimits. The two must call the same values red, over each type's whole possible range, or a
 * red patient could wait a round of the queue: this keeps a default from being written apart again.
 */
class RedLimitsAgreeWithThresholdsTest {

    @Test
    void theGatewaysRedLimitsAreTheProgrammeDefaultsRedLimits() {
        ThresholdSet defaults = ThresholdSet.copdDefaults(false);
        int checked = 0;
        for (ObservationType type : ObservationType.values()) {
            for (long tenths = Math.round(type.min() * 10); tenths <= Math.round(type.max() * 10); tenths++) {
                double value = tenths / 10.0;
                boolean red = defaults.classify(new Measurement(type.wireName(), value, Instant.EPOCH, null)) == Colour.RED;
                assertEquals(red, RedLimits.isRed(type, value), type.wireName() + " " + value);
                checked += red ? 1 : 0;
            }
        }
        assertTrue(checked > 100, "some values of the ranges are red: " + checked);
    }
}
