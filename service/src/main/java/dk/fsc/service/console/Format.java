package dk.fsc.service.console;

import dk.fsc.service.platform.time.DanishTime;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Dates, times and numbers as the page's reader expects them: Europe/Copenhagen time, and the
 * page's language for month names and the decimal separator (a comma in Danish). Handed to every
 * template as {@code fmt}. One instance serves one request (it keeps a number format, not thread-safe).
 */
public final class Format {
    private final Locale locale;
    private final Instant now;
    private final DateTimeFormatter dateTime;
    private final DateTimeFormatter date;
    private final DateTimeFormatter time;
    private DateTimeFormatter weekday;
    private NumberFormat numbers;

    public Format(Locale locale, Instant now) {
        this.locale = locale;
        this.now = now;
        this.dateTime = DateTimeFormatter.ofPattern("d. MMM yyyy HH:mm", locale).withZone(DanishTime.ZONE);
        this.date = DateTimeFormatter.ofPattern("d. MMM yyyy", locale).withZone(DanishTime.ZONE);
        this.time = DateTimeFormatter.ofPattern("HH:mm", locale).withZone(DanishTime.ZONE);
    }

    public Locale locale() {
        return locale;
    }

    public String language() {
        return locale.getLanguage();
    }

    /** "2. dec. 2026 14:05"; today only "14:05". */
    public String when(Instant at) {
        if (at == null) {
            return "";
        }
        boolean today = ZonedDateTime.ofInstant(at, DanishTime.ZONE).toLocalDate().equals(ZonedDateTime.ofInstant(now, DanishTime.ZONE).toLocalDate());
        return today ? time.format(at) : dateTime.format(at);
    }

    public String dateTime(Instant at) {
        return at == null ? "" : dateTime.format(at);
    }

    public String date(Instant at) {
        return at == null ? "" : date.format(at);
    }

    /** A calendar day with its weekday: "onsdag 2. dec. 2026". */
    public String day(LocalDate day) {
        if (weekday == null) {
            weekday = DateTimeFormatter.ofPattern("EEEE d. MMM yyyy", locale);
        }
        return day == null ? "" : weekday.format(day);
    }

    /** Whole days from this day to today in Copenhagen (positive when it has passed). */
    public long daysAgo(LocalDate day) {
        return day == null ? 0 : java.time.temporal.ChronoUnit.DAYS.between(day, now.atZone(DanishTime.ZONE).toLocalDate());
    }

    /** The ISO instant, for a {@code <time datetime>} attribute. */
    public String iso(Instant at) {
        return at == null ? "" : at.toString();
    }

    /** How long ago, shortest unit: "4 min", "3 t", "2 d" (the units come from the page's texts). */
    public long minutesSince(Instant at) {
        return at == null ? 0 : Math.max(0, Duration.between(at, now).toMinutes());
    }

    /**
     * A time left as a countdown reads it, by the message of its unit and its two numbers (the
     * second with two digits): {@code clock.left.hours} "1 t 05 min" from an hour up,
     * {@code clock.left.minutes} "4 min 07 s" under it. public/js/clocks.js counts down with the
     * same two messages, which the page hands it.
     */
    public record Countdown(String key, String whole, String part) {
    }

    public Countdown countdown(long seconds) {
        long s = Math.max(0, seconds);
        return s >= 3600 ? new Countdown("clock.left.hours", String.valueOf(s / 3600), String.format(Locale.ROOT, "%02d", s % 3600 / 60))
                : new Countdown("clock.left.minutes", String.valueOf(s / 60), String.format(Locale.ROOT, "%02d", s % 60));
    }

    /** Seconds from now until {@code at} (negative when past); 0 without a moment. */
    public long secondsUntil(Instant at) {
        return at == null ? 0 : Duration.between(now, at).getSeconds();
    }

    /** A measured value with as many decimals as it has (up to two), in the page's language. */
    public String number(Double value) {
        if (value == null) {
            return "";
        }
        if (numbers == null) { // one per page (a Format serves one request, on one thread): a page formats hundreds
            numbers = NumberFormat.getNumberInstance(locale);
            numbers.setMaximumFractionDigits(2);
            numbers.setGroupingUsed(false);
        }
        return numbers.format(value);
    }

    public String number(Number value) {
        return value == null ? "" : number(value.doubleValue());
    }
}
