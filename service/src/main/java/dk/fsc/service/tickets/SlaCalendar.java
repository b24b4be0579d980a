package dk.fsc.service.tickets;

import dk.fsc.service.platform.time.DanishTime;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;

/**
 * The clock an SLA runs on: around the clock, or FSC's business hours (Monday to Friday 08:00 to
 * 16:00, Danish time, not on Danish public holidays). Counts the seconds of a period that fall in
 * the calendar, and finds the moment a number of calendar seconds after a start.
 */
public final class SlaCalendar {
    public static final SlaCalendar ALWAYS = new SlaCalendar(true);
    public static final SlaCalendar BUSINESS = new SlaCalendar(false);
    static final LocalTime OPENS = LocalTime.of(8, 0);
    static final LocalTime CLOSES = LocalTime.of(16, 0);
    private final boolean always;

    private SlaCalendar(boolean always) {
        this.always = always;
    }

    public static SlaCalendar named(String name) {
        return switch (name) {
            case "24/7" -> ALWAYS;
            case "business" -> BUSINESS;
            default -> throw new IllegalArgumentException("calendar must be business or 24/7");
        };
    }

    public String name() {
        return always ? "24/7" : "business";
    }

    /** Seconds of [from, to) inside the calendar. */
    public long seconds(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return 0;
        }
        if (always) {
            return Duration.between(from, to).getSeconds();
        }
        long total = 0;
        LocalDate day = from.atZone(DanishTime.ZONE).toLocalDate();
        LocalDate last = to.atZone(DanishTime.ZONE).toLocalDate();
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            Instant open = day.atTime(OPENS).atZone(DanishTime.ZONE).toInstant();
            Instant close = day.atTime(CLOSES).atZone(DanishTime.ZONE).toInstant();
            Instant a = from.isAfter(open) ? from : open;
            Instant b = to.isBefore(close) ? to : close;
            if (b.isAfter(a)) {
                total += Duration.between(a, b).getSeconds();
            }
        }
        return total;
    }

    /** The moment {@code seconds} calendar seconds after {@code from}. */
    public Instant plus(Instant from, long seconds) {
        if (always) {
            return from.plusSeconds(seconds);
        }
        long left = seconds;
        ZonedDateTime t = from.atZone(DanishTime.ZONE);
        for (int guard = 0; guard < 20_000; guard++) {
            LocalDate day = t.toLocalDate();
            ZonedDateTime open = day.atTime(OPENS).atZone(DanishTime.ZONE);
            ZonedDateTime close = day.atTime(CLOSES).atZone(DanishTime.ZONE);
            if (isWorkingDay(day) && t.isBefore(close)) {
                ZonedDateTime start = t.isBefore(open) ? open : t;
                long available = Duration.between(start, close).getSeconds();
                if (left <= available) {
                    return start.plusSeconds(left).toInstant();
                }
                left -= available;
            }
            t = day.plusDays(1).atStartOfDay(DanishTime.ZONE);
        }
        throw new IllegalArgumentException("more than fifty years of business hours");
    }

    /**
     * The close of business (16:00 Danish time) of the first working day after the day of
     * {@code from}: when a hospital's answer to a referral made at {@code from} is due ("by the
     * next working day"). A referral on Friday is due Monday; before Easter, the Tuesday after.
     */
    public static Instant endOfNextWorkingDay(Instant from) {
        LocalDate day = from.atZone(DanishTime.ZONE).toLocalDate().plusDays(1);
        while (!isWorkingDay(day)) {
            day = day.plusDays(1);
        }
        return day.atTime(CLOSES).atZone(DanishTime.ZONE).toInstant();
    }

    static boolean isWorkingDay(LocalDate day) {
        DayOfWeek dow = day.getDayOfWeek();
        return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY && !holidays(day.getYear()).contains(day);
    }

    /** Danish public holidays (helligdage) and the days FSC is closed by agreement (24 and 31 December, 5 June). */
    static Set<LocalDate> holidays(int year) {
        LocalDate easter = easterSunday(year);
        Set<LocalDate> days = new HashSet<>(Set.of(
                LocalDate.of(year, 1, 1), easter.minusDays(3), easter.minusDays(2), easter.plusDays(1),
                easter.plusDays(39), easter.plusDays(50), LocalDate.of(year, 6, 5),
                LocalDate.of(year, 12, 24), LocalDate.of(year, 12, 25), LocalDate.of(year, 12, 26), LocalDate.of(year, 12, 31)));
        if (year < 2024) {
            days.add(easter.plusDays(26)); // store bededag, abolished from 2024
        }
        return days;
    }

    /** Gregorian Easter Sunday (anonymous Gregorian algorithm). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = ((h + l - 7 * m + 114) % 31) + 1;
        return LocalDate.of(year, month, day);
    }
}
