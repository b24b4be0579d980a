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
    private final EvaluationRound round;
    private final Semaphore wake = new Semaphore(0);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    EvaluationWorkers(EvaluationRound round, EvaluationBatch batch, PgNotifications notifications, AlertsConfig config,
                      MeterRegistry registry, AlertFeed feed) {
        this.round = round;
        registry.gauge("fsc.evaluation.waiting", batch, EvaluationBatch::waiting);
        registry.gauge("fsc.evaluation.failing", batch, EvaluationBatch::failing);
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
                if (!round.once()) {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception | Error e) { // an Error too: a worker that ended would leave its share of patients unevaluated
                if (running) {
                    if (e instanceof Error) {
                        LOG.error("Evaluation worker failed; retrying in 1 s", e);
                    } else {
                        LOG.warn("Evaluation worker: {}; retrying in 1 s", e.getMessage());
                    }
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
