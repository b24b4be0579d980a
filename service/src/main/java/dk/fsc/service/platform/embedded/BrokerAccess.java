package dk.fsc.service.platform.embedded;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import dk.fsc.service.platform.security.PasswordHasher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the embedded broker, and as which client id. The gateway's own account may
 * subscribe to what devices send and publish their replies, under its own client ids only; a
 * device logs in with its MQTT credentials from the devices table, under a client id equal to its
 * device id, and may only publish under {@code fsc/v1/devices/{itsId}/} and read its own
 * replies. So no device can take over the gateway's session (or another device's). Retired
 * devices are refused. An optional tool account (the device simulator, development only) may
 * publish as any device, under client ids starting with {@value #TOOL_CLIENT_PREFIX}. The same
 * rules for Mosquitto are in ops/mosquitto.
 */
public final class BrokerAccess implements SimpleAuthenticator {
    /** Client ids of the tool account (DeviceSimulator names its connections so). */
    public static final String TOOL_CLIENT_PREFIX = "fsc-sim-";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerAccess.class);
    private static final String DEVICES = "fsc/v1/devices/";
    private static final String[] DEVICE_SENDS = {"readings", "photos", "status"};
    private final Account gateway;
    private final List<String> gatewayClientIds;
    private final Account tool;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;

    /** A username and its password. */
    public record Account(String username, String password) {
        boolean passwordIs(byte[] pass) {
            return MessageDigest.isEqual(pass, password.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * @param gatewayClientId the gateway's client id; its reply connection adds {@code -replies}
     * @param tool            an account that may publish as any device, or null
     */
    public BrokerAccess(Account gateway, String gatewayClientId, Account tool, String jdbcUrl, String dbUser, String dbPassword) {
        this.gateway = gateway;
        this.gatewayClientIds = List.of(gatewayClientId, gatewayClientId + "-replies");
        this.tool = tool;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String username = input.getConnectPacket().getUserName().orElse(null);
        String clientId = input.getConnectPacket().getClientId();
        byte[] password = input.getConnectPacket().getPassword().map(BrokerAccess::bytes).orElse(new byte[0]);
        if (username == null) {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "a username and password are required");
            return;
        }
        if (username.equals(gateway.username())) {
            // The gateway reads what devices send and answers on their replies topics.
            service(gateway, password, gatewayClientIds.contains(clientId), clientId, output,
                    TopicPermission.MqttActivity.SUBSCRIBE, TopicPermission.MqttActivity.PUBLISH);
            return;
        }
        if (tool != null && username.equals(tool.username())) {
            // The simulator sends as any device and reads their replies.
            service(tool, password, clientId.startsWith(TOOL_CLIENT_PREFIX), clientId, output,
                    TopicPermission.MqttActivity.PUBLISH, TopicPermission.MqttActivity.SUBSCRIBE);
            return;
        }
        var async = output.async(Duration.ofSeconds(10));
        Services.extensionExecutorService().submit(() -> {
            try {
                checkDevice(username, new String(password, StandardCharsets.UTF_8), clientId, output);
            } finally {
                async.resume();
            }
        });
    }

    /** A service account of ours: its password, its client ids, its rights on every device's topics. */
    private static void service(Account account, byte[] password, boolean clientIdAllowed, String clientId, SimpleAuthOutput output,
                                TopicPermission.MqttActivity onDeviceSends, TopicPermission.MqttActivity onReplies) {
        if (!account.passwordIs(password)) {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password");
        } else if (!clientIdAllowed) {
            refuseClientId(output, account.username(), clientId);
        } else {
            allow(output.getDefaultPermissions(), "+", onDeviceSends, DEVICE_SENDS);
            allow(output.getDefaultPermissions(), "+", onReplies, "replies");
            output.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            output.authenticateSuccessfully();
        }
    }

    /** Logged: a known account trying another's client id is how a session takeover starts. */
    private static void refuseClientId(SimpleAuthOutput output, String username, String clientId) {
        LOG.warn("Refused MQTT login of {} with client id {}: an account may use only its own client ids", username, clientId);
        output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                "this account may not use this client id (a device connects with its device id)");
    }

    private static void allow(ModifiableDefaultPermissions permissions, String device, TopicPermission.MqttActivity activity,
                              String... kinds) {
        for (String kind : kinds) {
            permissions.add(Builders.topicPermission().topicFilter(DEVICES + device + "/" + kind)
                    .activity(activity).type(TopicPermission.PermissionType.ALLOW).build());
        }
    }

    private void checkDevice(String username, String password, String clientId, SimpleAuthOutput output) {
        String deviceId;
        try {
            deviceId = deviceWithCredentials(username, password);
        } catch (SQLException e) {
            LOG.warn("Device login check failed: {}", e.getMessage());
            output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "device registry unavailable, try again");
            return;
        }
        if (deviceId == null) {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password, or device retired");
            return;
        }
        if (!deviceId.equals(clientId)) {
            refuseClientId(output, username, clientId);
            return;
        }
        var permissions = output.getDefaultPermissions();
        allow(permissions, deviceId, TopicPermission.MqttActivity.PUBLISH, DEVICE_SENDS);
        allow(permissions, deviceId, TopicPermission.MqttActivity.SUBSCRIBE, "replies");
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        output.authenticateSuccessfully();
    }

    private String deviceWithCredentials(String username, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
             PreparedStatement s = c.prepareStatement(
                     "SELECT id, mqtt_password_hash FROM devices WHERE mqtt_username = ? AND state <> 'retired'")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && PasswordHasher.matches(password, rs.getString(2)) ? rs.getString(1) : null;
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
