package dk.fsc.service.console.nurse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.readings.ReadingStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pure parts of the chart: bucket widths, the range chosen for an alert's moment, JSON safe in a script element. */
class ChartReductionTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void aYearSplitsIntoAtMostTheBucketsAskedFor() {
        Instant from = NOW.minus(Duration.ofDays(365));
        long width = ReadingStore.bucketSeconds(from, NOW, 400);
        assertEquals(78_840, width); // 365 days / 400, rounded up to whole seconds
        assertTrue((Duration.between(from, NOW).toSeconds() - 1) / width < 400, "a reading just before the end (exclusive) is in bucket 399 at most");
        assertEquals(1, ReadingStore.bucketSeconds(NOW, NOW, 400), "never a zero width");
        assertEquals(2, ReadingStore.bucketSeconds(NOW, NOW.plusSeconds(401), 400), "rounded up, so no 401st bucket");
    }

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
