package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every band edge of docs/early-warning.md, including the values the published tables leave open. */
class TobsParameterTest {

    @ParameterizedTest(name = "pulse {0} scores {1}")
    @CsvSource({"20, 2", "38, 2", "39, 2", "39.5, 2", "40, 1", "49, 1", "50, 0", "89, 0", "90, 1", "109, 1",
            "110, 2", "129, 2", "130, 3", "200, 3"})
    void pulse(double value, int points) {
        assertEquals(points, TobsParameter.PULSE.points(value));
    }

    @ParameterizedTest(name = "respiration {0} scores {1}")
    @CsvSource({"4, 3", "8, 3", "9, 1", "11, 1", "12, 0", "20, 0", "21, 2", "24, 2", "25, 3", "40, 3"})
    void respirationRate(double value, int points) {
        assertEquals(points, TobsParameter.RESPIRATION_RATE.points(value));
    }

    @ParameterizedTest(name = "systolic {0} scores {1}")
    @CsvSource({"50, 3", "69, 3", "70, 2", "79, 2", "80, 1", "99, 1", "100, 0", "199, 0", "200, 2", "260, 2"})
    void systolicPressure(double value, int points) {
        assertEquals(points, TobsParameter.SYSTOLIC_BP.points(value));
    }

    @ParameterizedTest(name = "temperature {0} scores {1}")
    @CsvSource({"32.0, 3", "33.9, 3", "34.0, 2", "35.9, 2", "36.0, 0", "37.9, 0", "38.0, 1", "38.9, 1",
            "39.0, 2", "39.9, 2", "40.0, 3", "41.5, 3"})
    void temperature(double value, int points) {
        assertEquals(points, TobsParameter.TEMPERATURE.points(value));
    }

    @ParameterizedTest(name = "consciousness code {0} scores {1}")
    @CsvSource({"0, 0", "1, 1", "2, 2", "3, 3"})
    void consciousness(double code, int points) {
        assertEquals(points, TobsParameter.CONSCIOUSNESS.points(code));
    }
}
