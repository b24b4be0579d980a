package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises a blue "missing measurement" alert when a patient's last schedule period ended with
 * fewer measurements than the schedule asks for, unless monitoring was paused in it. Each
 * period is checked once (recorded in missing_measurement_checks), also across instances.
 *
 * <p>Each patient is checked and committed on its own: raising an alert takes the lock under which
 * alert events are numbered, held to the commit, and every evaluation and every nurse's action
 * waits for it. Checked in one transaction (as until 2026-12-05), the first alert raised held
 * that lock while the job went through the remaining thousands of patients. Patients whose last
 * period was checked already are passed over without a query of their own.
 */
@Singleton
@Requires(property = "fsc.alerts.evaluation-enabled", notEquals = "false")
class MissingMeasurementJob {
    private static final Logger LOG = LoggerFactory.getLogger(MissingMeasurementJob.class);
    /** How long after its check a missed period is filled by measurements that arrive late (a device's backlog is a few days). */
    static final java.time.Duration LATE_WINDOW = java.time.Duration.ofDays(14);
    private final Database db;
    private final MonitoringStore monitoring;
    private final AlertStore store;
    private final AlertsConfig config;

    MissingMeasurementJob(Database db, MonitoringStore monitoring, AlertStore store, AlertsConfig config) {
        this.db = db;
        this.monitoring = monitoring;
        this.store = store;
        this.config = config;
    }

    @Scheduled(fixedDelay = "${fsc.alerts.missing-check:2m}", initialDelay = "20s")
    void check() {
        try {
            check(Instant.now());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Missing-measurement check failed ({}); next try at the next interval", e.getMessage());
        }
    }

    /**
     * Checks every monitored patient's last completed period as of {@code now}, then the periods
     * found missing in the last {@link #LATE_WINDOW} whose measurements arrived since; returns alerts raised.
     */
    int check(Instant now) throws SQLException {
        int raised = 0;
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            List<MonitoringStore.Monitored> monitored = monitoring.monitoredPatients(sql);
            c.commit();
            for (MonitoringStore.Monitored m : monitored) {
                var period = MeasurementSchedule.lastCompletedPeriod(m.schedule(), m.startedAt(), now, config.zone());
                if (period.isEmpty() || (m.lastChecked() != null && !m.lastChecked().isBefore(period.get().start()))) {
                    continue;
                }
                try {
                    if (checkPeriod(sql, m, period.get(), now)) {
                        raised++;
                    }
                    c.commit();
                } catch (RuntimeException e) {
                    c.rollback();
                    // The period stays unclaimed: the next run tries it again. The others go on.
                    LOG.warn("Missing-measurement check of patient {} failed ({}); tried again at the next interval", m.patientId(), e.getMessage());
                }
            }
        }
        fillLate();
        return raised;
    }

    /**
     * Periods found missing whose measurements arrived later (a device out of reach sends its
     * backlog; a nurse enters what the citizen measured): each is marked filled, and the patient's
     * open missing-measurement alert is resolved by the system once no period checked since it
     * opened is still missing. Each patient commits on its own, as above.
     */
    void fillLate() throws SQLException {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            List<MonitoringStore.Filled> filled = monitoring.filledSinceChecked(sql, LATE_WINDOW);
            c.commit();
            java.util.Map<java.util.UUID, List<MonitoringStore.Filled>> byPatient = new java.util.LinkedHashMap<>();
            filled.forEach(f -> byPatient.computeIfAbsent(f.patientId(), k -> new java.util.ArrayList<>()).add(f));
            for (var patient : byPatient.entrySet()) {
                try {
                    int marked = 0;
                    for (MonitoringStore.Filled f : patient.getValue()) {
                        marked += monitoring.markFilled(sql, f) ? 1 : 0;
                    }
                    if (marked > 0) {
                        store.resolveMissingMeasurementIfFilled(sql, patient.getKey(), monitoring);
                    }
                    c.commit();
                } catch (RuntimeException e) {
                    c.rollback();
                    LOG.warn("Late measurements of patient {} not taken into account ({}); tried again at the next interval",
                            patient.getKey(), e.getMessage());
                }
            }
        }
    }

    /** Claims the period's check and raises its alert when measurements are missing; true when one was raised. */
    private boolean checkPeriod(Sql sql, MonitoringStore.Monitored m, MeasurementSchedule.Period p, Instant now) {
        boolean paused = monitoring.pausedDuring(sql, m.patientId(), p.start(), p.end());
        long taken = paused ? 0 : monitoring.measurementsDuring(sql, m.patientId(), p.start(), p.end());
        boolean missing = !paused && taken < p.required();
        if (!monitoring.claimPeriodCheck(sql, m.patientId(), p, missing) || !missing) {
            return false;
        }
        store.raise(sql, new Finding(m.patientId(), m.organisationId(), "missing_measurement", Severity.BLUE,
                "Missing measurement: " + taken + " of " + p.required() + " " + p.label() + " (deadline " + p.deadlineText() + ")",
                "{\"taken\": " + taken + ", \"required\": " + p.required() + ", \"periodStart\": \"" + p.start()
                        + "\", \"periodEnd\": \"" + p.end() + "\"}", null, p.end()), now);
        return true;
    }
}
