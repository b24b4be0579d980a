package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ThresholdSetTest {

    @ParameterizedTest(name = "SpO2 {0} on scale 1 is {1}")
    @CsvSource({"97, GREEN", "94, GREEN", "93, YELLOW", "92, YELLOW", "91, RED", "85, RED"})
    void spo2ByNews2Scale1(double value, Colour colour) {
        assertEquals(colour, ThresholdSet.copdDefaults(false).classify(new Measurement("spo2", value, Instant.EPOCH)));
    }

    @ParameterizedTest(name = "SpO2 {0} on scale 2 is {1}")
    @CsvSource({"92, GREEN", "88, GREEN", "87, YELLOW", "86, YELLOW", "85, RED", "80, RED"})
    void spo2ByNews2Scale2ForAPrescribedTarget(double value, Colour colour) {
        assertEquals(colour, ThresholdSet.copdDefaults(true).classify(new Measurement("spo2", value, Instant.EPOCH)));
    }

    @Test
    void aClinicianOverrideReplacesTheProgrammeDefault() {
        ThresholdSet patient = ThresholdSet.copdDefaults(false).with(Map.of("spo2", Limits.low(90, 88)));
        assertEquals(Colour.GREEN, patient.classify(new Measurement("spo2", 92, Instant.EPOCH)));
        assertEquals(Colour.RED, patient.classify(new Measurement("spo2", 88, Instant.EPOCH)));
    }

    @Test
    void limitsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(100.0, 110.0, 50.0, 40.0));
        assertThrows(IllegalArgumentException.class, () -> Limits.low(88, 90));
        assertThrows(IllegalArgumentException.class, () -> Limits.low(90, 90));
    }

    @Test
    void aTypeWithoutLimitsIsGreen() {
        assertEquals(Colour.GREEN, ThresholdSet.copdDefaults(false).classify(new Measurement("fev1", 0.5, Instant.EPOCH)));
    }
}
