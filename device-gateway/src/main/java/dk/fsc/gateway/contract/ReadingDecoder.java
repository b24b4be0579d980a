package dk.fsc.gateway.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the payload of a {@code readings} message: one reading object or a JSON array of up to
 * {@value #MAX_BATCH} (a backlog). Checks every field, converts units to the stored unit, and
 * answers each object with a {@link Decoded} outcome. Never throws for bad input.
 */
public final class ReadingDecoder {

    public static final int MAX_BATCH = 500;
    public static final int MAX_OBSERVATIONS = 100;
    public static final int MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
    private static final Set<String> SITES = Set.of("rectal", "oral", "axillary", "ear");

    private final JsonFields.TimeWindow window;

    /**
     * @param futureTolerance how far ahead of our clock a device clock may be
     * @param backlogWindow   how old a reading may be and still be accepted
     */
    public ReadingDecoder(Clock clock, Duration futureTolerance, Duration backlogWindow) {
        this.window = new JsonFields.TimeWindow(clock, futureTolerance, backlogWindow);
    }

    /** Decodes a whole payload; a payload that cannot be parsed at all gives one Invalid outcome. */
    public List<Decoded> decode(byte[] payload) {
        JsonNode root;
        try {
            root = JsonFields.parse(payload, MAX_PAYLOAD_BYTES);
        } catch (RejectedMessage e) {
            return List.of(new Decoded.Invalid(null, e, payload));
        }
        if (root.isArray()) {
            if (root.isEmpty() || root.size() > MAX_BATCH) {
                return List.of(invalid(null, RejectionCode.INVALID_PAYLOAD,
                        "an array must hold 1 to " + MAX_BATCH + " reading objects, this one holds " + root.size(), payload));
            }
            List<Decoded> out = new ArrayList<>(root.size());
            for (JsonNode element : root) {
                out.add(decodeOne(element, element.toString().getBytes(StandardCharsets.UTF_8)));
            }
            return out;
        }
        return List.of(decodeOne(root, payload));
    }

    private Decoded decodeOne(JsonNode node, byte[] raw) {
        try {
            JsonFields.requireNoNul(node);
            return new Decoded.Valid(reading(node), raw);
        } catch (RejectedMessage e) {
            return new Decoded.Invalid(JsonFields.usableMessageId(node), e, raw);
        }
    }

    private Reading reading(JsonNode node) throws RejectedMessage {
        if (!node.isObject()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "a reading must be a JSON object");
        }
        String messageId = JsonFields.messageId(node);
        Instant measuredAt = window.check(node, "measuredAt");
        Answers answers = answers(node);
        // A questionnaire's total is worked out here, never sent: it comes last among the observations.
        ObservationType total = answers == null ? null : answers.questionnaire().total();
        int min = answers == null ? 1 : 0;
        int max = total == null ? MAX_OBSERVATIONS : MAX_OBSERVATIONS - 1;
        JsonNode observations = node.get("observations");
        if (answers != null && (observations == null || observations.isNull())) {
            observations = JsonFields.EMPTY_ARRAY;
        }
        if (observations == null || !observations.isArray() || observations.size() < min || observations.size() > max) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "observations must be an array of " + min + " to " + max + " items"
                    + (answers == null ? " (or questionnaire and answers given)" : ""));
        }
        List<Observation> out = new ArrayList<>(observations.size() + 1);
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observation(observations.get(i), i);
            if (o.type() == total) {
                throw reject(RejectionCode.INVALID_PAYLOAD, "observations[" + i + "]: " + total.wireName()
                        + " is worked out from the answers to " + answers.questionnaire().wireName() + "; do not send it as well");
            }
            out.add(o);
        }
        if (total != null) {
            out.add(new Observation(total, answers.points(), null, null));
        }
        return new Reading(messageId, measuredAt, List.copyOf(out), answers);
    }

    /**
     * The questionnaire's answers, or null when the reading has none: every item of the
     * questionnaire answered once with one of the answers it accepts (a code, or for a scale
     * 0 to 5 the number too), kept in the questionnaire's order.
     */
    private static Answers answers(JsonNode node) throws RejectedMessage {
        JsonNode name = node.get("questionnaire");
        JsonNode given = node.get("answers");
        if ((name == null || name.isNull()) && (given == null || given.isNull())) {
            return null;
        }
        String wireName = JsonFields.text(node, "questionnaire", null);
        Questionnaire q = Questionnaire.fromWire(wireName).orElseThrow(() -> reject(RejectionCode.UNKNOWN_QUESTIONNAIRE,
                "questionnaire '" + JsonFields.printable(wireName) + "' is not one of " + Questionnaire.wireNames()));
        if (given == null || !given.isArray() || given.isEmpty()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "answers must be an array with one answer per item of " + q.wireName());
        }
        Map<String, Answers.Answer> byItem = new HashMap<>();
        for (int i = 0; i < given.size(); i++) {
            String where = "answers[" + i + "]";
            JsonNode a = given.get(i);
            if (!a.isObject()) {
                throw reject(RejectionCode.INVALID_PAYLOAD, where + " must be an object with item and answer");
            }
            String itemId = JsonFields.text(a, "item", where);
            Questionnaire.Item item = q.item(itemId).orElseThrow(() -> reject(RejectionCode.INVALID_ANSWER,
                    where + ".item '" + JsonFields.printable(itemId) + "' is not an item of " + q.wireName() + "; its items are " + itemIds(q)));
            JsonNode answer = a.get("answer");
            String code = answer != null && (answer.isTextual() || answer.isIntegralNumber()) ? answer.asText() : null;
            if (code == null) {
                throw reject(RejectionCode.INVALID_PAYLOAD, where + ".answer is required: one of " + item.codes());
            }
            Questionnaire.Option option = item.option(code).orElseThrow(() -> reject(RejectionCode.INVALID_ANSWER,
                    where + ": '" + JsonFields.printable(code) + "' is not an answer to " + q.wireName() + " " + itemId
                    + "; give one of " + item.codes()));
            if (byItem.put(itemId, new Answers.Answer(item, option)) != null) {
                throw reject(RejectionCode.INVALID_PAYLOAD, where + ": " + itemId + " is answered twice");
            }
        }
        List<Answers.Answer> ordered = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Questionnaire.Item item : q.items()) {
            Answers.Answer a = byItem.get(item.id());
            if (a == null) {
                missing.add(item.id());
            } else {
                ordered.add(a);
            }
        }
        if (!missing.isEmpty()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "answers to " + q.wireName() + " must answer every item; missing " + missing);
        }
        return new Answers(q, List.copyOf(ordered));
    }

    private static List<String> itemIds(Questionnaire q) {
        return q.items().stream().map(Questionnaire.Item::id).toList();
    }

    private Observation observation(JsonNode node, int index) throws RejectedMessage {
        String where = "observations[" + index + "]";
        if (!node.isObject()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, where + " must be an object");
        }
        String typeName = JsonFields.text(node, "type", where);
        ObservationType type = ObservationType.fromWire(typeName).orElseThrow(() -> reject(RejectionCode.UNKNOWN_TYPE,
                where + ".type '" + JsonFields.printable(typeName) + "' is not one of " + wireNames()));
        double given = JsonFields.number(node, "value", where);
        String unit = JsonFields.text(node, "unit", where);
        double value = type.toStoredUnit(given, unit).orElseThrow(() -> reject(RejectionCode.UNKNOWN_UNIT,
                where + ": unit '" + JsonFields.printable(unit) + "' is not accepted for " + typeName + "; use one of " + type.acceptedUnits()));
        if (!type.isPlausible(value) || (type.isInteger() && value != Math.rint(value))) {
            throw reject(RejectionCode.IMPLAUSIBLE_VALUE, where + ": " + typeName + " " + JsonFields.printable(node.get("value").asText()) + " " + JsonFields.printable(unit)
                    + " is not physically plausible (accepted " + fmt(type.min()) + " to " + fmt(type.max()) + " " + type.unit()
                    + (type.isInteger() ? ", whole numbers" : "") + ")");
        }
        return new Observation(type, value, site(node, type, where), source(node.get("source"), where));
    }

    private static String site(JsonNode node, ObservationType type, String where) throws RejectedMessage {
        JsonNode site = node.get("site");
        if (site == null || site.isNull()) {
            return null;
        }
        if (type != ObservationType.TEMPERATURE || !site.isTextual() || !SITES.contains(site.asText())) {
            throw reject(RejectionCode.INVALID_PAYLOAD, where + ".site is only for temperature and must be one of " + SITES);
        }
        return site.asText();
    }

    private static String source(JsonNode source, String where) throws RejectedMessage {
        if (source == null || source.isNull()) {
            return null;
        }
        if (!source.isObject() || source.toString().length() > 500) {
            throw reject(RejectionCode.INVALID_PAYLOAD, where + ".source must be an object with serial and model (at most 500 characters)");
        }
        return source.toString();
    }

    private static String wireNames() {
        List<String> names = new ArrayList<>();
        for (ObservationType t : ObservationType.values()) {
            names.add(t.wireName());
        }
        return names.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static RejectedMessage reject(RejectionCode code, String detail) {
        return new RejectedMessage(code, detail);
    }

    private static Decoded invalid(String messageId, RejectionCode code, String detail, byte[] raw) {
        return new Decoded.Invalid(messageId, new RejectedMessage(code, detail), raw);
    }
}
