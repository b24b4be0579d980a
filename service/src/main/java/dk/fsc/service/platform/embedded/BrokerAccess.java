package dk.fsc.service.platform.embedded;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the embedded broker: the gateway's own account may do anything; a device logs in
 * with its MQTT credentials from the devices table and may only publish under
 * {@code fsc/v1/devices/{itsId}/} and read its own replies. Retired devices are refused. The same
 * rules for Mosquitto are in ops/mosquitto.
 */
public final class BrokerAccess implements SimpleAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerAccess.class);
    private final String gatewayUsername;
    private final byte[] gatewayPassword;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;

    public BrokerAccess(String gatewayUsername, String gatewayPassword, String jdbcUrl, String dbUser, String dbPassword) {
        this.gatewayUsername = gatewayUsername;
        this.gatewayPassword = gatewayPassword.getBytes(StandardCharsets.UTF_8);
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String username = input.getConnectPacket().getUserName().orElse(null);
        byte[] password = input.getConnectPacket().getPassword().map(BrokerAccess::bytes).orElse(new byte[0]);
        if (username == null) {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "a username and password are required");
            return;
        }
        if (username.equals(gatewayUsername)) {
            if (MessageDigest.isEqual(password, gatewayPassword)) {
                output.authenticateSuccessfully();
            } else {
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password");
            }
            return;
        }
        var async = output.async(Duration.ofSeconds(10));
        Services.extensionExecutorService().submit(() -> {
            try {
                checkDevice(username, new String(password, StandardCharsets.UTF_8), output);
            } finally {
                async.resume();
            }
        });
    }

    private void checkDevice(String username, String password, SimpleAuthOutput output) {
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
        var permissions = output.getDefaultPermissions();
        String own = "fsc/v1/devices/" + deviceId + "/";
        for (String kind : new String[] {"readings", "photos", "status"}) {
            permissions.add(Builders.topicPermission().topicFilter(own + kind)
                    .activity(TopicPermission.MqttActivity.PUBLISH).type(TopicPermission.PermissionType.ALLOW).build());
        }
        permissions.add(Builders.topicPermission().topicFilter(own + "replies")
                .activity(TopicPermission.MqttActivity.SUBSCRIBE).type(TopicPermission.PermissionType.ALLOW).build());
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
