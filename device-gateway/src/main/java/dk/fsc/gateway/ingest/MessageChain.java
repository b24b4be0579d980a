package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectedMessage;
import java.time.Clock;

/**
 * The checks every device message goes through, in order, listed at {@link #check}; the first that
 * fails gives the device's reply its code (docs/mqtt.md) and keeps the message in quarantine.
 * Checks 1 to 4 need no database; 5 to 9 run in the batch's transaction ({@link ReadingStore}; two
 * when some of its messages have a value at a red limit: {@link StoreRetries}) on the facts it reads
 * once per transaction, each decided by a small class of its own.
 */
final class MessageChain {
    /** Null: no rate limit (a replay from quarantine, or none configured). */
    private final RateCheck rate;
    private final MessageParser parser;

    private MessageChain(RateCheck rate, MessageParser parser) {
        this.rate = rate;
        this.parser = parser;
    }

    /** For live messages: with the device rate limit, if one is configured. */
    static MessageChain live(GatewayConfig config) {
        RateCheck rate = config.getDeviceRate() > 0 ? new RateCheck(config.getDeviceRate(), config.getDeviceBurst()) : null;
        return new MessageChain(rate, new MessageParser(Clock.systemUTC(), config));
    }

    /** For a replay from quarantine: no rate limit, and the clock set to when the message first arrived. */
    static MessageChain replay(Clock firstArrived, GatewayConfig config) {
        return new MessageChain(null, new MessageParser(firstArrived, config));
    }

    /**
     * The chain, in order:
     * <ol>
     * <li>the device is within its message rate (RATE_LIMITED; {@link RateCheck})
     * <li>the topic is a device topic of a known kind ({@link DeviceTopic})
     * <li>the payload decodes by its kind and every value is plausible, with its time not too far ahead
     *     nor too far back ({@link MessageParser}, with the contract's decoders)
     * <li>a photo is an image that can be cleaned of its metadata ({@link dk.fsc.gateway.photos.PhotoProcessor})
     * <li>the device is registered and not retired (UNKNOWN_DEVICE, DEVICE_RETIRED; {@link Attribution})
     * <li>a reading or photo: the device was on loan at the time it was taken, to the patient it
     *     is stored for (DEVICE_NOT_ON_LOAN; {@link Attribution})
     * <li>the message id is new to the device; else a duplicate when the stored message is the
     *     same, or MESSAGE_ID_REUSED ({@link Resend})
     * <li>stored; what was rejected is kept in quarantine within the device's quota
     *     (QUARANTINE_QUOTA_EXCEEDED when not kept; {@link QuarantineRows})
     * <li>the patients of new readings are asked to be evaluated, first when a value is at a red
     *     limit ({@link dk.fsc.gateway.storage.EvaluationRequestRows})
     * </ol>
     * Checks 1 to 4 are this method, run on each message as it arrives ({@link MqttIngest}); steps
     * 5 to 9 run for a batch of checked messages in one transaction ({@link ReadingStore}, retried
     * by {@link StoreRetries} while the database is unavailable; the messages with a value at a red
     * limit first, in a transaction of their own). The writer then acknowledges the
     * batch to the broker (after the commit) and replies to each device ({@link BatchWriter}).
     */
    Parsed check(Incoming message) {
        RejectedMessage overRate = rate == null ? null : rate.check(message.topic());
        if (overRate != null) {
            return Parsed.refused(message, DeviceTopic.deviceIdOf(message.topic()), overRate);
        }
        return parser.parse(message);
    }
}
