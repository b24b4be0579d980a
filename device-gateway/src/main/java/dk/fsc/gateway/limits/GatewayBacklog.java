package dk.fsc.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Whether this process's gateway is behind its broker: the batch it took last was as large as
 * a batch can be ({@code fsc.gateway.batch-size}, or the broker's in-flight window when that is
 * smaller), so more messages were waiting for it. That is a flood: a backlog drained after an
 * outage, devices reconnecting after a broker restart, or more load than the database takes. A
 * gateway that keeps up takes what came since its last commit, which is less.
 *
 * <p>The service's evaluation workers read it to give storing precedence while it lasts
 * ({@code fsc.alerts.defer-while-gateway-behind}, docs/operations.md): patients whose newest
 * reading is at a red limit are still evaluated at once, the others wait a bounded time and are
 * evaluated once for all that came meanwhile. Always false where no gateway runs in the process.
 */
@Singleton
public class GatewayBacklog {
    private volatile boolean behind;
    private final Counter fullBatches;

    public GatewayBacklog(MeterRegistry registry) {
        registry.gauge("fsc.gateway.behind", this, b -> b.behind ? 1 : 0);
        fullBatches = Counter.builder("fsc.gateway.batches.full")
                .description("Batches the gateway took full, with more messages waiting: how often it was behind").register(registry);
    }

    /** The gateway's writer took a batch of {@code size}; {@code full} is the most it could take. */
    public void batchTaken(int size, int full) {
        behind = size >= full;
        if (behind) {
            fullBatches.increment();
        }
    }

    /** Batches taken full so far. */
    public long fullBatches() {
        return (long) fullBatches.count();
    }

    /** The gateway's writer found nothing waiting, or stopped. */
    public void caughtUp() {
        behind = false;
    }

    public boolean behind() {
        return behind;
    }
}
