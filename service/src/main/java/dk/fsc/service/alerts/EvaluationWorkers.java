package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.PgNotifications;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that evaluate patients with new readings as soon as the gateway commits them: woken
 * by the database's notification, with a one-second poll as the fallback. Several service
 * instances can run them at once; the claim keeps one patient with one worker.
 */
@Context
@Requires(property = "fsc.alerts.evaluation-enabled", notEquals = "false")
class EvaluationWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationWorkers.class);
    private final EvaluationBatch batch;
    private final Semaphore wake = new Semaphore(0);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private final Timer evaluations;
    private final Timer alertLatency;

    EvaluationWorkers(EvaluationBatch batch, PgNotifications notifications, AlertsConfig config, MeterRegistry registry,
                      AlertFeed feed) {
        this.batch = batch;
        this.evaluations = Timer.builder("fsc.evaluation").description("Patient evaluations (claim, score, raise alerts, commit)")
                .register(registry);
        // From a reading's commit (its evaluation request) to the commit of the alert it raised or
        // updated: what a nurse waits beyond the device. A histogram, so p50/p99 can be read across instances.
        this.alertLatency = Timer.builder("fsc.alert.latency").description("From a reading's commit to its alert's commit")
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(5))
                .maximumExpectedValue(java.time.Duration.ofMinutes(5)).register(registry);
        registry.gauge("fsc.evaluation.waiting", batch, EvaluationBatch::waiting);
        registry.gauge("fsc.alerts.streams.open", feed, AlertFeed::openStreams);
        notifications.listen("fsc_evaluate", () -> wake.release(config.getWorkers()));
        for (int i = 0; i < config.getWorkers(); i++) {
            Thread t = new Thread(this::run, "evaluation-worker-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run() {
        while (running) {
            try {
                long started = System.nanoTime();
                List<EvaluationBatch.Claim> claimed = batch.claim();
                if (!claimed.isEmpty()) {
                    try {
                        List<EvaluationBatch.Claim> raisedAlerts = batch.evaluate(claimed);
                        java.time.Instant committed = java.time.Instant.now();
                        for (EvaluationBatch.Claim raised : raisedAlerts) {
                            alertLatency.record(java.time.Duration.between(raised.requestedAt(), committed).abs());
                        }
                    } catch (Exception e) {
                        try {
                            batch.release(claimed);
                        } catch (Exception notReleased) { // the database is away: the leases run out instead
                            e.addSuppressed(notReleased);
                        }
                        throw e;
                    }
                    evaluations.record((System.nanoTime() - started) / claimed.size(), TimeUnit.NANOSECONDS);
                } else {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    LOG.warn("Evaluation worker: {}; retrying in 1 s", e.getMessage());
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
