package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BrokerDropsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BrokerDrops drops = new BrokerDrops("$SYS/broker/publish/messages/dropped", registry);

    private double counted() {
        return registry.get("fsc.broker.messages.dropped").functionCounter().count();
    }

    private void report(String count) {
        drops.report(count.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void countsWhatTheBrokerDroppedAcrossItsRestarts() {
        report("0");
        assertEquals(0, counted());
        report("5");
        report("5");
        assertEquals(5, counted());
        report("889");
        assertEquals(889, counted());
        report("3"); // the broker restarted: its count began again
        assertEquals(892, counted());
        report("not a number");
        assertEquals(892, counted());
    }

    @Test
    void dropsBeforeTheGatewayListenedCountOnce() {
        report("12");
        report("12");
        assertEquals(12, counted());
    }
}
