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
import dk.fsc.service.platform.mqtt.BrokerRules;
import dk.fsc.service.platform.security.PasswordHasher;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The embedded broker's logins, decided by {@link BrokerRules} (the same rules an external broker
 * gets from {@code POST /api/broker/login}): the gateway's account under its two client ids, devices
 * under their device ids with rights on their own topics only, the optional tool account.
 */
public final class BrokerAccess implements SimpleAuthenticator {
    private final BrokerRules rules;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;

    /**
     * @param gatewayClientId the gateway's client id; its reply connection adds {@code -replies}
     * @param tool            an account that may publish as any device, or null
     */
    public BrokerAccess(BrokerRules.Account gateway, String gatewayClientId, BrokerRules.Account tool, String jdbcUrl, String dbUser,
                        String dbPassword) {
        List<String> gatewayClientIds = List.of(gatewayClientId, gatewayClientId + "-replies");
        this.rules = new BrokerRules(gateway, gatewayClientIds::contains, tool, this::deviceWithCredentials);
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String username = input.getConnectPacket().getUserName().orElse(null);
        String clientId = input.getConnectPacket().getClientId();
        byte[] password = input.getConnectPacket().getPassword().map(BrokerAccess::bytes).orElse(new byte[0]);
        // A device's login reads the database: off the broker's own threads.
        var async = output.async(Duration.ofSeconds(10));
        Services.extensionExecutorService().submit(() -> {
            try {
                apply(rules.login(username, password, clientId), output);
            } finally {
                async.resume();
            }
        });
    }

    private static void apply(BrokerRules.Decision decision, SimpleAuthOutput output) {
        if (decision instanceof BrokerRules.Allowed allowed) {
            ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
            for (BrokerRules.TopicRule rule : allowed.rules()) {
                permissions.add(Builders.topicPermission().topicFilter(rule.filter())
                        .activity(rule.action() == BrokerRules.Action.PUBLISH ? TopicPermission.MqttActivity.PUBLISH
                                : TopicPermission.MqttActivity.SUBSCRIBE)
                        .type(TopicPermission.PermissionType.ALLOW).build());
            }
            permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            output.authenticateSuccessfully();
        } else if (decision instanceof BrokerRules.Refused refused) {
            switch (refused.reason()) {
                case CLIENT_ID_NOT_ALLOWED -> output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID, refused.message());
                case REGISTRY_UNAVAILABLE -> output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, refused.message());
                case BAD_CREDENTIALS -> output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, refused.message());
            }
        }
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
