package dk.fsc.service.alerts;

import dk.fsc.gateway.limits.GatewayBacklog;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation work in two steps. {@link #claim}: take up to {@value #PATIENTS_PER_TRANSACTION} of
 * the waiting patients on a short lease, those with a red value first
 * ({@code urgent_version}, set by {@link EvaluationRequests} and the gateway with one rule), then the longest-waiting (skipping rows another
 * worker is claiming, and leases not yet run out), in a transaction of its own, so the gateway's
 * next request for these patients does not wait for their evaluation. {@link #evaluate}: evaluate
 * them, raise alerts and remove each request whose version is still the claimed one, in one
 * transaction (one commit for all), or in two when some of them are urgent: those first
 * ({@link #urgentFirst}), so a red value's alert does not wait for the others. A reading
 * committed meanwhile bumped the version: the request stays, at the back of the queue, and is
 * evaluated again. A failed transaction gives its claims back ({@link #release}). A patient whose
 * evaluation fails rolls its transaction back, which is then evaluated again with a savepoint per
 * patient ({@link #evaluateEach}): that patient is set aside with a growing pause and the reason kept, not
 * retried hot; a worker that dies leaves leases that run out after {@code LEASE}.
 */
@Singleton
class EvaluationBatch {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationBatch.class);
    static final int PATIENTS_PER_TRANSACTION = 10;
    /** How long a claim holds when its worker neither finishes nor gives it back (a crash). */
    static final Duration LEASE = Duration.ofSeconds(30);
    private final EvaluationQueue queue;
    private final PatientEvaluator evaluator;
    private final AlertStore alerts;
    private final GatewayBacklog gateway;
    private final Duration deferWhileGatewayBehind;

    EvaluationBatch(EvaluationQueue queue, PatientEvaluator evaluator, AlertStore alerts, GatewayBacklog gateway, AlertsConfig config) {
        this.queue = queue;
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.gateway = gateway;
        this.deferWhileGatewayBehind = config.getDeferWhileGatewayBehind();
    }

    /**
     * Patients waiting for evaluation (a gauge; -1 when the database cannot be asked), counted at
     * most every {@link #WAITING_COUNTED_EVERY}: a scrape asks every gauge, and a count of the queue
     * is a scan of a table that churns with every batch (the benchmark, polling the metrics four
     * times a second, spent an eighth of the database's time on it: docs/benchmarks.md).
     */
    double waiting() {
        return counted()[0];
    }

    /**
     * Of them, patients set aside because their evaluation failed (a gauge, counted with the other):
     * their readings are stored but raise no alert until the fault is fixed, so it pages
     * (FscEvaluationFailing). Until 2026-12-05 only the log said so.
     */
    double failing() {
        return counted()[1];
    }

    private double[] counted() {
        long now = System.nanoTime();
        double[] counts = waitingCounts;
        if (waitingCountedAt != 0 && now - waitingCountedAt < WAITING_COUNTED_EVERY.toNanos()) {
            return counts;
        }
        try {
            long[] n = queue.waitingAndFailing();
            counts = new double[] {n[0], n[1]};
        } catch (RuntimeException e) {
            counts = new double[] {-1, -1};
        }
        waitingCounts = counts;
        waitingCountedAt = now;
        return counts;
    }

    /** How old the gauge of patients waiting may be: a third of Prometheus' usual 15 s scrape. */
    static final java.time.Duration WAITING_COUNTED_EVERY = java.time.Duration.ofSeconds(5);
    private volatile double[] waitingCounts = {0, 0};
    private volatile long waitingCountedAt;

    /**
     * A claimed patient, the version of the request that was claimed, since when it waited (its
     * reading's commit) and whether it was urgent (a value at a red limit).
     */
    record Claim(UUID patientId, long version, Instant requestedAt, boolean urgent) {
    }

    /**
     * A claim whose evaluation raised or updated an alert, with when (System.nanoTime) its own
     * evaluation started and ended inside the transaction: the worker splits its alert's latency by them.
     */
    record Raised(Claim claim, long startedNanos, long finishedNanos) {
    }

    /**
     * Takes the longest-waiting patients on a lease; empty when nobody is waiting. While this
     * process's gateway is behind its broker ({@link GatewayBacklog}: a flood), storing comes
     * first: only urgent patients and those that waited {@code fsc.alerts.defer-while-gateway-behind}
     * are taken, so a patient's readings of the flood are evaluated together, once or a few
     * times instead of every time a worker comes round (docs/operations.md, "Evaluations during a flood").
     */
    List<Claim> claim() {
        Duration defer = gateway.behind() ? deferWhileGatewayBehind : Duration.ZERO;
        return queue.claim(PATIENTS_PER_TRANSACTION, LEASE, defer);
    }

    /**
     * The claims as the transactions to evaluate them in: the urgent ones first in one of their
     * own, so their alerts commit without waiting for the others' evaluations, then the rest.
     */
    static List<List<Claim>> urgentFirst(List<Claim> claims) {
        List<Claim> urgent = claims.stream().filter(Claim::urgent).toList();
        List<Claim> rest = claims.stream().filter(c -> !c.urgent()).toList();
        return urgent.isEmpty() || rest.isEmpty() ? List.of(claims) : List.of(urgent, rest);
    }

    /** What a transaction evaluated: the claims that raised or updated an alert, and those it left for later. */
    record Evaluated(List<Raised> raised, List<Claim> left) {
    }

    /**
     * A patient's evaluation failed in {@link #evaluate}: its transaction is rolled back, and the
     * claims are evaluated again by {@link #evaluateEach}, which sets that patient aside.
     */
    static final class PatientFailed extends RuntimeException {
        PatientFailed(UUID patientId, RuntimeException cause) {
            super("evaluation of patient " + patientId + " failed", cause);
        }

        /** Reading the claim's patients together failed: one of them, which {@link #evaluateEach} finds. */
        PatientFailed(List<Claim> claims, RuntimeException cause) {
            super("reading the states of " + claims.size() + " claimed patients failed", cause);
        }
    }

    /**
     * Evaluates the claimed patients in one transaction and answers the claims whose evaluation
     * raised or updated an alert (their latency is measured after the commit). Before each patient
     * after the first it asks {@code yieldBeforeNext}: when that says so, the transaction commits
     * what it evaluated and leaves the rest of the claims (the caller gives them back), so an
     * urgent patient that arrived meanwhile need not wait for them. Without a savepoint per
     * patient, two round trips each fewer (docs/benchmarks.md, "An evaluation's round trips"): when
     * one patient's evaluation fails, it throws {@link PatientFailed}, which rolls all of it back,
     * and the caller evaluates the claims again with {@link #evaluateEach}.
     */
    @Transactional
    Evaluated evaluate(List<Claim> claims, BooleanSupplier yieldBeforeNext) {
        return evaluate(claims, yieldBeforeNext, false);
    }

    /**
     * As {@link #evaluate}, each patient under a savepoint of its own: a patient whose evaluation
     * fails is undone alone and set aside with a growing pause and the reason kept; the others commit.
     */
    @Transactional
    Evaluated evaluateEach(List<Claim> claims, BooleanSupplier yieldBeforeNext) {
        return evaluate(claims, yieldBeforeNext, true);
    }

    private Evaluated evaluate(List<Claim> claims, BooleanSupplier yieldBeforeNext, boolean savepoints) {
        List<Claim> evaluated = new ArrayList<>(claims.size());
        List<Raised> raised = new ArrayList<>();
        List<Claim> left = List.of();
        queue.planOnce();
        // Without savepoints the claim's patients are read together (one statement each for their
        // contexts, newest values and symptom diaries, not one per patient: "A claim's patients read
        // together" in docs/benchmarks.md); each under its own savepoint, each reads its own, so a
        // patient whose data cannot be read fails alone.
        Instant readAt = Instant.now();
        Map<UUID, PatientState> states = Map.of();
        if (!savepoints) {
            try {
                states = evaluator.states(claims.stream().map(Claim::patientId).toList(), readAt);
            } catch (RuntimeException e) { // one patient's data: rolled back, and each read alone under a savepoint
                throw new PatientFailed(claims, e);
            }
        }
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            if (i > 0 && yieldBeforeNext.getAsBoolean()) {
                left = claims.subList(i, claims.size());
                break;
            }
            if (savepoints) {
                queue.beforeEvaluation();
            }
            try {
                long started = System.nanoTime();
                Instant now = savepoints ? Instant.now() : readAt;
                PatientState state = (savepoints ? evaluator.states(List.of(claim.patientId()), now) : states).get(claim.patientId());
                if (state == null) {
                    throw new IllegalStateException("no patient " + claim.patientId());
                }
                List<Finding> findings = evaluator.evaluate(state, now);
                for (Finding finding : findings) {
                    alerts.raise(finding, now);
                }
                if (!findings.isEmpty()) {
                    raised.add(new Raised(claim, started, System.nanoTime()));
                }
                if (savepoints) {
                    queue.evaluationSucceeded();
                }
                evaluated.add(claim);
            } catch (RuntimeException e) {
                if (!savepoints) {
                    throw new PatientFailed(claim.patientId(), e);
                }
                LOG.error("Evaluation of patient {} failed; set aside and retried later", claim.patientId(), e);
                queue.evaluationFailed(claim.patientId(), String.valueOf(e.getMessage()));
            }
        }
        // Last, so the rows are locked only for the commit, and in the gateway's order (it locks
        // its batch's requests sorted the same way), so the two never wait for each other in a
        // circle. Done unless a newer reading came: that request goes to the back of the queue,
        // or a patient measuring all the time would be evaluated again and again, ahead of all;
        // it stays urgent only if a reading at a red limit came during this evaluation.
        evaluated.sort(Comparator.comparing(Claim::patientId));
        queue.done(evaluated);
        return new Evaluated(raised, left);
    }

    /** Whether an urgent patient is waiting unclaimed (on the caller's transaction). */
    boolean urgentWaiting() {
        return queue.urgentWaiting();
    }

    /** Gives claims back at once after a failed evaluation transaction, instead of when the lease runs out. */
    void release(List<Claim> claims) {
        queue.release(claims);
    }
}
