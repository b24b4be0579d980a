package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What pause of monitoring may be registered (security review, finding 11). */
class MonitoringPauseTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static InvalidInput refused(Instant from, Instant to) {
        return assertThrows(InvalidInput.class, () -> MonitoringPause.register(from, to, NOW));
    }

    @Test
    void rejectsAPauseOfAHundredYears() {
        InvalidInput e = refused(NOW, NOW.plus(Duration.ofDays(36525)));
        assertEquals("to", e.field());
        assertTrue(e.getMessage().contains("at most 90 days"), e.getMessage());
    }

    @Test
    void acceptsAPauseOfNinetyDaysAndNotOneSecondMore() {
        assertEquals(Duration.ofDays(90), MonitoringPause.register(NOW, NOW.plus(Duration.ofDays(90)), NOW).length());
        refused(NOW, NOW.plus(Duration.ofDays(90)).plusSeconds(1));
    }

    @Test
    void rejectsAPauseThatEndsBeforeItStarts() {
        assertEquals("to", refused(NOW.plusSeconds(3600), NOW.plusSeconds(60)).field());
        assertEquals("to", refused(NOW.plusSeconds(60), NOW.plusSeconds(60)).field());
    }

    @Test
    void rejectsAPauseThatIsOverAlready() {
        InvalidInput e = refused(NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(1)));
        assertEquals("to", e.field());
        assertTrue(e.getMessage().contains("in the past"), e.getMessage());
    }

    @Test
    void acceptsAnAdmissionRegisteredAfterTheWeekendButNotAMonthLate() {
        MonitoringPause.register(NOW.minus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(2)), NOW);
        assertEquals("from", refused(NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(2))).field());
    }

    @Test
    void rejectsAPauseStartingMoreThanAYearAhead() {
        assertEquals("from", refused(NOW.plus(Duration.ofDays(400)), NOW.plus(Duration.ofDays(401))).field());
    }

    @Test
    void aPauseOfMoreThanTwoWeeksIsLong() {
        assertFalse(new MonitoringPause(NOW, NOW.plus(Duration.ofDays(14))).isLong());
        assertTrue(new MonitoringPause(NOW, NOW.plus(Duration.ofDays(15))).isLong());
    }
}
