package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverallColourTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void aRedSpo2MakesTheStateRedWhileTobsIsGreen() {
        // given SpO2 88 % (red by the programme's limits) and a normal pulse: TOBS has no SpO2 item
        List<Measurement> values = List.of(new Measurement("spo2", 88, NOW.minusSeconds(60)),
                new Measurement("pulse", 70, NOW.minusSeconds(60)));
        TobsScore tobs = new TobsCalculator(Duration.ofHours(24), ResponsePolicy.DEFAULT).score(values, NOW);
        Colour spo2 = ThresholdSet.copdDefaults(false).classify(values.get(0));

        // when
        Colour overall = OverallColour.of(tobs.colour(), List.of(spo2), false);

        // then
        assertEquals(Colour.GREEN, tobs.colour());
        assertEquals(Colour.RED, spo2);
        assertEquals(Colour.RED, overall);
    }

    @Test
    void isNeverMilderThanTheWorstPart() {
        for (Colour tobs : Colour.values()) {
            for (Colour threshold : Colour.values()) {
                for (boolean gain : new boolean[] {false, true}) {
                    Colour overall = OverallColour.of(tobs, List.of(Colour.GREEN, threshold), gain);
                    Colour worst = tobs.worst(threshold).worst(gain ? Colour.YELLOW : Colour.GREEN);
                    assertEquals(worst, overall, tobs + " " + threshold + " " + gain);
                }
            }
        }
    }

    @Test
    void aWeightGainAloneIsYellow() {
        assertEquals(Colour.YELLOW, OverallColour.of(Colour.GREEN, List.of(), true));
    }

    @Test
    void aRedTobsStaysRedWhenTheLimitsAreGreen() {
        assertEquals(Colour.RED, OverallColour.of(Colour.RED, List.of(Colour.GREEN, Colour.YELLOW), false));
    }
}
