package dk.fsc.service.platform.errors;

import io.micronaut.core.annotation.Nullable;

/**
 * A yes/no query parameter, read strictly: {@code true} or {@code false} (absent: null). The
 * framework's own binding read anything else, {@code overdue=1} among them, as false, so the
 * caller got the whole list (and each citizen in it an access-log line) instead of an error.
 */
public final class Flags {
    private Flags() {
    }

    public static @Nullable Boolean parse(String name, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw Refusal.invalid(name + " must be true or false");
        };
    }
}
