package dk.fsc.gateway.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Decodes the payload of a {@code status} message. Never throws for bad input. */
public final class StatusDecoder {

    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    public static final int MAX_FAULTS = 20;
    private static final Pattern FAULT = Pattern.compile("^[A-Za-z0-9._-]{1,32}$");

    private final JsonFields.TimeWindow window;

    public StatusDecoder(Clock clock, Duration futureTolerance, Duration backlogWindow) {
        this.window = new JsonFields.TimeWindow(clock, futureTolerance, backlogWindow);
    }

    public Decoded decode(byte[] payload) {
        return JsonFields.decodeObject(payload, MAX_PAYLOAD_BYTES, node -> new Decoded.Status(status(node), payload));
    }

    private StatusReport status(JsonNode node) throws RejectedMessage {
        if (!node.isObject()) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "a status report must be a JSON object");
        }
        String messageId = JsonFields.messageId(node);
        Instant reportedAt = window.check(node, "reportedAt");
        Double battery = JsonFields.optionalNumber(node, "batteryPercent", 0, 100);
        Double signal = JsonFields.optionalNumber(node, "signalDbm", -140, 0);
        String firmware = JsonFields.optionalText(node, "firmware", 64);
        return new StatusReport(messageId, reportedAt, battery == null ? null : (int) Math.round(battery), firmware,
                signal == null ? null : (int) Math.round(signal), faults(node.get("faults")));
    }

    private static List<String> faults(JsonNode faults) throws RejectedMessage {
        if (faults == null || faults.isNull()) {
            return List.of();
        }
        if (!faults.isArray() || faults.size() > MAX_FAULTS) {
            throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD, "faults must be an array of at most " + MAX_FAULTS + " codes");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode fault : faults) {
            if (!fault.isTextual() || !FAULT.matcher(fault.asText()).matches()) {
                throw new RejectedMessage(RejectionCode.INVALID_PAYLOAD,
                        "each fault must be a code of 1-32 characters of A-Z a-z 0-9 . _ -");
            }
            if (!out.contains(fault.asText())) {
                out.add(fault.asText());
            }
        }
        return List.copyOf(out);
    }
}
