package dk.fsc.service.alerts;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * Escalates red alerts nobody acknowledged in time. The timers are columns of the alerts
 * ({@code escalate_at}), so they survive a restart; several instances may run this at once.
 */
@Singleton
@Requires(property = "fsc.alerts.evaluation-enabled", notEquals = "false")
class EscalationJob {
    private final AlertStore store;

    EscalationJob(AlertStore store) {
        this.store = store;
    }

    @Scheduled(fixedDelay = "${fsc.alerts.escalation-check:15s}", initialDelay = "5s")
    @Transactional
    void escalateDue() {
        store.escalateDue(Instant.now());
    }
}
