package dk.fsc.gateway.contract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of a device message: {@code fsc/v1/devices/{deviceId}/{kind}}. The device id is
 * the FSC device id, never a CPR number.
 */
public record DeviceTopic(String deviceId, Kind kind) {

    /** What a device publishes. */
    public enum Kind { readings, photos, status }

    public static final String PREFIX = "fsc/v1/devices/";
    private static final Pattern TOPIC = Pattern.compile("^fsc/v1/devices/([A-Za-z0-9_-]{3,64})/([a-z]+)$");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{3,64}");

    public static DeviceTopic parse(String topic) throws RejectedMessage {
        Matcher m = TOPIC.matcher(topic == null ? "" : topic);
        if (!m.matches()) {
            throw new RejectedMessage(RejectionCode.BAD_TOPIC,
                    "topic must be fsc/v1/devices/{deviceId}/{readings|photos|status}");
        }
        for (Kind kind : Kind.values()) {
            if (kind.name().equals(m.group(2))) {
                return new DeviceTopic(m.group(1), kind);
            }
        }
        throw new RejectedMessage(RejectionCode.BAD_TOPIC, "unknown message kind '" + m.group(2) + "'");
    }

    /** Device id taken from any topic under the prefix, even a malformed one, for replies and quarantine. */
    public static String deviceIdOf(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return null;
        }
        String rest = topic.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        return DEVICE_ID.matcher(id).matches() ? id : null; // compiled once: this runs for every message
    }

    /**
     * Whether a topic is one the gateway subscribes to ({@code fsc/v1/devices/+/{kind}}): anything
     * else reached it through a subscription it did not make, and is never answered.
     */
    public static boolean isSubscribed(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return false;
        }
        String[] rest = topic.substring(PREFIX.length()).split("/", -1);
        if (rest.length != 2) {
            return false;
        }
        for (Kind kind : Kind.values()) {
            if (kind.name().equals(rest[1])) {
                return true;
            }
        }
        return false;
    }

    public static String repliesTopic(String deviceId) {
        return PREFIX + deviceId + "/replies";
    }

    public static String subscription(Kind kind) {
        return PREFIX + "+/" + kind.name();
    }
}
