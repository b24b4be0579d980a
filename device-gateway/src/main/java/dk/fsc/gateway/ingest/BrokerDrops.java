package dk.fsc.gateway.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's own count of messages it acknowledged and then dropped (a session's queue full,
 * say), read from Mosquitto's {@code $SYS/broker/publish/messages/dropped}: each one is a reading
 * a device thinks delivered. Exported as {@code fsc_broker_messages_dropped_total} (the embedded
 * broker exports the same name) and logged as an error whenever it grows.
 */
final class BrokerDrops {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerDrops.class);
    private final String topic;
    private final AtomicLong dropped = new AtomicLong();
    private long brokerCountSeen = -1;

    BrokerDrops(String topic, MeterRegistry registry) {
        this.topic = topic;
        if (topic() == null) {
            return; // the embedded broker in this process exports the same name itself
        }
        FunctionCounter.builder("fsc.broker.messages.dropped", dropped, AtomicLong::get)
                .description("Messages the broker acknowledged to a device and then dropped (queue full, delivery failed)")
                .register(registry);
    }

    /** The topic to subscribe to, or null when off. */
    String topic() {
        return topic == null || topic.isBlank() ? null : topic;
    }

    boolean isFor(String messageTopic) {
        return topic() != null && topic.equals(messageTopic);
    }

    /** Takes one report of the broker's count since its start. */
    synchronized void report(byte[] payload) {
        long count;
        try {
            count = Long.parseLong(new String(payload, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return;
        }
        if (brokerCountSeen < 0 || count < brokerCountSeen) {
            // First report, or the broker restarted: its drops before we listened count once, as new.
            if (count > 0) {
                grew(count, count);
            }
        } else if (count > brokerCountSeen) {
            grew(count - brokerCountSeen, count);
        }
        brokerCountSeen = count;
    }

    private void grew(long more, long total) {
        dropped.addAndGet(more);
        LOG.error("The MQTT broker dropped {} message(s) it had acknowledged to devices ({} since it started): devices will "
                + "not resend them. Usually a session's queue was full (max_queued_messages); see docs/mqtt.md", more, total);
    }
}
