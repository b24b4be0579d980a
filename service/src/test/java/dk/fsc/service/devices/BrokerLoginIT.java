package dk.fsc.service.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/broker/login}, the login check an external broker (EMQX) asks for each
 * connection: the embedded broker's rules, answered in EMQX's format with the client's rights.
 */
@MicronautTest(transactional = false)
class BrokerLoginIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();
    private final String brokerToken = PasswordHasher.randomSecret(24);
    private final String gatewayPassword = PasswordHasher.randomSecret(24);

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.gateway.enabled", "false"); // the gateways' account below is for the broker's questions only
        p.put("fsc.gateway.username", "fsc-gateway");
        p.put("fsc.gateway.password", gatewayPassword);
        p.put("fsc.broker-login.token", brokerToken);
        return p;
    }

    @Test
    void aDeviceMayUseOnlyItsOwnTopicsUnderItsOwnClientId() {
        String device = fixtures.device("on_loan");
        Map<String, Object> allowed = login(brokerToken, device, "pw-" + device, device);
        assertEquals("allow", allowed.get("result"));
        assertEquals(false, allowed.get("is_superuser"));
        long expires = ((Number) allowed.get("expire_at")).longValue();
        assertTrue(expires > Instant.now().getEpochSecond() + 3000 && expires <= Instant.now().getEpochSecond() + 3600,
                "a login holds an hour, then the device logs in again: " + expires);
        assertEquals(List.of(
                rule("allow", "publish", "eq fsc/v1/devices/" + device + "/readings"),
                rule("allow", "publish", "eq fsc/v1/devices/" + device + "/photos"),
                rule("allow", "publish", "eq fsc/v1/devices/" + device + "/status"),
                rule("allow", "subscribe", "eq fsc/v1/devices/" + device + "/replies"),
                rule("deny", "all", "#")), allowed.get("acl"));

        assertEquals("deny", login(brokerToken, device, "pw-" + device, "fsc-gateway-1").get("result"),
                "a device under another client id (the gateways' session) is refused");
        assertEquals("deny", login(brokerToken, device, "wrong", device).get("result"));
        assertEquals("deny", login(brokerToken, "NO-SUCH-DEVICE", "pw", "NO-SUCH-DEVICE").get("result"));
        assertEquals("deny", login(brokerToken, "", "", "x").get("result"));
        fixtures.update("UPDATE devices SET state = 'retired' WHERE id = ?", device);
        assertEquals("deny", login(brokerToken, device, "pw-" + device, device).get("result"), "a retired device is refused");
    }

    @Test
    void theGatewaysReadEveryDevicesMessagesSharedOrNotUnderTheirOwnClientIds() {
        Map<String, Object> allowed = login(brokerToken, "fsc-gateway", gatewayPassword, "fsc-gateway-2-replies");
        assertEquals("allow", allowed.get("result"));
        List<?> acl = (List<?>) allowed.get("acl");
        assertTrue(acl.contains(rule("allow", "subscribe", "fsc/v1/devices/+/readings")), acl::toString);
        assertTrue(acl.contains(rule("allow", "subscribe", "$share/+/fsc/v1/devices/+/readings")), acl::toString);
        assertTrue(acl.contains(rule("allow", "publish", "fsc/v1/devices/+/replies")), acl::toString);
        assertFalse(acl.contains(rule("allow", "publish", "fsc/v1/devices/+/readings")), "gateways never publish readings");
        assertEquals(rule("deny", "all", "#"), acl.get(acl.size() - 1));

        assertEquals("deny", login(brokerToken, "fsc-gateway", gatewayPassword, "SIM-DEVICE-1").get("result"),
                "the gateways' account under a client id not theirs");
        assertEquals("deny", login(brokerToken, "fsc-gateway", "wrong", "fsc-gateway-1").get("result"));
    }

    @Test
    void onlyTheBrokerMayAsk() {
        String device = fixtures.device("on_loan");
        for (String token : new String[] {null, "wrong-" + brokerToken}) {
            HttpRequest<?> request = HttpRequest.POST("/api/broker/login",
                    Map.of("username", device, "password", "pw-" + device, "clientid", device));
            if (token != null) {
                request = ((io.micronaut.http.MutableHttpRequest<?>) request).header(BrokerLogins.TOKEN_HEADER, token);
            }
            HttpRequest<?> call = request;
            HttpClientResponseException e = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                    () -> http.toBlocking().exchange(call, Map.class));
            assertEquals(401, e.getStatus().getCode());
            assertEquals("application/problem+json", e.getResponse().getContentType().map(Object::toString).orElse(""));
            assertTrue(e.getResponse().getBody(Map.class).map(b -> String.valueOf(b.get("detail"))).orElse("").contains(BrokerLogins.TOKEN_HEADER),
                    "the answer says what is missing");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> login(String token, String username, String password, String clientId) {
        return http.toBlocking().retrieve(HttpRequest.POST("/api/broker/login",
                Map.of("username", username, "password", password, "clientid", clientId)).header(BrokerLogins.TOKEN_HEADER, token), Map.class);
    }

    private static Map<String, Object> rule(String permission, String action, String topic) {
        return Map.of("permission", permission, "action", action, "topic", topic);
    }
}
