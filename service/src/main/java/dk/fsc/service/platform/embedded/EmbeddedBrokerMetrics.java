package dk.fsc.service.platform.embedded;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/** The embedded broker's dropped messages on /prometheus ({@code fsc_broker_messages_dropped_total}); alert on any. */
@Context
@Requires(beans = EmbeddedBroker.class)
class EmbeddedBrokerMetrics {
    EmbeddedBrokerMetrics(EmbeddedBroker broker, MeterRegistry registry) {
        FunctionCounter.builder("fsc.broker.messages.dropped", broker, EmbeddedBroker::droppedMessages)
                .description("Messages the embedded broker acknowledged to a device and then dropped (queue full, delivery failed)")
                .register(registry);
    }
}
