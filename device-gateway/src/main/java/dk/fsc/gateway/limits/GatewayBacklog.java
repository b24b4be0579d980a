package dk.fsc.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether this process's gateway is behind its broker: the batch one of its writers took last was
 * as large as a batch can be ({@code fsc.gateway.batch-size}, or the writer's share of the broker's
 * in-flight window when that is smaller), so more messages were waiting for it. That is a flood: a backlog drained after an
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
    /** Writers whose last batch was full. */
    private final AtomicInteger lanesBehind = new AtomicInteger();
    private final Counter fullBatches;

    public GatewayBacklog(MeterRegistry registry) {
        registry.gauge("fsc.gateway.behind", this, b -> b.behind() ? 1 : 0);
        fullBatches = Counter.builder("fsc.gateway.batches.full")
                .description("Batches the gateway took full, with more messages waiting: how often it was behind").register(registry);
    }

    /** What one batch writer tells of itself; the gateway is behind while any of its writers is. */
    public Lane lane() {
        return new Lane();
    }

    /** Batches taken full so far. */
    public long fullBatches() {
        return (long) fullBatches.count();
    }

    public boolean behind() {
        return lanesBehind.get() > 0;
    }

    /** One writer's state; used by that writer's thread only. */
    public final class Lane {
        private boolean behind;

        private Lane() {
        }

        /** The writer took a batch of {@code size}; {@code full} is the most it could take. */
        public void batchTaken(int size, int full) {
            set(size >= full);
            if (size >= full) {
                fullBatches.increment();
            }
        }

        /** The writer found nothing waiting, or stopped. */
        public void caughtUp() {
            set(false);
        }

        private void set(boolean now) {
            if (now != behind) {
                behind = now;
                lanesBehind.addAndGet(now ? 1 : -1);
            }
        }
    }
}
