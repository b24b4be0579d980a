package dk.fsc.service.alerts;

import dk.fsc.service.alerts.EvaluationBatch.Claim;
import dk.fsc.service.alerts.EvaluationBatch.Raised;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker's round: claim waiting patients, evaluate them (the urgent ones in a transaction of
 * their own first, {@link EvaluationBatch#urgentFirst}), and time what each alert waited for. A
 * transaction that fails gives back its claims and those not yet evaluated.
 */
@Singleton
class EvaluationRound {
    private final EvaluationBatch batch;
    private final Timer evaluations;
    private final Timer alertLatency;
    private final Timer waiting;
    private final Timer behind;
    private final Timer evaluating;
    private final Timer committing;

    EvaluationRound(EvaluationBatch batch, MeterRegistry registry) {
        this.batch = batch;
        this.evaluations = Timer.builder("fsc.evaluation").description("Patient evaluations (claim, score, raise alerts, commit)")
                .register(registry);
        // From a reading's commit (its evaluation request) to the commit of the alert it raised or
        // updated: what a nurse waits beyond the device. A histogram, so p50/p99 can be read across instances.
        this.alertLatency = Timer.builder("fsc.alert.latency").description("From a reading's commit to its alert's commit")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
        // The same latency in its four consecutive parts, so a slow alert says where it waited.
        this.waiting = latencyPart(registry, "waiting", "from the reading's commit until its patient was claimed");
        this.behind = latencyPart(registry, "behind", "from the claim until the patient's own evaluation began (others first)");
        this.evaluating = latencyPart(registry, "evaluating", "the patient's own evaluation and its alerts (the event lock's wait in it)");
        this.committing = latencyPart(registry, "committing", "from the patient's evaluation until its transaction committed");
    }

    private static Timer latencyPart(MeterRegistry registry, String part, String description) {
        return Timer.builder("fsc.alert.latency.part").tag("part", part).description("A part of fsc.alert.latency: " + description)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    }

    /** Claims and evaluates one round; false when nobody was waiting. */
    boolean once() {
        long started = System.nanoTime();
        List<Claim> claimed = batch.claim();
        if (claimed.isEmpty()) {
            return false;
        }
        Instant claimedAt = Instant.now();
        long claimedNanos = System.nanoTime();
        List<List<Claim>> transactions = EvaluationBatch.urgentFirst(claimed);
        for (int i = 0; i < transactions.size(); i++) {
            try {
                List<Raised> raised = batch.evaluate(transactions.get(i));
                Instant committed = Instant.now();
                long committedNanos = System.nanoTime();
                for (Raised r : raised) {
                    alertLatency.record(Duration.between(r.claim().requestedAt(), committed).abs());
                    waiting.record(Duration.between(r.claim().requestedAt(), claimedAt).abs());
                    behind.record(r.startedNanos() - claimedNanos, TimeUnit.NANOSECONDS);
                    evaluating.record(r.finishedNanos() - r.startedNanos(), TimeUnit.NANOSECONDS);
                    committing.record(committedNanos - r.finishedNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (RuntimeException e) {
                List<Claim> notDone = transactions.subList(i, transactions.size()).stream().flatMap(List::stream).toList();
                try {
                    batch.release(notDone);
                } catch (RuntimeException notReleased) { // the database is away: the leases run out instead
                    e.addSuppressed(notReleased);
                }
                throw e;
            }
        }
        evaluations.record((System.nanoTime() - started) / claimed.size(), TimeUnit.NANOSECONDS);
        return true;
    }
}
