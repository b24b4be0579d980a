package dk.fsc.service.alerts;

import dk.fsc.service.alerts.AlertSettings.Level;
import dk.fsc.service.alerts.AlertSettings.Policy;
import dk.fsc.service.alerts.AlertSettings.PolicyInForce;
import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An organisation's response policy and escalation chain, and the one place that says what a
 * valid one is: the API ({@link OrganisationAlertSettingsController}) and the console's
 * organisation page both read and change them here, and both tell the same {@link Problem}s,
 * the API as one sentence, the page per field in its language.
 */
@Singleton
public class OrganisationAlertSettings {
    public static final int MAX_POLICY_NAME = 60;
    public static final int MIN_TOTAL = 1;
    public static final int MAX_TOTAL = 15;
    public static final int MAX_LEVELS = 20;
    public static final int MAX_LEVEL_NAME = 200;
    public static final int MIN_DELAY = 1;
    public static final int MAX_DELAY = 1440;

    /**
     * What is wrong with a field.
     *
     * @param field for the policy its name in the API ({@code yellowFromTotal}); for a level
     *              {@code level-N-name} or {@code level-N-delay} (N from 1); {@code levels} for the chain
     * @param code  what is wrong: {@code required}, {@code tooLong}, {@code range}, {@code redBelowYellow},
     *              {@code numbering}, {@code tooMany}; {@code args} fill in the numbers
     */
    public record Problem(String field, String code, List<Object> args) {
        /** The problem in English, as the API says it. */
        public String message() {
            return switch (code) {
                case "required" -> field + " is required";
                case "tooLong" -> field + " must be at most " + args.get(0) + " characters";
                case "range" -> field + " must be between " + args.get(0) + " and " + args.get(1);
                case "redBelowYellow" -> "need 1 <= yellowFromTotal <= redFromTotal <= " + MAX_TOTAL;
                case "numbering" -> "levels must be numbered 1, 2, 3, ... in order";
                case "tooMany" -> "at most " + args.get(0) + " levels";
                default -> field + " is not valid";
            };
        }
    }

    private final AlertSettingsStore store;

    OrganisationAlertSettings(AlertSettingsStore store) {
        this.store = store;
    }

    /** What is wrong with this policy; empty when it may be stored. */
    public static List<Problem> problems(Policy p) {
        List<Problem> problems = new ArrayList<>();
        text(problems, "name", p.name(), MAX_POLICY_NAME);
        range(problems, "yellowFromTotal", p.yellowFromTotal(), MIN_TOTAL, MAX_TOTAL);
        range(problems, "redFromTotal", p.redFromTotal(), MIN_TOTAL, MAX_TOTAL);
        if (problems.stream().noneMatch(x -> x.field().endsWith("Total"))) {
            try {
                new ResponsePolicy(p.name(), p.yellowFromTotal(), p.redFromTotal(), p.redOnSingleThree()); // the scoring's own rule
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("redFromTotal", "redBelowYellow", List.of()));
            }
        }
        return problems;
    }

    /** What is wrong with this chain; empty when it may be stored. Levels are 1, 2, 3, ... in order. */
    public static List<Problem> problems(List<Level> levels) {
        List<Problem> problems = new ArrayList<>();
        if (levels.size() > MAX_LEVELS) {
            problems.add(new Problem("levels", "tooMany", List.of(MAX_LEVELS)));
        }
        for (int i = 0; i < levels.size(); i++) {
            Level l = levels.get(i);
            if (l == null || l.level() != i + 1) {
                problems.add(new Problem("levels", "numbering", List.of()));
                break;
            }
        }
        for (int i = 0; i < levels.size(); i++) {
            Level l = levels.get(i);
            if (l != null) {
                text(problems, "level-" + (i + 1) + "-name", l.name(), MAX_LEVEL_NAME);
                range(problems, "level-" + (i + 1) + "-delay", l.delayMinutes(), MIN_DELAY, MAX_DELAY);
            }
        }
        return problems;
    }

    @Transactional(readOnly = true)
    public PolicyInForce policy(String organisation) {
        return store.policyInForce(organisation);
    }

    @Transactional(readOnly = true)
    public List<Level> chain(String organisation) {
        return store.chain(organisation);
    }

    /** Stores the policy; refused (400) with the problems when it is not valid. */
    @Transactional
    public void setPolicy(String organisation, Policy policy, String by) {
        refuseIfAny(problems(policy));
        store.setPolicy(organisation, policy, by);
    }

    /** Replaces the chain; refused (400) with the problems when it is not valid. Running timers keep their time. */
    @Transactional
    public void replaceChain(String organisation, List<Level> levels) {
        refuseIfAny(problems(levels));
        store.replaceChain(organisation, levels);
    }

    private static void refuseIfAny(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw Refusal.invalid(problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
        }
    }

    private static void text(List<Problem> problems, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem(field, "required", List.of()));
        } else if (value.length() > max) {
            problems.add(new Problem(field, "tooLong", List.of(max)));
        }
    }

    private static void range(List<Problem> problems, String field, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(new Problem(field, "range", List.of(min, max)));
        }
    }
}
