package dk.fsc.service.console.nurse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pure parts of the chart: the range chosen for an alert's moment, JSON safe in a script element (the reduction: ResolutionTest). */
class ChartReductionTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void withoutARangeTheShortestThatShowsTheAlertsMomentIsChosen() {
        assertEquals(ChartRange.WEEK, ChartRange.choose(null, null, NOW));
        assertEquals(ChartRange.WEEK, ChartRange.choose(null, NOW.minus(Duration.ofDays(2)), NOW));
        assertEquals(ChartRange.MONTH, ChartRange.choose(null, NOW.minus(Duration.ofDays(8)), NOW));
        assertEquals(ChartRange.QUARTER, ChartRange.choose(null, NOW.minus(Duration.ofDays(31)), NOW));
        assertEquals(ChartRange.YEAR, ChartRange.choose(null, NOW.minus(Duration.ofDays(500)), NOW));
        assertEquals(ChartRange.MONTH, ChartRange.choose("30d", NOW.minus(Duration.ofDays(100)), NOW), "the range asked for wins");
        assertEquals(ChartRange.WEEK, ChartRange.choose("5y", null, NOW), "an unknown range: the default");
    }

    @Test
    void jsonCannotCloseItsScriptElement() {
        assertEquals("{\"s\":\"\\u003c/script\\u003e\\u0026\"}", ChartData.scriptSafe("{\"s\":\"</script>&\"}"));
    }
}
