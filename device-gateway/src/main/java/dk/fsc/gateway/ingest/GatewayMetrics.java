package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectionCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/** The gateway's Prometheus metrics (names in docs/operations.md). */
@Singleton
class GatewayMetrics {
    private final MeterRegistry registry;
    private final Counter messages;
    private final Counter received;
    private final Counter stored;
    private final Counter observations;
    private final Counter duplicates;
    private final Counter repliesLost;
    private final Counter notKept;
    private final Map<RejectionCode, Counter> rejected = new EnumMap<>(RejectionCode.class);
    private final Map<DeviceTopic.Kind, Map<Outcome.Status, Counter>> otherKinds = new EnumMap<>(DeviceTopic.Kind.class);
    private final DistributionSummary batchSize;
    private final Timer commit;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        messages = Counter.builder("fsc.gateway.messages.received").description("MQTT messages taken from the broker").register(registry);
        received = Counter.builder("fsc.gateway.readings.received").description("Reading objects received").register(registry);
        stored = Counter.builder("fsc.gateway.readings.stored").description("Reading objects committed").register(registry);
        observations = Counter.builder("fsc.gateway.observations.stored").description("Observations committed").register(registry);
        duplicates = Counter.builder("fsc.gateway.readings.duplicates").description("Redelivered or resent readings already stored").register(registry);
        repliesLost = Counter.builder("fsc.gateway.replies.unsent").description("Replies the broker did not take").register(registry);
        notKept = Counter.builder("fsc.gateway.quarantine.quota.exceeded")
                .description("Rejected messages not kept because their device's quarantine quota was used up").register(registry);
        for (RejectionCode code : RejectionCode.values()) {
            rejected.put(code, Counter.builder("fsc.gateway.readings.rejected").tag("code", code.name())
                    .description("Message objects (readings, photos, status reports) rejected and quarantined").register(registry));
        }
        for (DeviceTopic.Kind kind : new DeviceTopic.Kind[] {DeviceTopic.Kind.photos, DeviceTopic.Kind.status}) {
            Map<Outcome.Status, Counter> byStatus = new EnumMap<>(Outcome.Status.class);
            for (Outcome.Status status : Outcome.Status.values()) {
                byStatus.put(status, Counter.builder("fsc.gateway." + kind.name() + ".received").tag("status", status.name())
                        .description("Device " + kind.name() + " messages by what became of them").register(registry));
            }
            otherKinds.put(kind, byStatus);
        }
        batchSize = DistributionSummary.builder("fsc.gateway.batch.size").description("MQTT messages per committed batch").register(registry);
        // A histogram, so dashboards and rules can read p99 across gateways (ops/grafana, ops/prometheus).
        commit = Timer.builder("fsc.gateway.batch.commit").description("Time to write and commit a batch").publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofMillis(1)).maximumExpectedValue(java.time.Duration.ofSeconds(30)).register(registry);
    }

    void queueDepth(Collection<?> queue) {
        registry.gauge("fsc.gateway.queue.depth", queue, Collection::size);
    }

    void oldestUnacknowledged(BatchWriter writer) {
        registry.gauge("fsc.gateway.oldest.unacknowledged.seconds", writer, BatchWriter::oldestUnacknowledgedSeconds);
    }

    void batch(int messageCount, long nanos) {
        messages.increment(messageCount);
        batchSize.record(messageCount);
        commit.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * Readings (and messages whose topic named no kind) count in the readings counters; photos
     * and status reports in their own, by status; every rejection also by code.
     */
    void outcome(Outcome outcome) {
        if (outcome.code() == RejectionCode.QUARANTINE_QUOTA_EXCEEDED) {
            notKept.increment();
        }
        Map<Outcome.Status, Counter> other = outcome.kind() == null ? null : otherKinds.get(outcome.kind());
        if (other != null) {
            other.get(outcome.status()).increment();
            if (outcome.status() == Outcome.Status.rejected) {
                rejected.get(outcome.code()).increment();
            }
            return;
        }
        received.increment();
        switch (outcome.status()) {
            case accepted -> {
                stored.increment();
                observations.increment(outcome.observations());
            }
            case duplicate -> duplicates.increment();
            case rejected -> rejected.get(outcome.code()).increment();
        }
    }

    void replyLost() {
        repliesLost.increment();
    }
}
