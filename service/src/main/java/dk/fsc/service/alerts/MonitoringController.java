package dk.fsc.service.alerts;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.alerts.scoring.InvalidInput;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A patient's monitoring: programme settings and measurement schedule, pauses, and the
 * thresholds in force with the history of who changed them. Limits are set by clinicians; nurses
 * may read them and register pauses.
 */
@Controller("/api/patients/{patientId}")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class MonitoringController {
    private final DataSource dataSource;
    private final PatientAccess access;
    private final AccessLog accessLog;

    MonitoringController(DataSource dataSource, PatientAccess access, AccessLog accessLog) {
        this.dataSource = dataSource;
        this.access = access;
        this.accessLog = accessLog;
    }

    @Serdeable
    record ThresholdRow(String type, Double redHigh, Double yellowHigh, Double yellowLow, Double redLow, String source) {
    }

    @Serdeable
    record Change(String type, Double redHigh, Double yellowHigh, Double yellowLow, Double redLow, boolean cleared, String reason,
                  String changedBy, Instant changedAt) {
    }

    @Serdeable
    record Thresholds(UUID patientId, boolean spo2Target88To92, List<ThresholdRow> thresholds, List<Change> history) {
    }

    @Get("/thresholds")
    @Transactional
    Thresholds thresholds(@PathVariable UUID patientId, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        Sql sql = sql();
        boolean scale2 = sql.one("SELECT spo2_target_88_92 FROM patient_monitoring WHERE patient_id = ?", rs -> rs.getBoolean(1), patientId)
                .orElse(false);
        List<Change> history = sql.list("""
                SELECT type, red_high, yellow_high, yellow_low, red_low, cleared, reason, changed_by, changed_at
                  FROM threshold_changes WHERE patient_id = ? ORDER BY id DESC""",
                rs -> new Change(rs.getString("type"), Sql.nullableDouble(rs, "red_high"), Sql.nullableDouble(rs, "yellow_high"),
                        Sql.nullableDouble(rs, "yellow_low"), Sql.nullableDouble(rs, "red_low"), rs.getBoolean("cleared"),
                        rs.getString("reason"), rs.getString("changed_by"), Sql.instant(rs, "changed_at")), patientId);
        ThresholdSet defaults = ThresholdSet.copdDefaults(scale2);
        List<ThresholdRow> rows = new ArrayList<>();
        for (ObservationType type : ObservationType.values()) {
            Change latest = history.stream().filter(c -> c.type().equals(type.wireName())).findFirst().orElse(null);
            if (latest != null && !latest.cleared()) {
                rows.add(new ThresholdRow(type.wireName(), latest.redHigh(), latest.yellowHigh(), latest.yellowLow(), latest.redLow(), "patient"));
            } else {
                defaults.limitsFor(type.wireName()).ifPresent(l -> rows.add(new ThresholdRow(type.wireName(), l.redHigh(), l.yellowHigh(),
                        l.yellowLow(), l.redLow(), "programme")));
            }
        }
        accessLog.record(user, patientId, "read thresholds", "care", null);
        return new Thresholds(patientId, scale2, rows, history);
    }

    @Put("/thresholds/{type}")
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    Thresholds setLimits(@PathVariable UUID patientId, @PathVariable String type, @Valid @Body MonitoringRequests.SetLimits body,
                         Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        try {
            Limits.forType(requireType(type), body.redHigh(), body.yellowHigh(), body.yellowLow(), body.redLow());
        } catch (InvalidInput e) {
            throw Refusal.invalid(e.getMessage());
        }
        sql().update("""
                INSERT INTO threshold_changes (patient_id, type, red_high, yellow_high, yellow_low, red_low, reason, changed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", patientId, type, body.redHigh(), body.yellowHigh(), body.yellowLow(), body.redLow(),
                body.reason(), user.username());
        return changedAndReevaluate(patientId, auth, "set thresholds for " + type);
    }

    @Post("/thresholds/{type}/reset")
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    Thresholds resetLimits(@PathVariable UUID patientId, @PathVariable String type, @Valid @Body MonitoringRequests.Reset body,
                           Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        requireType(type);
        sql().update("INSERT INTO threshold_changes (patient_id, type, cleared, reason, changed_by) VALUES (?, ?, true, ?, ?)",
                patientId, type, body.reason(), user.username());
        return changedAndReevaluate(patientId, auth, "reset thresholds for " + type);
    }

    @Put("/monitoring")
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    Map<String, Object> setMonitoring(@PathVariable UUID patientId, @Valid @Body MonitoringRequests.Monitoring body, Authentication auth)
            throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        Instant started = body.startedAt() == null ? Instant.now() : Times.require("startedAt", body.startedAt());
        sql().update("""
                INSERT INTO patient_monitoring (patient_id, spo2_target_88_92, schedule, started_at, updated_by)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (patient_id) DO UPDATE SET spo2_target_88_92 = excluded.spo2_target_88_92, schedule = excluded.schedule,
                       started_at = excluded.started_at, updated_by = excluded.updated_by, updated_at = now()""",
                patientId, body.spo2Target88To92(), body.schedule(), started, user.username());
        requestEvaluation(patientId);
        accessLog.record(user, patientId, "set monitoring", "care", body.schedule());
        return Map.of("patientId", patientId, "spo2Target88To92", body.spo2Target88To92(), "schedule", body.schedule(),
                "startedAt", started.toString());
    }

    @Post("/monitoring/pauses")
    @Status(HttpStatus.CREATED)
    @Transactional
    PauseView pause(@PathVariable UUID patientId, @Valid @Body MonitoringRequests.Pause body, Authentication auth)
            throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        MonitoringPause pause;
        try {
            pause = MonitoringPause.register(body.from(), body.to(), Instant.now());
        } catch (InvalidInput e) {
            throw Refusal.invalid(e.getMessage());
        }
        long id = sql().one("""
                INSERT INTO monitoring_pauses (patient_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id""",
                rs -> rs.getLong(1), patientId, pause.from(), pause.to(), body.reason(), user.username()).orElseThrow();
        accessLog.record(user, patientId, "pause monitoring", "care", pause.from() + " to " + pause.to());
        return PauseView.of(id, pause, body.reason(), user.username());
    }

    /** The patient's pauses, the latest ending first: those not over yet, and the last 100 that are. */
    @Get("/monitoring/pauses")
    @Transactional
    List<PauseView> pauses(@PathVariable UUID patientId, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        List<PauseView> pauses = sql().list("""
                (SELECT id, starts_at, ends_at, reason, created_by FROM monitoring_pauses WHERE patient_id = ? AND ends_at > now())
                UNION ALL
                (SELECT id, starts_at, ends_at, reason, created_by FROM monitoring_pauses WHERE patient_id = ? AND ends_at <= now()
                  ORDER BY ends_at DESC LIMIT 100)
                 ORDER BY ends_at DESC, id DESC""", PauseView::of, patientId, patientId);
        accessLog.record(user, patientId, "read monitoring pauses", "care", null);
        return pauses;
    }

    /** Re-evaluates the patient under the new limits and answers with what is now in force. */
    private Thresholds changedAndReevaluate(UUID patientId, Authentication auth, String action) throws SQLException {
        requestEvaluation(patientId);
        accessLog.record(StaffUser.of(auth), patientId, action, "care", null);
        return thresholds(patientId, auth);
    }

    private void requestEvaluation(UUID patientId) throws SQLException {
        EvaluationRequests.request(sql(), patientId);
    }

    private static ObservationType requireType(String type) {
        return ObservationType.fromWire(type).orElseThrow(() -> Refusal.invalid("'" + type + "' is not an observation type"));
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
