package dk.fsc.service.console;

import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with a submitted form, per field: a message key of the page's texts whose first
 * argument ({0}) is the field's label and the rest {@code args}. The page lists them at the top
 * (each linking to its field) and under each field, and keeps what was typed.
 */
public final class FormErrors {
    /**
     * @param field    the id of the input at fault (the summary links to it)
     * @param labelKey the text key of the field's label
     */
    public record Problem(String field, String labelKey, String key, Object[] args) {
        /** The message's arguments: the field's label (resolved by the page), then the rest. */
        public Object[] params(String label) {
            Object[] all = new Object[args.length + 1];
            all[0] = label;
            System.arraycopy(args, 0, all, 1, args.length);
            return all;
        }
    }

    private final List<Problem> problems = new ArrayList<>();

    public FormErrors add(String field, String labelKey, String key, Object... args) {
        if (!has(field)) {
            problems.add(new Problem(field, labelKey, key, args));
        }
        return this;
    }

    public boolean has(String field) {
        return problems.stream().anyMatch(p -> p.field().equals(field));
    }

    /** The problem of the field, or null. */
    public Problem of(String field) {
        return problems.stream().filter(p -> p.field().equals(field)).findFirst().orElse(null);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<Problem> all() {
        return List.copyOf(problems);
    }
}
