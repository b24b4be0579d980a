package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightTrendTest {
    private static final Instant DAY0 = Instant.parse("2026-11-01T08:00:00Z");
    private final WeightTrend trend = new WeightTrend(2.0, Duration.ofDays(3));

    @Test
    void findsAGainOfMoreThanTwoKilosWithinThreeDays() {
        var gain = trend.findGain(List.of(w(0, 80.0), w(1, 81.0), w(3, 82.1)));
        assertTrue(gain.isPresent());
        assertEquals(2.1, gain.get().kg(), 1e-9);
    }

    @Test
    void exactlyTwoKilosIsNotMoreThanTwo() {
        assertTrue(trend.findGain(List.of(w(0, 80.0), w(2, 82.0))).isEmpty());
    }

    @Test
    void aGainSpreadOverMoreThanThreeDaysDoesNotCount() {
        assertTrue(trend.findGain(List.of(w(0, 80.0), w(4, 83.0))).isEmpty());
    }

    private static Measurement w(int day, double kg) {
        return new Measurement("weight", kg, DAY0.plus(Duration.ofDays(day)));
    }
}
