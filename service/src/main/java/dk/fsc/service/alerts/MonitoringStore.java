package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.LimitedType;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A patient's monitoring on the caller's transaction: programme settings and schedule, threshold
 * changes, pauses. A change of what the rules look at asks for the patient to be evaluated again.
 */
@Singleton
public class MonitoringStore {
    private static final String PAUSE_COLUMNS = "id, starts_at, ends_at, reason, created_by";
    private final Database db;
    private final EvaluationRequests evaluations;

    MonitoringStore(Database db, EvaluationRequests evaluations) {
        this.db = db;
        this.evaluations = evaluations;
    }

    /** The limits in force per type, the patient's own where a clinician set them, else the programme's. */
    public ThresholdsView thresholds(UUID patientId) {
        Sql sql = db.sql();
        boolean scale2 = sql.one("SELECT spo2_target_88_92 FROM patient_monitoring WHERE patient_id = ?", rs -> rs.getBoolean(1), patientId)
                .orElse(false);
        List<ThresholdsView.Change> history = sql.list("""
                SELECT type, red_high, yellow_high, yellow_low, red_low, cleared, reason, changed_by, changed_at
                  FROM threshold_changes WHERE patient_id = ? ORDER BY id DESC""",
                rs -> new ThresholdsView.Change(rs.getString("type"), Sql.nullableDouble(rs, "red_high"), Sql.nullableDouble(rs, "yellow_high"),
                        Sql.nullableDouble(rs, "yellow_low"), Sql.nullableDouble(rs, "red_low"), rs.getBoolean("cleared"),
                        rs.getString("reason"), rs.getString("changed_by"), Sql.instant(rs, "changed_at")), patientId);
        ThresholdSet defaults = ThresholdSet.copdDefaults(scale2);
        List<ThresholdsView.Row> rows = new ArrayList<>();
        for (LimitedType type : LimitedType.all()) {
            ThresholdsView.Change latest = history.stream().filter(c -> c.type().equals(type.wireName())).findFirst().orElse(null);
            if (latest != null && !latest.cleared()) {
                rows.add(new ThresholdsView.Row(type.wireName(), latest.redHigh(), latest.yellowHigh(), latest.yellowLow(), latest.redLow(),
                        "patient"));
            } else {
                defaults.limitsFor(type.wireName()).ifPresent(l -> rows.add(new ThresholdsView.Row(type.wireName(), l.redHigh(),
                        l.yellowHigh(), l.yellowLow(), l.redLow(), "programme")));
            }
        }
        return new ThresholdsView(patientId, scale2, rows, history);
    }

    public void setLimits(UUID patientId, String type, Limits limits, String reason, String changedBy) {
        Sql sql = db.sql();
        sql.update("""
                INSERT INTO threshold_changes (patient_id, type, red_high, yellow_high, yellow_low, red_low, reason, changed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", patientId, type, limits.redHigh(), limits.yellowHigh(), limits.yellowLow(),
                limits.redLow(), reason, changedBy);
        evaluations.request(sql, patientId);
    }

    /** Back to the programme default for the type. */
    public void resetLimits(UUID patientId, String type, String reason, String changedBy) {
        Sql sql = db.sql();
        sql.update("INSERT INTO threshold_changes (patient_id, type, cleared, reason, changed_by) VALUES (?, ?, true, ?, ?)",
                patientId, type, reason, changedBy);
        evaluations.request(sql, patientId);
    }

    void setMonitoring(UUID patientId, boolean spo2Target88To92, String schedule, Instant startedAt, String updatedBy) {
        setMonitoring(patientId, spo2Target88To92, schedule, startedAt, null, updatedBy);
    }

    /** Sets what is in force and keeps the change with its reason (null from the API, which asks for none). */
    public void setMonitoring(UUID patientId, boolean spo2Target88To92, String schedule, Instant startedAt, String reason,
                              String updatedBy) {
        Sql sql = db.sql();
        sql.update("""
                INSERT INTO monitoring_changes (patient_id, spo2_target_88_92, schedule, started_at, reason, changed_by)
                VALUES (?, ?, ?, ?, ?, ?)""", patientId, spo2Target88To92, schedule, startedAt, reason, updatedBy);
        sql.update("""
                INSERT INTO patient_monitoring (patient_id, spo2_target_88_92, schedule, started_at, updated_by)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (patient_id) DO UPDATE SET spo2_target_88_92 = excluded.spo2_target_88_92, schedule = excluded.schedule,
                       started_at = excluded.started_at, updated_by = excluded.updated_by, updated_at = now()""",
                patientId, spo2Target88To92, schedule, startedAt, updatedBy);
        evaluations.request(sql, patientId);
    }

    /** The monitoring settings in force, if a clinician (or the patient's registration) set any. */
    public Optional<MonitoringSettings> monitoring(UUID patientId) {
        return db.sql().one("SELECT spo2_target_88_92, schedule, started_at, updated_by, updated_at FROM patient_monitoring WHERE patient_id = ?",
                rs -> new MonitoringSettings(rs.getBoolean(1), rs.getString(2), Sql.instant(rs, "started_at"), rs.getString(4),
                        Sql.instant(rs, "updated_at")), patientId);
    }

    /** The changes of the patient's monitoring settings, newest first. */
    public List<MonitoringSettings.Change> monitoringHistory(UUID patientId) {
        return db.sql().list("""
                SELECT spo2_target_88_92, schedule, started_at, reason, changed_by, changed_at
                  FROM monitoring_changes WHERE patient_id = ? ORDER BY id DESC LIMIT 200""",
                rs -> new MonitoringSettings.Change(rs.getBoolean(1), rs.getString(2), Sql.instant(rs, "started_at"), rs.getString(4),
                        rs.getString(5), Sql.instant(rs, "changed_at")), patientId);
    }

    public PauseView addPause(UUID patientId, MonitoringPause pause, String reason, String createdBy) {
        long id = db.sql().one("""
                INSERT INTO monitoring_pauses (patient_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id""",
                rs -> rs.getLong(1), patientId, pause.from(), pause.to(), reason, createdBy).orElseThrow();
        return PauseView.of(id, pause, reason, createdBy);
    }

    /** What ending a pause did. */
    public enum PauseEnd { ENDED, CANCELLED }

    /**
     * Ends the patient's pause now, one that began (missing measurements count again from now), or
     * cancels one that has not begun (its row goes; the access log keeps who did it). Empty when
     * the patient has no such pause not over. A wrong "to" kept the citizen's missing-measurement
     * alerts silent for up to 90 days: until 2026-12-05 a pause could not be ended.
     */
    public java.util.Optional<PauseEnd> endPause(UUID patientId, long pauseId) {
        Sql sql = db.sql();
        return sql.one("SELECT starts_at > now() FROM monitoring_pauses WHERE id = ? AND patient_id = ? AND ends_at > now() FOR UPDATE",
                rs -> rs.getBoolean(1), pauseId, patientId).map(planned -> {
                    if (planned) {
                        sql.update("DELETE FROM monitoring_pauses WHERE id = ?", pauseId);
                        return PauseEnd.CANCELLED;
                    }
                    sql.update("UPDATE monitoring_pauses SET ends_at = greatest(now(), starts_at + interval '1 millisecond') WHERE id = ?", pauseId);
                    return PauseEnd.ENDED;
                });
    }

    /** The patient's pauses, the latest ending first: those not over yet, and the last 100 that are. */
    public List<PauseView> pauses(UUID patientId) {
        return db.sql().list("(SELECT " + PAUSE_COLUMNS + " FROM monitoring_pauses WHERE patient_id = ? AND ends_at > now())\n"
                + "UNION ALL\n"
                + "(SELECT " + PAUSE_COLUMNS + " FROM monitoring_pauses WHERE patient_id = ? AND ends_at <= now() ORDER BY ends_at DESC LIMIT 100)\n"
                + " ORDER BY ends_at DESC, id DESC", PauseView::of, patientId, patientId);
    }

    /** The organisation's pauses not over yet, the latest ending first (few per organisation). */
    List<PausedPatient> pausesNotOver(String organisation) {
        return db.sql().list("""
                SELECT m.id, m.starts_at, m.ends_at, m.reason, m.created_by, p.id AS patient_id, p.display_name
                  FROM monitoring_pauses m JOIN patients p ON p.id = m.patient_id
                 WHERE p.organisation_id = ? AND m.ends_at > now()
                 ORDER BY m.ends_at DESC, m.id DESC""",
                rs -> new PausedPatient(rs.getObject("patient_id", UUID.class), rs.getString("display_name"), PauseView.of(rs)),
                organisation);
    }

    /**
     * A patient on a measurement schedule, with the start of the newest schedule period checked
     * for missing measurements (null when none was).
     */
    record Monitored(UUID patientId, String organisationId, String schedule, Instant startedAt, Instant lastChecked) {
    }

    /** The patients on a schedule, each with its newest checked period (one index lookup each). */
    List<Monitored> monitoredPatients(Sql sql) {
        return sql.list("""
                SELECT m.patient_id, p.organisation_id, m.schedule, m.started_at, c.last_checked
                  FROM patient_monitoring m JOIN patients p ON p.id = m.patient_id
                  LEFT JOIN LATERAL (SELECT max(period_start) AS last_checked FROM missing_measurement_checks k
                                      WHERE k.patient_id = m.patient_id) c ON true
                 WHERE m.schedule <> 'none'""",
                rs -> new Monitored(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), Sql.instant(rs, "started_at"),
                        Sql.instant(rs, "last_checked")));
    }

    /** Whether a pause of the patient's monitoring overlaps the period. */
    boolean pausedDuring(Sql sql, UUID patientId, Instant start, Instant end) {
        return sql.one("SELECT 1 FROM monitoring_pauses WHERE patient_id = ? AND starts_at < ? AND ends_at > ?",
                rs -> true, patientId, end, start).isPresent();
    }

    /**
     * Measurements (messages, not single values) the patient took in the period; a message's
     * device is its number or, for staff entries and rows before V37, its id.
     */
    long measurementsDuring(Sql sql, UUID patientId, Instant start, Instant end) {
        return sql.one("""
                SELECT count(DISTINCT (device_id, device_number, message_id)) FROM readings
                 WHERE patient_id = ? AND measured_at >= ? AND measured_at < ?""",
                rs -> rs.getLong(1), patientId, start, end).orElse(0L);
    }

    /** Records that the period was checked, with its end and what it asked for; false when it had been (by this or another instance). */
    boolean claimPeriodCheck(Sql sql, UUID patientId, MeasurementSchedule.Period period, boolean missing) {
        return sql.update("""
                INSERT INTO missing_measurement_checks (patient_id, period_start, period_end, required, missing) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", patientId, period.start(), period.end(), period.required(), missing) == 1;
    }

    /** A period found missing whose measurements have arrived since. */
    record Filled(UUID patientId, Instant periodStart) {
    }

    /**
     * The periods found missing within {@code window} (by their check) that now have as many
     * measurements as they asked for: a device's backlog or a nurse's entry came after the check.
     */
    List<Filled> filledSinceChecked(Sql sql, Duration window) {
        return sql.list("""
                SELECT c.patient_id, c.period_start FROM missing_measurement_checks c
                 WHERE c.missing AND c.filled_at IS NULL AND c.period_end IS NOT NULL AND c.checked_at > now() - make_interval(secs => ?)
                   AND (SELECT count(DISTINCT (r.device_id, r.device_number, r.message_id)) FROM readings r
                         WHERE r.patient_id = c.patient_id AND r.measured_at >= c.period_start AND r.measured_at < c.period_end) >= c.required
                 ORDER BY c.patient_id, c.period_start""",
                rs -> new Filled(rs.getObject(1, UUID.class), Sql.instant(rs, "period_start")), window.toSeconds());
    }

    /** Marks the period filled; false when it was already (by another instance). */
    boolean markFilled(Sql sql, Filled f) {
        return sql.update("UPDATE missing_measurement_checks SET filled_at = now() WHERE patient_id = ? AND period_start = ? AND filled_at IS NULL",
                f.patientId(), f.periodStart()) == 1;
    }

    /** Whether a period checked since {@code since} is still missing and not filled. */
    boolean stillMissingSince(Sql sql, UUID patientId, Instant since) {
        return sql.one("SELECT 1 FROM missing_measurement_checks WHERE patient_id = ? AND missing AND filled_at IS NULL AND checked_at >= ?",
                rs -> true, patientId, since).isPresent();
    }

    /**
     * The starts of the patient's schedule periods in [from, to) that ended with fewer measurements
     * than the schedule asks for (as the missing-measurement check found them), oldest first; not
     * those whose measurements arrived later (filled).
     */
    public List<Instant> missedPeriods(UUID patientId, Instant from, Instant to) {
        return db.sql().list("""
                SELECT period_start FROM missing_measurement_checks
                 WHERE patient_id = ? AND missing AND filled_at IS NULL AND period_start >= ? AND period_start < ?
                 ORDER BY period_start""", rs -> Sql.instant(rs, "period_start"), patientId, from, to);
    }

    /** A patient's monitoring plan: the programme, its measurement schedule and SpO2 target, since when. */
    public record Plan(String programme, String schedule, boolean spo2Target88To92, Instant startedAt) {
    }

    /** The patient's plan, if monitoring was set up. */
    public java.util.Optional<Plan> plan(UUID patientId) {
        return db.sql().one("SELECT programme, schedule, spo2_target_88_92, started_at FROM patient_monitoring WHERE patient_id = ?",
                rs -> new Plan(rs.getString("programme"), rs.getString("schedule"), rs.getBoolean("spo2_target_88_92"),
                        Sql.instant(rs, "started_at")), patientId);
    }
}
