package dk.fsc.gateway.ingest;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

/**
 * Readiness ({@code /health/readiness}): this gateway is connected to the broker and subscribed.
 * While it is not, a load balancer or Kubernetes takes no traffic to it; liveness is not affected
 * (the gateway reconnects by itself, and restarting it would not bring the broker back).
 */
@Singleton
@Requires(beans = MqttIngest.class)
class BrokerReadiness implements HealthIndicator {
    private final MqttIngest ingest;

    BrokerReadiness(MqttIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        boolean ready = ingest.isConnected();
        // Connected but not ready: the broker refused the subscription (its ACL), not the login or the network. The details
        // show where health details are visible; the gauges fsc_gateway_broker_connected and _subscribed say it everywhere.
        return Publishers.just(HealthResult.builder("broker", ready ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("connected", ready || ingest.brokerConnected(), "subscribed", ready)).build());
    }
}
