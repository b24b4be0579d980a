package dk.fsc.gateway.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the payload of a {@code photos} message: one wound photo with its metadata and the
 * image as base64 (at most {@value #MAX_IMAGE_BYTES} bytes decoded). Checks the fields and that
 * the image bytes are what {@code contentType} says. Never throws for bad input.
 */
public final class PhotoDecoder {

    public static final int MAX_IMAGE_BYTES = 10 * 1024 * 1024;
    /** Base64 of the largest image plus room for the metadata; larger payloads are not parsed. */
    public static final int MAX_PAYLOAD_BYTES = 24 * 1024 * 1024;
    public static final Set<String> WOUND_TYPES = Set.of("venous_leg_ulcer", "diabetic_foot_ulcer", "pressure_ulcer", "other");
    /**
     * The largest wound sizes a photo or measurement may carry, wherever it comes from (a device
     * here; the API's and the console's forms read these too). Strings, so bean-validation
     * annotations ({@code @DecimalMax}) can name them.
     */
    public static final String MAX_LENGTH_CM = "100";
    public static final String MAX_WIDTH_CM = "100";
    public static final String MAX_DEPTH_CM = "50";
    public static final String MAX_AREA_CM2 = "10000";
    /** The same, by field name, in the order forms show them. */
    public static final Map<String, Double> SIZE_LIMITS = sizeLimits();

    private final JsonFields.TimeWindow window;

    public PhotoDecoder(Clock clock, Duration futureTolerance, Duration backlogWindow) {
        this.window = new JsonFields.TimeWindow(clock, futureTolerance, backlogWindow);
    }

    private static Map<String, Double> sizeLimits() {
        Map<String, Double> limits = new LinkedHashMap<>();
        limits.put("lengthCm", Double.valueOf(MAX_LENGTH_CM));
        limits.put("widthCm", Double.valueOf(MAX_WIDTH_CM));
        limits.put("depthCm", Double.valueOf(MAX_DEPTH_CM));
        limits.put("areaCm2", Double.valueOf(MAX_AREA_CM2));
        return Collections.unmodifiableMap(limits);
    }

    public Decoded decode(byte[] payload) {
        return JsonFields.decodeObject(payload, MAX_PAYLOAD_BYTES, node -> new Decoded.Photo(photo(node), payload));
    }

    private PhotoMessage photo(JsonNode node) throws RejectedMessage {
        if (!node.isObject()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "a photo must be a JSON object");
        }
        String messageId = JsonFields.messageId(node);
        Instant takenAt = window.check(node, "takenAt");
        String woundId = JsonFields.text(node, "woundId", null);
        if (woundId.length() > 64) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "woundId must be at most 64 characters");
        }
        String woundType = JsonFields.text(node, "woundType", null);
        if (!WOUND_TYPES.contains(woundType)) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "woundType must be one of " + WOUND_TYPES);
        }
        String bodySite = JsonFields.text(node, "bodySite", null);
        if (bodySite.length() > 100) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "bodySite must be at most 100 characters");
        }
        Double length = JsonFields.optionalNumber(node, "lengthCm", 0, SIZE_LIMITS.get("lengthCm"));
        Double width = JsonFields.optionalNumber(node, "widthCm", 0, SIZE_LIMITS.get("widthCm"));
        Double depth = JsonFields.optionalNumber(node, "depthCm", 0, SIZE_LIMITS.get("depthCm"));
        Double area = JsonFields.optionalNumber(node, "areaCm2", 0, SIZE_LIMITS.get("areaCm2"));
        String note = JsonFields.optionalText(node, "note", 2000);
        String contentType = JsonFields.text(node, "contentType", null);
        ImageFormat format = ImageFormat.ofContentType(contentType).orElseThrow(() -> new RejectedMessage(
                RejectionCode.UNSUPPORTED_CONTENT_TYPE, "contentType '" + JsonFields.printable(contentType)
                + "' is not accepted; use one of " + ImageFormat.accepted()));
        byte[] image = image(JsonFields.text(node, "image", null), format);
        return new PhotoMessage(messageId, takenAt, woundId, woundType, bodySite, length, width, depth, area, note, format, image);
    }

    private static byte[] image(String base64, ImageFormat format) throws RejectedMessage {
        // Base64 carries 3 bytes in 4 characters: refuse an oversize image before decoding it.
        long decodedLength = (long) base64.length() * 3 / 4;
        if (decodedLength > MAX_IMAGE_BYTES + 2) {
            throw tooLarge(decodedLength);
        }
        byte[] image;
        try {
            image = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "image must be base64 (RFC 4648, no line breaks)");
        }
        if (image.length > MAX_IMAGE_BYTES) {
            throw tooLarge(image.length);
        }
        if (!format.matches(image)) {
            throw new RejectedMessage(RejectionCode.INVALID_IMAGE, "the image bytes are not " + format.contentType()
                    + " as contentType says");
        }
        return image;
    }

    private static RejectedMessage tooLarge(long bytes) {
        return new RejectedMessage(RejectionCode.PHOTO_TOO_LARGE,
                "the image is about " + bytes + " bytes; at most " + MAX_IMAGE_BYTES + " (10 MiB) are accepted");
    }
}
