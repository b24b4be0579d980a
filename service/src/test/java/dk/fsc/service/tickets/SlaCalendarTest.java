package dk.fsc.service.tickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.time.DanishTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class SlaCalendarTest {
    private static Instant cph(String local) {
        return LocalDateTime.parse(local).atZone(DanishTime.ZONE).toInstant();
    }

    @Test
    void businessHoursSkipEveningsWeekendsAndHolidays() {
        SlaCalendar b = SlaCalendar.BUSINESS;
        // Friday 15:00 + 2 business hours = Monday 09:00
        assertEquals(cph("2026-11-23T09:00"), b.plus(cph("2026-11-20T15:00"), 2 * 3600));
        assertEquals(2 * 3600, b.seconds(cph("2026-11-20T15:00"), cph("2026-11-23T09:00")));
        // Easter 2027 is 28 March: Thursday 25 to Monday 29 are closed; Wednesday 15:30 + 1 h = Tuesday 30 March 08:30
        assertEquals(LocalDate.of(2027, 3, 28), SlaCalendar.easterSunday(2027));
        assertEquals(cph("2027-03-30T08:30"), b.plus(cph("2027-03-24T15:30"), 3600));
        // Before opening counts from 08:00; an evening counts nothing
        assertEquals(3600, b.seconds(cph("2026-11-24T06:00"), cph("2026-11-24T09:00")));
        assertEquals(0, b.seconds(cph("2026-11-24T17:00"), cph("2026-11-24T23:00")));
        assertFalse(SlaCalendar.isWorkingDay(LocalDate.of(2026, 12, 24)));
        assertTrue(SlaCalendar.isWorkingDay(LocalDate.of(2026, 12, 23)));
    }

    @Test
    void aReferralIsAnsweredByTheCloseOfTheNextWorkingDay() {
        assertEquals(cph("2026-11-24T16:00"), SlaCalendar.endOfNextWorkingDay(cph("2026-11-23T22:30")), "Monday evening: Tuesday");
        assertEquals(cph("2026-11-30T16:00"), SlaCalendar.endOfNextWorkingDay(cph("2026-11-27T09:00")), "Friday: Monday");
        assertEquals(cph("2027-03-30T16:00"), SlaCalendar.endOfNextWorkingDay(cph("2027-03-25T10:00")),
                "Thursday before Easter 2027 (maundy Thursday 25 March is a holiday): the Tuesday after Easter Monday");
        assertEquals(cph("2026-12-28T16:00"), SlaCalendar.endOfNextWorkingDay(cph("2026-12-23T12:00")), "over Christmas");
    }

    @Test
    void aroundTheClockCountsEverySecond() {
        SlaCalendar a = SlaCalendar.ALWAYS;
        assertEquals(cph("2026-11-21T23:30"), a.plus(cph("2026-11-21T23:00"), 1800));
        assertEquals(86_400, a.seconds(cph("2026-11-21T00:00"), cph("2026-11-22T00:00")));
    }

    @Test
    void priorityFollowsUrgencyTimesImpactAndSetsTheSla() {
        assertEquals(5, Priority.of(5, 5));
        assertEquals(1, Priority.of(1, 1));
        assertEquals(3, Priority.of(3, 3));
        assertEquals("24/7", Priority.sla(5).calendar().name());
        assertEquals("business", Priority.sla(3).calendar().name());
    }

    @Test
    void pendingPausesBothClocksAndOwningStopsTheFirst() {
        Instant t0 = cph("2026-11-24T09:00");
        TicketClock clock = new TicketClock(SlaCalendar.ALWAYS, 1800, 8 * 3600, 0, 0, t0, null, null);
        TicketClock pending = clock.changed(t0.plusSeconds(600), false, false, false);
        assertEquals("paused", pending.own(t0.plusSeconds(7200), 0.2).state());
        assertEquals(600, pending.resolve(t0.plusSeconds(7200), 0.2).usedSeconds(), "no time passes while pending");
        TicketClock owned = pending.changed(t0.plusSeconds(7200), true, true, false).changed(t0.plusSeconds(7500), true, false, false);
        assertEquals("met", owned.own(t0.plusSeconds(9000), 0.2).state());
        assertEquals(600, owned.own(t0.plusSeconds(9000), 0.2).usedSeconds());
        assertEquals(600 + 1800, owned.resolve(t0.plusSeconds(9000), 0.2).usedSeconds());
        TicketClock.Reading late = new TicketClock(SlaCalendar.ALWAYS, 1800, 8 * 3600, 0, 0, t0, null, null).own(t0.plusSeconds(1500), 0.2);
        assertTrue(late.warning(), "300 s of 1800 left is less than a fifth");
        assertEquals(t0.plusSeconds(1800), late.dueAt());
        TicketClock waiting = new TicketClock(SlaCalendar.ALWAYS, 1800, 8 * 3600, 0, 0, t0, null, null).changed(t0.plusSeconds(1500), false, false, false);
        assertFalse(waiting.own(t0.plusSeconds(1600), 0.2).warning(), "a paused clock does not warn: its warning comes when it runs again");
        assertTrue(waiting.changed(t0.plusSeconds(3000), true, false, false).own(t0.plusSeconds(3001), 0.2).warning());
    }
}
