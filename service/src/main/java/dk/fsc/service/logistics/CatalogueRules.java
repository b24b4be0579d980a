package dk.fsc.service.logistics;

import dk.fsc.service.logistics.InventoryStore.DeviceType;
import dk.fsc.service.logistics.InventoryStore.Model;
import dk.fsc.service.platform.errors.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a device type and a model of the catalogue must be, checked in this one place for the API
 * ({@code PUT /api/catalogue/device-types/{code}}, {@code POST /api/catalogue/models}) and the
 * console's catalogue page. Each problem names its field and a reason the page turns into words;
 * the API answers them together as one 400.
 */
public final class CatalogueRules {
    public static final int MAX_TEXT = 100;
    /** Ten years: an interval longer than a device's life is a typing error. */
    public static final int MAX_INTERVAL_DAYS = 3650;
    public static final List<String> SECTORS = List.of("region", "municipality");

    private static final Pattern CODE = Pattern.compile("[a-z0-9_]{2,40}");
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9_-]{2,60}");
    private static final Pattern MEASUREMENT_TYPE = Pattern.compile("[a-z0-9_]{1,40}");

    /**
     * One thing to fix.
     *
     * @param field  the API's field name (code, name, measurementTypes, lendingSector, cleaningIntervalDays,
     *               calibrationIntervalDays; id, deviceType, manufacturer)
     * @param reason required, code, modelId, long, sector, interval or measurementType
     * @param args   what the reason's words need besides the field (a limit, the bad value)
     */
    public record Problem(String field, String reason, String message, List<Object> args) {
    }

    private CatalogueRules() {
    }

    /** What is wrong with a device type to be stored under {@code code}; empty when nothing. */
    public static List<Problem> type(String code, DeviceType type) {
        List<Problem> problems = new ArrayList<>();
        if (code == null || !CODE.matcher(code).matches()) {
            problems.add(new Problem("code", "code", "code must be 2-40 characters of a-z 0-9 _", List.of()));
        }
        text(problems, "name", type.name());
        if (type.lendingSector() == null || !SECTORS.contains(type.lendingSector())) {
            problems.add(new Problem("lendingSector", "sector", "lendingSector must be region or municipality", List.of()));
        }
        for (String m : type.measurementTypes() == null ? List.<String>of() : type.measurementTypes()) {
            if (m == null || !MEASUREMENT_TYPE.matcher(m).matches()) {
                problems.add(new Problem("measurementTypes", "measurementType",
                        "measurementTypes must each be 1-40 characters of a-z 0-9 _ (not " + m + ")", List.of(String.valueOf(m))));
                break;
            }
        }
        interval(problems, "cleaningIntervalDays", type.cleaningIntervalDays());
        interval(problems, "calibrationIntervalDays", type.calibrationIntervalDays());
        return problems;
    }

    /** What is wrong with a model to be added; empty when nothing (whether its type is catalogued the store checks). */
    public static List<Problem> model(Model model) {
        List<Problem> problems = new ArrayList<>();
        if (model.id() == null || !MODEL_ID.matcher(model.id()).matches()) {
            problems.add(new Problem("id", "modelId", "id must be 2-60 characters of a-z 0-9 _ -", List.of()));
        }
        if (model.deviceType() == null || model.deviceType().isBlank()) {
            problems.add(new Problem("deviceType", "required", "deviceType is required", List.of()));
        }
        text(problems, "manufacturer", model.manufacturer());
        text(problems, "name", model.name());
        return problems;
    }

    /** The API's answer to problems: one 400 naming each. */
    static void refuse(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw Refusal.invalid(problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
        }
    }

    private static void text(List<Problem> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem(field, "required", field + " is required", List.of()));
        } else if (value.strip().length() > MAX_TEXT) {
            problems.add(new Problem(field, "long", field + " must be at most " + MAX_TEXT + " characters", List.of(MAX_TEXT)));
        }
    }

    private static void interval(List<Problem> problems, String field, Integer days) {
        if (days != null && (days < 1 || days > MAX_INTERVAL_DAYS)) {
            problems.add(new Problem(field, "interval", field + " must be between 1 and " + MAX_INTERVAL_DAYS + " days, or left out",
                    List.of(MAX_INTERVAL_DAYS)));
        }
    }
}
