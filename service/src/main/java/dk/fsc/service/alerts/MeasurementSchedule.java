package dk.fsc.service.alerts;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * The measurement schedules (national COPD programme): {@code copd_standard} asks for two
 * measurements a day for the first 14 days, then two a week; {@code weekly} one a week. A day
 * ends at 23:59 local time, a week on Sunday at 23:59.
 */
final class MeasurementSchedule {
    private MeasurementSchedule() {
    }

    /** One schedule period: measurements taken in [start, end) must be at least {@code required}. */
    record Period(Instant start, Instant end, int required, String label, String deadlineText) {
    }

    /** The newest period that has ended by {@code now} and began after monitoring started. */
    static Optional<Period> lastCompletedPeriod(String schedule, Instant startedAt, Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate firstDay = startedAt.atZone(zone).toLocalDate();
        Period period;
        if (schedule.equals("copd_standard") && today.minusDays(1).isBefore(firstDay.plusDays(14))) {
            LocalDate day = today.minusDays(1);
            period = new Period(start(day, zone), start(day.plusDays(1), zone), 2, "on " + day, day + " 23:59");
        } else if (schedule.equals("copd_standard") || schedule.equals("weekly")) {
            LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
            int required = schedule.equals("weekly") ? 1 : 2;
            period = new Period(start(monday, zone), start(monday.plusWeeks(1), zone), required,
                    "in the week of " + monday.format(DateTimeFormatter.ISO_LOCAL_DATE), monday.plusDays(6) + " 23:59");
        } else {
            return Optional.empty();
        }
        // A period that began before monitoring started is not the patient's to miss.
        return period.start().isBefore(start(firstDay, zone)) ? Optional.empty() : Optional.of(period);
    }

    private static Instant start(LocalDate day, ZoneId zone) {
        return ZonedDateTime.of(day.atStartOfDay(), zone).toInstant();
    }
}
