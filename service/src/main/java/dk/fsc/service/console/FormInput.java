package dk.fsc.service.console;

import dk.fsc.service.platform.time.DanishTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * What people type into the console's forms: numbers with a decimal comma (Danish) or point, and
 * local times of a {@code datetime-local} field, which are Europe/Copenhagen time.
 */
public final class FormInput {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+([.,]\\d*)?|[.,]\\d+)");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    private FormInput() {
    }

    /**
     * A number typed as "36,8" or "36.8" (clinical values never need a thousands separator, so
     * either mark is the decimal one); null when blank.
     *
     * @throws NumberFormatException for anything else
     */
    public static Double number(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.strip().replace('\u2212', '-');
        if (!NUMBER.matcher(s).matches()) {
            throw new NumberFormatException(text);
        }
        return Double.parseDouble(s.replace(',', '.'));
    }

    /**
     * The instant of a {@code datetime-local} value ("2026-12-02T14:05", seconds allowed) read as
     * Copenhagen time (a time in the spring-forward gap moves on by the gap); null when blank.
     *
     * @throws DateTimeParseException when it is not such a value
     */
    public static Instant localTime(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return ZonedDateTime.of(LocalDateTime.parse(text.strip()), DanishTime.ZONE).toInstant();
    }

    /** The value for a {@code datetime-local} field showing this instant in Copenhagen time. */
    public static String localValue(Instant at) {
        return at == null ? "" : LOCAL.format(at.atZone(DanishTime.ZONE));
    }

    public static String text(java.util.Map<String, String> form, String name) {
        String v = form.get(name);
        return v == null ? "" : v.strip();
    }
}
