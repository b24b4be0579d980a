package dk.fsc.service.devices;

import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.core.annotation.Nullable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What support looks for among the devices: each field narrows the list when given. {@code text}
 * matches the device id, serial number or asset tag (a scanner types any of them); {@code problem}
 * is one of {@link DeviceHealth}'s problems. Unknown states and problems are refused, so a typo is
 * not read as "no devices".
 */
public record DeviceSearch(@Nullable String type, @Nullable String model, @Nullable String state, @Nullable String organisation,
                           @Nullable String text, @Nullable String problem) {
    public static final List<String> PROBLEMS = List.of(DeviceHealth.BATTERY_LOW, DeviceHealth.SILENT, DeviceHealth.FAULT,
            DeviceHealth.QUARANTINE_QUOTA);
    /** The states, in the state machine's order ({@link DeviceState}). */
    public static final List<String> STATES = Arrays.stream(DeviceState.values()).map(Enum::name).toList();

    public DeviceSearch {
        type = blankToNull(type);
        model = blankToNull(model);
        state = blankToNull(state);
        organisation = blankToNull(organisation);
        text = blankToNull(text);
        problem = blankToNull(problem);
        if (state != null && !STATES.contains(state)) {
            throw Refusal.invalid("state must be one of " + STATES);
        }
        if (problem != null && !PROBLEMS.contains(problem)) {
            throw Refusal.invalid("problem must be one of " + PROBLEMS);
        }
        if (text != null && text.length() > 200) {
            throw Refusal.invalid("the search text is at most 200 characters");
        }
    }

    /** The same search read leniently, for a page: an unknown state or problem is left out, not refused. */
    public static DeviceSearch lenient(@Nullable String type, @Nullable String model, @Nullable String state, @Nullable String organisation,
                                       @Nullable String text, @Nullable String problem) {
        return new DeviceSearch(type, model, state != null && STATES.contains(state) ? state : null, organisation,
                text == null || text.length() <= 200 ? text : text.substring(0, 200), problem != null && PROBLEMS.contains(problem) ? problem : null);
    }

    public boolean any() {
        return type != null || model != null || state != null || organisation != null || text != null || problem != null;
    }

    /** Only a text (what a scanner types): one exact hit can open the device. */
    public boolean onlyText() {
        return text != null && type == null && model == null && state == null && organisation == null && problem == null;
    }

    /** The text as a LIKE pattern: its own % and _ are literal. */
    String textPattern() {
        return "%" + text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
