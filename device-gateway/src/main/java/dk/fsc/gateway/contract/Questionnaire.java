package dk.fsc.gateway.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The questionnaires a device or app may answer in a reading object ({@code questionnaire} and
 * {@code answers}, docs/mqtt.md): their items and the answers each item accepts, with the points
 * and the severity of each answer. The texts a person reads are in the service's message bundles
 * ({@code questionnaire.<id>.<item>}, {@code ….<answer>}); here are the codes and the rules.
 * <ul>
 *   <li>{@link #CAT}: the COPD Assessment Test, eight items each answered 0 to 5; the total
 *   (0 to 40) is stored as the observation {@code cat_score}, where the thresholds apply.</li>
 *   <li>{@link #COPD_DIARY}: the COPD symptom diary, each answer green, yellow or red (the signs of
 *   an exacerbation: more breathlessness, more or discoloured sputum, fever, rescue medication
 *   that does not help). A red answer raises an alert as a red reading does.</li>
 * </ul>
 */
public enum Questionnaire {
    CAT("cat", "1", ObservationType.CAT_SCORE, List.of(
            scale("cough"), scale("phlegm"), scale("chest_tightness"), scale("breathlessness"),
            scale("activities"), scale("confidence"), scale("sleep"), scale("energy"))),
    COPD_DIARY("copd_diary", "1", null, List.of(
            new Item("breathlessness", List.of(green("usual"), yellow("worse"), red("much_worse"))),
            new Item("cough", List.of(green("usual"), yellow("more"), yellow("much_more"))),
            new Item("sputum_amount", List.of(green("none"), green("usual"), yellow("more"), yellow("much_more"))),
            new Item("sputum_colour", List.of(green("none"), green("clear"), yellow("yellow"), yellow("green"), red("bloody"))),
            new Item("fever", List.of(green("no"), yellow("yes"))),
            new Item("rescue_medication", List.of(green("none"), green("usual"), yellow("more"), red("no_relief")))));

    /** An answer's colour: as a reading's, red needs a nurse now, yellow today. */
    public enum Severity { GREEN, YELLOW, RED }

    /** One answer an item accepts: its code on the wire, the points it adds to a scored questionnaire, its severity (null when the questionnaire is scored, not coloured). */
    public record Option(String code, int points, Severity severity) {
    }

    /** One question, by its id on the wire ({@code linkId} in FHIR), with the answers it accepts in their order. */
    public record Item(String id, List<Option> options) {
        public Optional<Option> option(String code) {
            return options.stream().filter(o -> o.code().equals(code)).findFirst();
        }

        public List<String> codes() {
            return options.stream().map(Option::code).toList();
        }
    }

    private final String wireName;
    private final String version;
    private final ObservationType total;
    private final List<Item> items;

    Questionnaire(String wireName, String version, ObservationType total, List<Item> items) {
        this.wireName = wireName;
        this.version = version;
        this.total = total;
        this.items = items;
    }

    public static Optional<Questionnaire> fromWire(String name) {
        for (Questionnaire q : values()) {
            if (q.wireName.equals(name)) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    public static List<String> wireNames() {
        List<String> names = new ArrayList<>();
        for (Questionnaire q : values()) {
            names.add(q.wireName);
        }
        return names;
    }

    public Optional<Item> item(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    public String wireName() { return wireName; }
    public String version() { return version; }
    /** The observation its points add up to, or null when it has no total. */
    public ObservationType total() { return total; }
    public List<Item> items() { return items; }

    private static Item scale(String id) {
        List<Option> options = new ArrayList<>();
        for (int points = 0; points <= 5; points++) {
            options.add(new Option(String.valueOf(points), points, null));
        }
        return new Item(id, List.copyOf(options));
    }

    private static Option green(String code) {
        return new Option(code, 0, Severity.GREEN);
    }

    private static Option yellow(String code) {
        return new Option(code, 1, Severity.YELLOW);
    }

    private static Option red(String code) {
        return new Option(code, 2, Severity.RED);
    }
}
