package dk.fsc.service.devices;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.mqtt.BrokerRules;
import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logins of an external broker that asks us (EMQX's HTTP authentication, ops/emqx): the
 * {@link BrokerRules} the embedded broker uses, answered in EMQX's format with the client's
 * topic rights in the answer ({@code acl}, EMQX 5.8 and later), so the broker asks once per
 * connection and not once per message. The broker proves itself with {@code FSC_BROKER_LOGIN_TOKEN}
 * in the {@value #TOKEN_HEADER} header; without that setting the endpoint refuses everything.
 * Each login holds for {@code fsc.broker-login.recheck} (1 h): then the broker disconnects the
 * client and it logs in again, so a retired device is out within that time.
 */
@Singleton
public class BrokerLogins {
    public static final String TOKEN_HEADER = "X-FSC-Broker-Token";
    private final @Nullable String token;
    private final Duration recheck;
    private final BrokerRules rules;

    BrokerLogins(@Nullable @Value("${fsc.broker-login.token:}") String token,
                 @Value("${fsc.broker-login.gateway-client-prefix:fsc-gateway}") String gatewayClientPrefix,
                 @Value("${fsc.broker-login.recheck:1h}") Duration recheck, GatewayConfig gateway, DeviceStore devices) {
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.recheck = recheck;
        // Without a gateway account configured, no login is taken as the gateways' (an empty username is always refused).
        BrokerRules.Account gateways = gateway.getUsername() == null || gateway.getUsername().isBlank()
                ? new BrokerRules.Account("", PasswordHasher.randomSecret(24))
                : new BrokerRules.Account(gateway.getUsername(), gateway.getPassword() == null ? "" : gateway.getPassword());
        this.rules = new BrokerRules(gateways, id -> id.startsWith(gatewayClientPrefix), null, (username, password) -> {
            try {
                return devices.deviceWithCredentials(username, password).orElse(null);
            } catch (RuntimeException e) { // the database away: the broker is told to try again (503), not "wrong password"
                throw new java.sql.SQLException("device registry unavailable", e);
            }
        });
    }

    /** The broker's login request (its token, then the client's credentials) answered in EMQX's format. */
    public Map<String, Object> login(@Nullable String brokerToken, @Nullable String username, @Nullable String password,
                                     @Nullable String clientId) {
        if (token == null) {
            throw Refusal.unauthenticated("broker logins are off here: set FSC_BROKER_LOGIN_TOKEN (ops/emqx/README.md)");
        }
        if (brokerToken == null || !MessageDigest.isEqual(brokerToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw Refusal.unauthenticated("the broker's token (" + TOKEN_HEADER + ") is missing or wrong");
        }
        BrokerRules.Decision decision = rules.login(username, password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8), clientId);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (decision instanceof BrokerRules.Allowed allowed) {
            answer.put("result", "allow");
            answer.put("is_superuser", false);
            answer.put("expire_at", Instant.now().plus(recheck).getEpochSecond());
            answer.put("acl", acl(allowed.rules()));
        } else if (decision instanceof BrokerRules.Refused refused) {
            if (refused.reason() == BrokerRules.Reason.REGISTRY_UNAVAILABLE) {
                throw Refusal.unavailable(refused.message()); // the broker counts it as "ignore": the client is not let in
            }
            answer.put("result", "deny");
        }
        return answer;
    }

    /**
     * The rights in EMQX's ACL format, then "deny everything else". A filter without wildcards is
     * matched literally ({@code eq}), so a device cannot widen it with a wildcard of its own; the
     * gateways' subscriptions are allowed plainly and in their shared form ({@code $share/...}).
     */
    static List<Map<String, Object>> acl(List<BrokerRules.TopicRule> rules) {
        List<Map<String, Object>> acl = new ArrayList<>();
        for (BrokerRules.TopicRule rule : rules) {
            String action = rule.action() == BrokerRules.Action.PUBLISH ? "publish" : "subscribe";
            boolean wildcard = rule.filter().contains("+") || rule.filter().contains("#");
            acl.add(Map.of("permission", "allow", "action", action, "topic", wildcard ? rule.filter() : "eq " + rule.filter()));
            if (wildcard && rule.action() == BrokerRules.Action.SUBSCRIBE) {
                acl.add(Map.of("permission", "allow", "action", action, "topic", "$share/+/" + rule.filter()));
            }
        }
        acl.add(Map.of("permission", "deny", "action", "all", "topic", "#"));
        return acl;
    }
}
