package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.photos.PhotoProcessor;
import java.util.List;

/**
 * A message after the checks that need no database: its device id (when the topic names one)
 * and either the decoded objects or the reason the whole message is refused.
 *
 * @param kind  what the topic says the message is; null when the topic names no kind
 * @param photo the cleaned file and thumbnail when the message is a valid photo, else null
 */
record Parsed(Incoming message, String deviceId, DeviceTopic.Kind kind, RejectedMessage refused, List<Decoded> items,
              PhotoProcessor.Processed photo) {

    static Parsed refused(Incoming message, String deviceId, RejectedMessage reason) {
        return new Parsed(message, deviceId, null, reason, List.of(), null);
    }

    static Parsed of(Incoming message, String deviceId, DeviceTopic.Kind kind, List<Decoded> items) {
        return new Parsed(message, deviceId, kind, null, items, null);
    }

    /** A device's message id as one key (the idempotency key's device and id, without its time). */
    static String key(String deviceId, String messageId) {
        return deviceId + '\u0000' + messageId;
    }
}
