package dk.fsc.service.readings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** resolution=auto's rule: the finest resolution whose points fit. */
class ResolutionTest {
    @Test
    void theReadingsWhenTheyFitThenHoursThenDaysThenGroupsOfDays() {
        assertEquals(new Resolution.Choice(Resolution.RAW, 1), Resolution.choose(500, 0, 0, 365, 500), "500 readings fit in 500 points");
        assertEquals(new Resolution.Choice(Resolution.HOUR, 1), Resolution.choose(501, 500, 200, 365, 500));
        assertEquals(new Resolution.Choice(Resolution.DAY, 1), Resolution.choose(3650, 501, 365, 365, 500));
        // A year at 100 points: every day has readings, so groups of 4 days (92 points), never more than asked.
        Resolution.Choice year = Resolution.choose(3650, 3650, 365, 366, 100);
        assertEquals(new Resolution.Choice(Resolution.DAY, 4), year);
        assertEquals(92, (366 + year.daysPerPoint() - 1) / year.daysPerPoint());
        assertEquals(new Resolution.Choice(Resolution.DAY, 3650), Resolution.choose(10_000, 9_000, 3650, 3650, 1), "one point for ten years");
    }

    @Test
    void aRangeTouchesTheDanishDaysItOverlaps() {
        // 23:30 UTC on 1 March is 00:30 on 2 March in Denmark: the range touches 2 and 3 March.
        assertEquals(2, Resolution.daysTouched(Instant.parse("2026-03-01T23:30:00Z"), Instant.parse("2026-03-03T12:00:00Z")));
        assertEquals(1, Resolution.daysTouched(Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T10:00:01Z")));
        // Across the change to summer time (29 March 2026 has 23 hours): 28, 29 and 30 March.
        assertEquals(3, Resolution.daysTouched(Instant.parse("2026-03-28T12:00:00Z"), Instant.parse("2026-03-30T12:00:00Z")));
    }

    @Test
    void onlyTheThreeStoredResolutionsHaveNames() {
        assertEquals(Resolution.HOUR, Resolution.fromWire("hour").orElseThrow());
        assertEquals(java.util.Optional.empty(), Resolution.fromWire("auto"));
        assertEquals(java.util.Optional.empty(), Resolution.fromWire("HOUR"));
    }
}
