package dk.fsc.service.alerts;

import dk.fsc.service.alerts.EvaluationBatch.Claim;
import dk.fsc.service.alerts.EvaluationBatch.Raised;
import dk.fsc.service.platform.database.PgNotifications;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One worker's round: claim waiting patients, evaluate them (the urgent ones in a transaction of
 * their own first, {@link EvaluationBatch#urgentFirst}), and time what each alert waited for. A
 * transaction that fails gives back its claims and those not yet evaluated. When the database says
 * an urgent request is waiting ({@code fsc_evaluate_urgent}, V32) while the round evaluates
 * patients that are not urgent, and it is still waiting unclaimed, the round commits what it has
 * done and gives the rest back, so the urgent one is claimed next instead of after up to
 * {@value EvaluationBatch#PATIENTS_PER_TRANSACTION} others.
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
    private final Counter yielded;
    private final AtomicLong urgentArrivals = new AtomicLong();

    EvaluationRound(EvaluationBatch batch, MeterRegistry registry, PgNotifications notifications) {
        this.batch = batch;
        notifications.listen("fsc_evaluate_urgent", urgentArrivals::incrementAndGet);
        this.yielded = Counter.builder("fsc.evaluation.yielded")
                .description("Rounds that gave claims back because an urgent patient was waiting").register(registry);
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

    /** How many times the database said an urgent request is waiting (tests wait for it). */
    long urgentArrivals() {
        return urgentArrivals.get();
    }

    /** Claims and evaluates one round; false when nobody was waiting. */
    boolean once() {
        long started = System.nanoTime();
        long[] seen = {urgentArrivals.get()};
        List<Claim> claimed = batch.claim();
        if (claimed.isEmpty()) {
            return false;
        }
        Instant claimedAt = Instant.now();
        long claimedNanos = System.nanoTime();
        List<List<Claim>> transactions = EvaluationBatch.urgentFirst(claimed);
        for (int i = 0; i < transactions.size(); i++) {
            List<Claim> part = transactions.get(i);
            try {
                BooleanSupplier urgentWaiting = part.get(0).urgent() ? () -> false : () -> {
                    long heard = urgentArrivals.get();
                    if (heard == seen[0]) {
                        return false;
                    }
                    seen[0] = heard; // asked once per notification; it may have been about a patient of this very claim
                    return batch.urgentWaiting();
                };
                EvaluationBatch.Evaluated done;
                try {
                    done = batch.evaluate(part, urgentWaiting);
                } catch (EvaluationBatch.PatientFailed failed) { // rolled back: again, each patient on its own
                    done = batch.evaluateEach(part, urgentWaiting);
                }
                Instant committed = Instant.now();
                long committedNanos = System.nanoTime();
                for (Raised r : done.raised()) {
                    alertLatency.record(Duration.between(r.claim().requestedAt(), committed).abs());
                    waiting.record(Duration.between(r.claim().requestedAt(), claimedAt).abs());
                    behind.record(r.startedNanos() - claimedNanos, TimeUnit.NANOSECONDS);
                    evaluating.record(r.finishedNanos() - r.startedNanos(), TimeUnit.NANOSECONDS);
                    committing.record(committedNanos - r.finishedNanos(), TimeUnit.NANOSECONDS);
                }
                if (!done.left().isEmpty()) { // only a part of patients not urgent yields, and that part is the last
                    yielded.increment();
                    batch.release(done.left());
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
