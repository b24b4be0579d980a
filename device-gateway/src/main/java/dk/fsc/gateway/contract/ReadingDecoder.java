package dk.fsc.gateway.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decodes the payload of a {@code readings} message: one reading object or a JSON array of up to
 * {@value #MAX_BATCH} (a backlog). Checks every field, converts units to the stored unit, and
 * answers each object with a {@link Decoded} outcome. Never throws for bad input.
 */
public final class ReadingDecoder {

    public static final int MAX_BATCH = 500;
    public static final int MAX_OBSERVATIONS = 100;
    public static final int MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
    private static final Pattern MESSAGE_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");
    private static final Set<String> SITES = Set.of("rectal", "oral", "axillary", "ear");

    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final Clock clock;
    private final Duration futureTolerance;
    private final Duration backlogWindow;

    /**
     * @param futureTolerance how far ahead of our clock a device clock may be
     * @param backlogWindow   how old a reading may be and still be accepted
     */
    public ReadingDecoder(Clock clock, Duration futureTolerance, Duration backlogWindow) {
        this.clock = clock;
        this.futureTolerance = futureTolerance;
        this.backlogWindow = backlogWindow;
    }

    /** Decodes a whole payload; a payload that cannot be parsed at all gives one Invalid outcome. */
    public List<Decoded> decode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return List.of(invalid(null, RejectionCode.PAYLOAD_TOO_LARGE,
                    "payload is " + payload.length + " bytes; at most " + MAX_PAYLOAD_BYTES + " are accepted", payload));
        }
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            return List.of(invalid(null, RejectionCode.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage(), payload));
        } catch (IOException e) {
            return List.of(invalid(null, RejectionCode.MALFORMED_JSON, "not valid UTF-8 JSON", payload));
        }
        if (root == null || root.isMissingNode()) {
            return List.of(invalid(null, RejectionCode.MALFORMED_JSON, "empty payload", payload));
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
        String messageId = node.isObject() && node.path("messageId").isTextual() ? node.get("messageId").asText() : null;
        try {
            return new Decoded.Valid(reading(node), raw);
        } catch (RejectedMessage e) {
            return new Decoded.Invalid(messageId != null && MESSAGE_ID.matcher(messageId).matches() ? messageId : null, e, raw);
        }
    }

    private Reading reading(JsonNode node) throws RejectedMessage {
        if (!node.isObject()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "a reading must be a JSON object");
        }
        String messageId = text(node, "messageId");
        if (!MESSAGE_ID.matcher(messageId).matches()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "messageId must be 1-100 characters of A-Z a-z 0-9 . _ : -");
        }
        Instant measuredAt = measuredAt(text(node, "measuredAt"));
        JsonNode observations = node.get("observations");
        if (observations == null || !observations.isArray() || observations.isEmpty()
                || observations.size() > MAX_OBSERVATIONS) {
            throw reject(RejectionCode.INVALID_PAYLOAD, "observations must be an array of 1 to " + MAX_OBSERVATIONS + " items");
        }
        List<Observation> out = new ArrayList<>(observations.size());
        for (int i = 0; i < observations.size(); i++) {
            out.add(observation(observations.get(i), i));
        }
        return new Reading(messageId, measuredAt, List.copyOf(out));
    }

    private Instant measuredAt(String value) throws RejectedMessage {
        Instant at;
        try {
            at = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw reject(RejectionCode.INVALID_PAYLOAD,
                    "measuredAt must be ISO 8601 with an offset, for example 2026-11-22T07:30:00+01:00");
        }
        Instant now = clock.instant();
        if (at.isAfter(now.plus(futureTolerance))) {
            throw reject(RejectionCode.MEASURED_IN_FUTURE, "measuredAt " + value + " is more than "
                    + futureTolerance.toMinutes() + " minutes ahead of the server clock (" + now + "); check the device clock");
        }
        if (at.isBefore(now.minus(backlogWindow))) {
            throw reject(RejectionCode.MEASURED_TOO_LONG_AGO, "measuredAt " + value + " is older than the accepted backlog of "
                    + backlogWindow.toDays() + " days");
        }
        return at;
    }

    private Observation observation(JsonNode node, int index) throws RejectedMessage {
        String where = "observations[" + index + "]";
        if (!node.isObject()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, where + " must be an object");
        }
        String typeName = text(node, "type", where);
        ObservationType type = ObservationType.fromWire(typeName).orElseThrow(() -> reject(RejectionCode.UNKNOWN_TYPE,
                where + ".type '" + printable(typeName) + "' is not one of " + wireNames()));
        JsonNode valueNode = node.get("value");
        if (valueNode == null || !valueNode.isNumber() || !Double.isFinite(valueNode.asDouble())) {
            throw reject(RejectionCode.INVALID_PAYLOAD, where + ".value must be a number");
        }
        String unit = text(node, "unit", where);
        double value = type.toStoredUnit(valueNode.asDouble(), unit).orElseThrow(() -> reject(RejectionCode.UNKNOWN_UNIT,
                where + ": unit '" + printable(unit) + "' is not accepted for " + typeName + "; use one of " + type.acceptedUnits()));
        if (!type.isPlausible(value) || (type.isInteger() && value != Math.rint(value))) {
            throw reject(RejectionCode.IMPLAUSIBLE_VALUE, where + ": " + typeName + " " + valueNode.asText() + " " + printable(unit)
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

    private static String text(JsonNode node, String field) throws RejectedMessage {
        return text(node, field, null);
    }

    private static String text(JsonNode node, String field, String where) throws RejectedMessage {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw reject(RejectionCode.INVALID_PAYLOAD, (where == null ? "" : where + ".") + field + " is required and must be a string");
        }
        return value.asText();
    }

    private static String wireNames() {
        List<String> names = new ArrayList<>();
        for (ObservationType t : ObservationType.values()) {
            names.add(t.wireName());
        }
        return names.toString();
    }

    /** Keeps details readable and safe to log: bounded length, no control characters. */
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
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
