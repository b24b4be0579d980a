package dk.fsc.service.platform.mqtt;

import io.micronaut.core.annotation.Nullable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use a broker that asks us, under which client id, with which topic rights: the one set
 * of rules behind the embedded broker ({@code platform.embedded.BrokerAccess}) and the login
 * endpoint for an external broker such as EMQX ({@code devices.BrokerLoginController},
 * ops/emqx). Mosquitto's dynamic-security roles in ops/mosquitto write the same rules in its own
 * format.
 *
 * <ul>
 *   <li>The gateways' account reads what devices send ({@code readings}, {@code photos},
 *       {@code status} of any device) and answers on their {@code replies}, under the gateways'
 *       client ids only.</li>
 *   <li>A device logs in with its MQTT credentials from the devices table, under a client id equal
 *       to its device id, and may only publish its own {@code readings}, {@code photos},
 *       {@code status} and read its own {@code replies}. Retired devices are refused. So no device
 *       can take over the gateways' session or another device's.</li>
 *   <li>An optional tool account (the device simulator, development only) publishes as any device,
 *       under client ids starting with {@value #TOOL_CLIENT_PREFIX}.</li>
 * </ul>
 */
public final class BrokerRules {
    /** Client ids of the tool account (DeviceSimulator names its connections so). */
    public static final String TOOL_CLIENT_PREFIX = "fsc-sim-";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRules.class);
    private static final String DEVICES = "fsc/v1/devices/";
    private static final List<String> DEVICE_SENDS = List.of("readings", "photos", "status");

    private final Account gateway;
    private final Predicate<String> gatewayClientIds;
    private final @Nullable Account tool;
    private final DeviceRegistry registry;

    /** A service account of ours: a username and its password. */
    public record Account(String username, String password) {
        boolean passwordIs(byte[] pass) {
            return MessageDigest.isEqual(pass, password.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The device registry: the device whose MQTT credentials these are, not retired; null when none. */
    @FunctionalInterface
    public interface DeviceRegistry {
        @Nullable String deviceWithCredentials(String username, String password) throws SQLException;
    }

    /** What a client may do on a topic filter. */
    public enum Action { PUBLISH, SUBSCRIBE }

    /** One right: an action on a topic filter (MQTT wildcards). */
    public record TopicRule(Action action, String filter) {
    }

    /** The answer to a login. */
    public sealed interface Decision permits Allowed, Refused {
    }

    /** Let in, with exactly these rights (everything else is denied). */
    public record Allowed(List<TopicRule> rules) implements Decision {
    }

    /** Kept out, and why (the message is safe to give the client). */
    public record Refused(Reason reason, String message) implements Decision {
    }

    public enum Reason { BAD_CREDENTIALS, CLIENT_ID_NOT_ALLOWED, REGISTRY_UNAVAILABLE }

    /**
     * @param gatewayClientIds which client ids the gateways' account may use
     * @param tool             an account that may publish as any device, or null
     */
    public BrokerRules(Account gateway, Predicate<String> gatewayClientIds, @Nullable Account tool, DeviceRegistry registry) {
        this.gateway = gateway;
        this.gatewayClientIds = gatewayClientIds;
        this.tool = tool;
        this.registry = registry;
    }

    /** Decides a login: the account, its password, and the client id it asks for. */
    public Decision login(@Nullable String username, byte[] password, @Nullable String clientId) {
        if (username == null || username.isEmpty()) {
            return new Refused(Reason.BAD_CREDENTIALS, "a username and password are required");
        }
        String id = clientId == null ? "" : clientId;
        if (username.equals(gateway.username())) {
            return service(gateway, password, gatewayClientIds.test(id), id, Action.SUBSCRIBE, Action.PUBLISH);
        }
        if (tool != null && username.equals(tool.username())) {
            return service(tool, password, id.startsWith(TOOL_CLIENT_PREFIX), id, Action.PUBLISH, Action.SUBSCRIBE);
        }
        String deviceId;
        try {
            deviceId = registry.deviceWithCredentials(username, new String(password, StandardCharsets.UTF_8));
        } catch (SQLException e) {
            return new Refused(Reason.REGISTRY_UNAVAILABLE, "device registry unavailable, try again");
        }
        if (deviceId == null) {
            return new Refused(Reason.BAD_CREDENTIALS, "bad username or password, or device retired");
        }
        if (!deviceId.equals(id)) {
            return clientIdRefused(username, id);
        }
        return new Allowed(rules(deviceId, Action.PUBLISH, Action.SUBSCRIBE));
    }

    private static Decision service(Account account, byte[] password, boolean clientIdAllowed, String clientId, Action onDeviceSends,
                                    Action onReplies) {
        if (!account.passwordIs(password)) {
            return new Refused(Reason.BAD_CREDENTIALS, "bad username or password");
        }
        if (!clientIdAllowed) {
            return clientIdRefused(account.username(), clientId);
        }
        return new Allowed(rules("+", onDeviceSends, onReplies));
    }

    /** Logged: a known account trying another's client id is how a session takeover starts. */
    private static Refused clientIdRefused(String username, String clientId) {
        LOG.warn("Refused MQTT login of {} with client id {}: an account may use only its own client ids", username, clientId);
        return new Refused(Reason.CLIENT_ID_NOT_ALLOWED, "this account may not use this client id (a device connects with its device id)");
    }

    private static List<TopicRule> rules(String device, Action onDeviceSends, Action onReplies) {
        List<TopicRule> rules = new ArrayList<>();
        for (String kind : DEVICE_SENDS) {
            rules.add(new TopicRule(onDeviceSends, DEVICES + device + "/" + kind));
        }
        rules.add(new TopicRule(onReplies, DEVICES + device + "/replies"));
        return List.copyOf(rules);
    }
}
