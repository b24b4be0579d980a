package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.PhotoDecoder;
import dk.fsc.gateway.contract.ReadingDecoder;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.StatusDecoder;
import dk.fsc.gateway.photos.PhotoProcessor;
import java.time.Clock;
import java.util.List;

/**
 * Everything about a message that needs no database: the topic, the payload by its kind, and for
 * a photo the removal of its metadata and the thumbnail. Used for live messages and for replays
 * from quarantine (then with the clock set to when the message first arrived).
 */
final class MessageParser {
    private final ReadingDecoder readings;
    private final PhotoDecoder photos;
    private final StatusDecoder status;
    private final PhotoProcessor processor = new PhotoProcessor();

    MessageParser(Clock clock, GatewayConfig config) {
        this.readings = new ReadingDecoder(clock, config.getFutureTolerance(), config.getBacklogWindow());
        this.photos = new PhotoDecoder(clock, config.getFutureTolerance(), config.getBacklogWindow());
        this.status = new StatusDecoder(clock, config.getFutureTolerance(), config.getBacklogWindow());
    }

    Parsed parse(Incoming message) {
        String deviceId = DeviceTopic.deviceIdOf(message.topic());
        DeviceTopic topic;
        try {
            topic = DeviceTopic.parse(message.topic());
        } catch (RejectedMessage e) {
            return Parsed.refused(message, deviceId, e);
        }
        return switch (topic.kind()) {
            case readings -> Parsed.of(message, deviceId, topic.kind(), readings.decode(message.payload()));
            case status -> Parsed.of(message, deviceId, topic.kind(), List.of(status.decode(message.payload())));
            case photos -> photo(message, deviceId);
        };
    }

    private Parsed photo(Incoming message, String deviceId) {
        Decoded decoded = photos.decode(message.payload());
        if (!(decoded instanceof Decoded.Photo photo)) {
            return Parsed.of(message, deviceId, DeviceTopic.Kind.photos, List.of(decoded));
        }
        try {
            PhotoProcessor.Processed processed = processor.process(photo.photo().format(), photo.photo().image());
            return new Parsed(message, deviceId, DeviceTopic.Kind.photos, null, List.of(photo), processed);
        } catch (RejectedMessage e) {
            return Parsed.of(message, deviceId, DeviceTopic.Kind.photos,
                    List.of(new Decoded.Invalid(photo.messageId(), e, message.payload())));
        }
    }
}
