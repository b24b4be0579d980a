package dk.fsc.service.fhir;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.readings.ReadingStore;
import dk.fsc.service.readings.ReadingStore.PageKey;
import io.micronaut.core.annotation.Nullable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An Observation search as asked: {@code patient} (or {@code subject}), {@code code}, {@code date}
 * (repeatable, with prefixes eq, ge, gt, le, lt; a date without a time is a day in Danish time),
 * {@code _count}, {@code _sort} ({@code -date}, the default, or {@code date}) and the opaque
 * {@code _cursor} of a {@code next} link. Any other parameter is refused rather than ignored, so a
 * filter the caller believes applied never silently widens what is shown.
 */
record ObservationQuery(UUID patientId, @Nullable String code, List<String> types, List<String> dates, Instant from, Instant to,
                        boolean newestFirst, int count, @Nullable PageKey after) {
    static final int DEFAULT_COUNT = 50;
    static final int MAX_COUNT = 1000;
    /** Besides patient and subject. */
    static final Set<String> PARAMETERS = Set.of("code", "date", "_count", "_sort", "_cursor", "_format");
    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9000-01-01T00:00:00Z");

    static ObservationQuery parse(Map<String, List<String>> parameters) {
        UUID patientId = patientOf(parameters, "Observation", PARAMETERS);
        String code = single(parameters, "code");
        List<String> types = code == null || ObservationCodes.isWoundPanel(code) ? List.of() : ObservationCodes.typesSearchedFor(code);
        List<String> dates = parameters.getOrDefault("date", List.of());
        Instant from = EARLIEST;
        Instant to = LATEST;
        for (String date : dates) {
            Instant[] range = range(date);
            from = range[0].isAfter(from) ? range[0] : from;
            to = range[1].isBefore(to) ? range[1] : to;
        }
        int count = count(single(parameters, "_count"), DEFAULT_COUNT);
        String sort = single(parameters, "_sort");
        boolean newestFirst = true;
        if (sort != null) {
            switch (sort.strip()) {
                case "-date" -> newestFirst = true;
                case "date" -> newestFirst = false;
                default -> throw Refusal.invalid("_sort '" + sort + "' is not supported; use -date (newest first, the default) or date");
            }
        }
        return new ObservationQuery(patientId, code, types, List.copyOf(dates), from, to, newestFirst, count,
                after(single(parameters, "_cursor")));
    }

    /** $everything's parameters ({@code _count}, {@code _cursor}, {@code _format}): all of a patient's readings, oldest first, in pages. */
    static ObservationQuery everything(UUID patientId, Map<String, List<String>> parameters) {
        for (String name : parameters.keySet()) {
            if (!Set.of("_count", "_cursor", "_format").contains(name)) {
                throw Refusal.invalid("Parameter '" + name + "' is not supported for $everything; supported: _count, _format (docs/fhir.md)");
            }
        }
        return new ObservationQuery(patientId, null, List.of(), List.of(), EARLIEST, LATEST, false,
                count(single(parameters, "_count"), DEFAULT_COUNT), after(single(parameters, "_cursor")));
    }

    /** The query string of a page of $everything: this one, or the one after {@code next}. */
    String everythingQuery(@Nullable PageKey next) {
        PageKey page = next != null ? next : after;
        return "_count=" + count + (page == null ? "" : "&_cursor=" + cursor(page));
    }

    private static int count(@Nullable String given, int fallback) {
        if (given == null) {
            return fallback;
        }
        int count;
        try {
            count = Integer.parseInt(given.strip());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > MAX_COUNT) {
            throw Refusal.invalid("_count must be a whole number from 1 to " + MAX_COUNT);
        }
        return count;
    }

    private static @Nullable PageKey after(@Nullable String cursor) {
        return cursor == null ? null : cursor(cursor);
    }

    /** Whether the search is for wound measurements (code LOINC 72287-6) rather than readings. */
    boolean wounds() {
        return code != null && ObservationCodes.isWoundPanel(code);
    }

    /** Whether no reading can match (the date limits exclude each other). */
    boolean empty() {
        return !from.isBefore(to);
    }

    /** This search's query string, starting after {@code next} when given (for self and next links). */
    String queryString(@Nullable PageKey next) {
        List<String> parts = new ArrayList<>();
        parts.add("patient=" + patientId);
        if (code != null) {
            parts.add("code=" + encode(code));
        }
        for (String date : dates) {
            parts.add("date=" + encode(date));
        }
        parts.add("_count=" + count);
        parts.add("_sort=" + (newestFirst ? "-date" : "date"));
        PageKey page = next != null ? next : after;
        if (page != null) {
            parts.add("_cursor=" + cursor(page));
        }
        return String.join("&", parts);
    }

    static String cursor(PageKey key) {
        String text = ChronoUnit.MICROS.between(Instant.EPOCH, key.measuredAt()) + "|" + key.seq() + "|" + key.deviceId() + "|" + key.messageId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static PageKey cursor(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8).split("\\|", 4);
            if (parts.length == 4) {
                Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
                if (!at.isBefore(EARLIEST) && !at.isAfter(LATEST)) { // a tampered one far out failed in the database (500)
                    return new PageKey(at, parts[2], parts[3], Integer.parseInt(parts[1]));
                }
            }
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            // said below
        }
        throw Refusal.invalid("_cursor is not one this server wrote; follow the next link of a search as it is");
    }

    /**
     * The patient a search is for ({@code patient} or {@code subject}, required: clinical data is found
     * per patient), after refusing any parameter but these two and {@code others}.
     */
    static UUID patientOf(Map<String, List<String>> parameters, String resourceType, Set<String> others) {
        for (String name : parameters.keySet()) {
            if (!others.contains(name) && !name.equals("patient") && !name.equals("subject")) {
                List<String> supported = new ArrayList<>(List.of("patient", "subject"));
                others.stream().sorted().forEach(supported::add);
                throw Refusal.invalid("Search parameter '" + name + "' is not supported for " + resourceType + "; supported: "
                        + String.join(", ", supported) + " (docs/fhir.md)");
            }
        }
        String patient = single(parameters, "patient");
        String subject = single(parameters, "subject");
        if (patient == null && subject == null) {
            throw Refusal.invalid("A " + resourceType + " search needs patient=<id> (or subject=Patient/<id>): it is found per patient");
        }
        if (patient != null && subject != null) {
            throw Refusal.invalid("Give patient or subject, not both");
        }
        return patientId(patient != null ? patient : subject);
    }

    static UUID patientId(String reference) {
        String id = reference.strip();
        if (id.startsWith("Patient/")) {
            id = id.substring("Patient/".length());
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("patient must be a Patient id (or Patient/<id>) as this server gives them: a UUID");
        }
    }

    /** [start, end) of what a date parameter (with its prefix) allows. */
    static Instant[] range(String parameter) {
        String p = parameter.strip();
        String prefix = p.length() > 2 && Character.isLetter(p.charAt(0)) && Character.isLetter(p.charAt(1)) ? p.substring(0, 2) : "eq";
        String value = prefix.equals("eq") && !p.startsWith("eq") ? p : p.substring(2);
        Instant[] interval = interval(value);
        return switch (prefix) {
            case "eq" -> interval;
            case "ge" -> new Instant[] {interval[0], LATEST};
            case "gt" -> new Instant[] {interval[1], LATEST};
            case "le" -> new Instant[] {EARLIEST, interval[1]};
            case "lt" -> new Instant[] {EARLIEST, interval[0]};
            default -> throw Refusal.invalid("date prefix '" + prefix + "' is not supported; use eq, ge, gt, le or lt (e.g. date=ge2026-11-01)");
        };
    }

    /** The instants a FHIR date or dateTime covers: a year, month or day (in Danish time), or one instant. */
    private static Instant[] interval(String value) {
        try {
            if (value.matches("\\d{4}")) {
                LocalDate start = LocalDate.of(Integer.parseInt(value), 1, 1);
                return days(start, start.plusYears(1));
            }
            if (value.matches("\\d{4}-\\d{2}")) {
                YearMonth month = YearMonth.parse(value);
                return days(month.atDay(1), month.plusMonths(1).atDay(1));
            }
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate day = LocalDate.parse(value);
                return days(day, day.plusDays(1));
            }
            // An unencoded '+' of a zone arrives as a space: read it as the '+' it was.
            Instant at = OffsetDateTime.parse(value.replace(' ', '+')).toInstant();
            return new Instant[] {at, at.plus(precision(value))};
        } catch (DateTimeParseException | NumberFormatException e) {
            throw Refusal.invalid("date '" + value + "' is not a FHIR date or dateTime: give 2026-11-30, 2026-11 or 2026, or a time with its zone "
                    + "such as 2026-11-30T08:00:00+01:00");
        }
    }

    /**
     * How long a dateTime given to its precision lasts, as FHIR reads it: a minute, a second, or
     * the fraction of a second written (08:00:00.4 is a tenth of a second); at least a microsecond,
     * what readings are stored to. It was a microsecond always, so 08:00:00 missed a reading at
     * 08:00:00.400, and the milliseconds an Observation shows could not find it with eq.
     */
    private static java.time.Duration precision(String value) {
        java.util.regex.Matcher time = java.util.regex.Pattern.compile("T\\d{2}:\\d{2}(:\\d{2}(\\.(\\d+))?)?").matcher(value);
        if (!time.find() || time.group(1) == null) {
            return java.time.Duration.ofMinutes(1);
        }
        if (time.group(3) == null) {
            return java.time.Duration.ofSeconds(1);
        }
        int digits = Math.min(time.group(3).length(), 6);
        return java.time.Duration.ofNanos((long) Math.pow(10, 9 - digits));
    }

    private static Instant[] days(LocalDate start, LocalDate end) {
        return new Instant[] {start.atStartOfDay(DanishTime.ZONE).toInstant(), end.atStartOfDay(DanishTime.ZONE).toInstant()};
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw Refusal.invalid("Give " + name + " once" + (name.equals("code") ? " (several codes: separate them with commas)" : ""));
        }
        return values.get(0);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
