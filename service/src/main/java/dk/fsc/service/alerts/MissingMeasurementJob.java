package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Raises a blue "missing measurement" alert when a patient's last schedule period ended with
 * fewer measurements than the schedule asks for, unless monitoring was paused in it. Each
 * period is checked once (recorded in missing_measurement_checks), also across instances.
 */
@Singleton
@Requires(property = "fsc.alerts.evaluation-enabled", notEquals = "false")
class MissingMeasurementJob {
    private final DataSource dataSource;
    private final AlertStore store;
    private final AlertsConfig config;

    MissingMeasurementJob(DataSource dataSource, AlertStore store, AlertsConfig config) {
        this.dataSource = dataSource;
        this.store = store;
        this.config = config;
    }

    private record Monitored(UUID patientId, String organisationId, String schedule, Instant startedAt) {
    }

    @Scheduled(fixedDelay = "${fsc.alerts.missing-check:2m}", initialDelay = "20s")
    @Transactional
    void check() throws SQLException {
        check(Instant.now());
    }

    /** Checks every monitored patient's last completed period as of {@code now}; returns alerts raised. */
    @Transactional
    int check(Instant now) throws SQLException {
        Sql sql = Sql.on(dataSource.getConnection());
        List<Monitored> patients = sql.list("""
                SELECT m.patient_id, p.organisation_id, m.schedule, m.started_at
                  FROM patient_monitoring m JOIN patients p ON p.id = m.patient_id WHERE m.schedule <> 'none'""",
                rs -> new Monitored(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), Sql.instant(rs, "started_at")));
        int raised = 0;
        for (Monitored m : patients) {
            var period = MeasurementSchedule.lastCompletedPeriod(m.schedule(), m.startedAt(), now, config.zone());
            if (period.isEmpty()) {
                continue;
            }
            var p = period.get();
            boolean paused = sql.one("SELECT 1 FROM monitoring_pauses WHERE patient_id = ? AND starts_at < ? AND ends_at > ?",
                    rs -> true, m.patientId(), p.end(), p.start()).isPresent();
            long taken = paused ? 0 : sql.one("""
                    SELECT count(DISTINCT (device_id, message_id)) FROM readings
                     WHERE patient_id = ? AND measured_at >= ? AND measured_at < ?""",
                    rs -> rs.getLong(1), m.patientId(), p.start(), p.end()).orElse(0L);
            boolean missing = !paused && taken < p.required();
            int claimed = sql.update("""
                    INSERT INTO missing_measurement_checks (patient_id, period_start, missing) VALUES (?, ?, ?)
                    ON CONFLICT DO NOTHING""", m.patientId(), p.start(), missing);
            if (claimed == 1 && missing) {
                store.raise(sql, new Finding(m.patientId(), m.organisationId(), "missing_measurement", Severity.BLUE,
                        "Missing measurement: " + taken + " of " + p.required() + " " + p.label() + " (deadline " + p.deadlineText() + ")",
                        "{\"taken\": " + taken + ", \"required\": " + p.required() + ", \"periodStart\": \"" + p.start()
                                + "\", \"periodEnd\": \"" + p.end() + "\"}", null, p.end()), now);
                raised++;
            }
        }
        return raised;
    }
}
