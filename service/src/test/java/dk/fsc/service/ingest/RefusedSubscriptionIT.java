package dk.fsc.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.ingest.MqttIngest;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.LocalMosquitto;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A broker that accepts the gateway's login but refuses its subscription (an ACL without the
 * shared subscription) says so in the SUBACK's reason codes, which the MQTT client does not throw
 * for: the gateway must not report itself ready while it takes nothing.
 */
@MicronautTest(transactional = false)
class RefusedSubscriptionIT extends IntegrationTest {
    private LocalMosquitto mosquitto;

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    MqttIngest ingest;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        // An account that may log in and publish, but subscribe to nothing.
        mosquitto = LocalMosquitto.startForGateway(p, m -> new String[] {m.simulatorUser, m.simulatorPassword});
        return p;
    }

    @AfterAll
    void stopBroker() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void aGatewayWhoseSubscriptionIsRefusedIsNotReady() throws Exception {
        Thread.sleep(3000); // connected and refused by now (the broker answers at once)
        assertFalse(ingest.isConnected(), "a refused subscription is not a working gateway");
        assertTrue(ingest.brokerConnected(), "logged in: the subscription was refused, not the login");
        int[] status = new int[1];
        Eventually.await("readiness answers 503", Duration.ofSeconds(10), () -> {
            try {
                http.toBlocking().retrieve("/health/readiness");
                status[0] = 200;
            } catch (HttpClientResponseException e) {
                status[0] = e.getStatus().getCode();
            }
            return status[0] == 503;
        });
        assertEquals(503, status[0]);
        // What operations see (health details are not shown to anonymous callers): logged in, not subscribed.
        String metrics = http.toBlocking().retrieve("/prometheus");
        assertTrue(metrics.contains("fsc_gateway_broker_connected 1.0"), "connected");
        assertTrue(metrics.contains("fsc_gateway_broker_subscribed 0.0"), "not subscribed");
    }
}
