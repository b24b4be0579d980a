package dk.fsc.gateway.contract;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The field checks every device payload shares: strict JSON parsing, required strings, the
 * message id, and the time window a device clock must fall in.
 */
final class JsonFields {

    static final Pattern MESSAGE_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,100}$");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Stands for an array that was not given (read only). */
    static final JsonNode EMPTY_ARRAY = JSON.createArrayNode();

    private JsonFields() {
    }

    /** Parses a whole payload of at most {@code maxBytes}, or says why it cannot be read. */
    static JsonNode parse(byte[] payload, int maxBytes) throws RejectedMessage {
        if (payload.length > maxBytes) {
            throw new RejectedMessage(RejectionCode.PAYLOAD_TOO_LARGE,
                    "payload is " + payload.length + " bytes; at most " + maxBytes + " are accepted");
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            // Jackson's own message names its classes and switches; a device gets only where it stopped.
            throw new RejectedMessage(RejectionCode.MALFORMED_JSON, "not valid JSON" + position(e.getLocation()));
        } catch (IOException e) {
            throw new RejectedMessage(RejectionCode.MALFORMED_JSON, "not valid UTF-8 JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw new RejectedMessage(RejectionCode.MALFORMED_JSON, "empty payload");
        }
        return root;
    }

    /**
     * Refuses an object with the NUL character (JSON {@code \\u0000}) in any name or string: PostgreSQL
     * stores no NUL in text or jsonb, so it would be refused only by the database, after the
     * batch's other messages had been retried one by one for it, and with no reason the device can act on.
     */
    static void requireNoNul(JsonNode node) throws RejectedMessage {
        String at = nulAt(node, "");
        if (at != null) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD,
                    (at.isEmpty() ? "a string" : printable(at)) + " holds the NUL character (\\u0000), which cannot be stored");
        }
    }

    private static String nulAt(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (field.getKey().indexOf('\0') >= 0) {
                    return path.isEmpty() ? "a field name" : path + " (a field name)";
                }
                String found = nulAt(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulAt(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Turns the object of a payload into a message; throws for a field that breaks the contract. */
    interface ObjectReader {
        Decoded read(JsonNode object) throws RejectedMessage;
    }

    /**
     * Decodes a payload that holds one object (a photo, a status report): a payload that cannot
     * be parsed and a field that breaks the contract both become an Invalid outcome, never an
     * exception.
     */
    static Decoded decodeObject(byte[] payload, int maxBytes, ObjectReader reader) {
        JsonNode root;
        try {
            root = parse(payload, maxBytes);
        } catch (RejectedMessage e) {
            return new Decoded.Invalid(null, e, payload);
        }
        try {
            requireNoNul(root);
            return reader.read(root);
        } catch (RejectedMessage e) {
            return new Decoded.Invalid(usableMessageId(root), e, payload);
        }
    }

    /** The message id of an object when it carries a usable one, else null (for replies to bad payloads). */
    static String usableMessageId(JsonNode node) {
        JsonNode id = node.isObject() ? node.get("messageId") : null;
        return id != null && id.isTextual() && MESSAGE_ID.matcher(id.asText()).matches() ? id.asText() : null;
    }

    static String messageId(JsonNode node) throws RejectedMessage {
        String messageId = text(node, "messageId", null);
        if (!MESSAGE_ID.matcher(messageId).matches()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "messageId must be 1-100 characters of A-Z a-z 0-9 . _ : -");
        }
        return messageId;
    }

    private static String position(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    static String text(JsonNode node, String field, String where) throws RejectedMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, prefix(where) + field + " is required");
        }
        if (!value.isTextual()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, prefix(where) + field + " must be a string");
        }
        if (value.asText().isEmpty()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, prefix(where) + field + " is empty");
        }
        return value.asText();
    }

    /** A required number that fits a double; one too large for it (1e400) is out of range, not "not a number". */
    static double number(JsonNode node, String field, String where) throws RejectedMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, prefix(where) + field + " is required");
        }
        if (!value.isNumber()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, prefix(where) + field + " must be a number");
        }
        if (!Double.isFinite(value.asDouble())) {
            // The parser has already made it infinite: its text is gone, so it is not echoed.
            throw new RejectedMessage(RejectionCode.IMPLAUSIBLE_VALUE, prefix(where) + field + " is out of range");
        }
        return value.asDouble();
    }

    /** An optional string of at most {@code max} characters; null when absent. */
    static String optionalText(JsonNode node, String field, int max) throws RejectedMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > max) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, field + " must be a string of at most " + max + " characters");
        }
        return value.asText();
    }

    /** An optional number in [min, max]; null when absent. */
    static Double optionalNumber(JsonNode node, String field, double min, double max) throws RejectedMessage {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        double d = number(node, field, null);
        if (d < min || d > max) {
            throw new RejectedMessage(RejectionCode.IMPLAUSIBLE_VALUE, field + " " + value.asText() + " is outside " + min + " to " + max);
        }
        return d;
    }

    static String prefix(String where) {
        return where == null ? "" : where + ".";
    }

    /** Keeps details readable and safe to log: bounded length, no control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The window a device timestamp must fall in: not ahead of our clock, not older than the backlog. */
    record TimeWindow(Clock clock, Duration futureTolerance, Duration backlogWindow) {

        Instant check(JsonNode node, String field) throws RejectedMessage {
            String value = text(node, field, null);
            Instant at;
            try {
                // The database keeps microseconds: compare and store what it will hold.
                at = OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MICROS);
            } catch (DateTimeParseException e) {
                throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD,
                        field + " must be ISO 8601 with an offset, for example 2026-11-22T07:30:00+01:00");
            }
            Instant now = clock.instant();
            if (at.isAfter(now.plus(futureTolerance))) {
                throw new RejectedMessage(RejectionCode.MEASURED_IN_FUTURE, field + " " + printable(value) + " is more than "
                        + futureTolerance.toMinutes() + " minutes ahead of the server clock (" + now + "); check the device clock");
            }
            if (at.isBefore(now.minus(backlogWindow))) {
                throw new RejectedMessage(RejectionCode.MEASURED_TOO_LONG_AGO, field + " " + printable(value)
                        + " is older than the accepted backlog of " + backlogWindow.toDays() + " days");
            }
            return at;
        }
    }
}
