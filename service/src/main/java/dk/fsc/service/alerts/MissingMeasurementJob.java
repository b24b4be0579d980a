package dk.fsc.service.alerts;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * Raises a blue "missing measurement" alert when a patient's last schedule period ended with
 * fewer measurements than the schedule asks for, unless monitoring was paused in it. Each
 * period is checked once (recorded in missing_measurement_checks), also across instances.
 */
@Singleton
@Requires(property = "fsc.alerts.evaluation-enabled", notEquals = "false")
class MissingMeasurementJob {
    private final MonitoringStore monitoring;
    private final AlertStore store;
    private final AlertsConfig config;

    MissingMeasurementJob(MonitoringStore monitoring, AlertStore store, AlertsConfig config) {
        this.monitoring = monitoring;
        this.store = store;
        this.config = config;
    }

    @Scheduled(fixedDelay = "${fsc.alerts.missing-check:2m}", initialDelay = "20s")
    @Transactional
    void check() {
        check(Instant.now());
    }

    /** Checks every monitored patient's last completed period as of {@code now}; returns alerts raised. */
    @Transactional
    int check(Instant now) {
        int raised = 0;
        for (MonitoringStore.Monitored m : monitoring.monitoredPatients()) {
            var period = MeasurementSchedule.lastCompletedPeriod(m.schedule(), m.startedAt(), now, config.zone());
            if (period.isEmpty()) {
                continue;
            }
            var p = period.get();
            boolean paused = monitoring.pausedDuring(m.patientId(), p.start(), p.end());
            long taken = paused ? 0 : monitoring.measurementsDuring(m.patientId(), p.start(), p.end());
            boolean missing = !paused && taken < p.required();
            if (monitoring.claimPeriodCheck(m.patientId(), p.start(), missing) && missing) {
                store.raise(new Finding(m.patientId(), m.organisationId(), "missing_measurement", Severity.BLUE,
                        "Missing measurement: " + taken + " of " + p.required() + " " + p.label() + " (deadline " + p.deadlineText() + ")",
                        "{\"taken\": " + taken + ", \"required\": " + p.required() + ", \"periodStart\": \"" + p.start()
                                + "\", \"periodEnd\": \"" + p.end() + "\"}", null, p.end()), now);
                raised++;
            }
        }
        return raised;
    }
}
