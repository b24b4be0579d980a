package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.InvalidInput;
import dk.fsc.service.alerts.scoring.LimitedType;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
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
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A patient's monitoring: programme settings and measurement schedule, pauses, and the
 * thresholds in force with the history of who changed them. Limits are set by clinicians; nurses
 * may read them and register pauses.
 */
@Controller("/api/patients/{patientId}")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class MonitoringController {
    private final MonitoringStore monitoring;
    private final PatientAccess access;
    private final AccessLog accessLog;

    MonitoringController(MonitoringStore monitoring, PatientAccess access, AccessLog accessLog) {
        this.monitoring = monitoring;
        this.access = access;
        this.accessLog = accessLog;
    }

    @Get("/thresholds")
    @Transactional
    ThresholdsView thresholds(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        ThresholdsView thresholds = monitoring.thresholds(patientId);
        accessLog.record(user, patientId, "read thresholds", "care", null);
        return thresholds;
    }

    @Put("/thresholds/{type}")
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    ThresholdsView setLimits(@PathVariable UUID patientId, @PathVariable String type, @Valid @Body MonitoringRequests.SetLimits body,
                             Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        Limits limits;
        try {
            limits = Limits.forType(requireType(type), body.redHigh(), body.yellowHigh(), body.yellowLow(), body.redLow());
        } catch (InvalidInput e) {
            throw Refusal.invalid(e.getMessage());
        }
        monitoring.setLimits(patientId, type, limits, body.reason(), user.username());
        return changed(patientId, auth, "set thresholds for " + type);
    }

    @Post("/thresholds/{type}/reset")
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    ThresholdsView resetLimits(@PathVariable UUID patientId, @PathVariable String type, @Valid @Body MonitoringRequests.Reset body,
                               Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        requireType(type);
        monitoring.resetLimits(patientId, type, body.reason(), user.username());
        return changed(patientId, auth, "reset thresholds for " + type);
    }

    @Put("/monitoring")
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    Map<String, Object> setMonitoring(@PathVariable UUID patientId, @Valid @Body MonitoringRequests.Monitoring body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        Instant started = body.startedAt() == null ? Instant.now() : Times.require("startedAt", body.startedAt());
        monitoring.setMonitoring(patientId, body.spo2Target88To92(), body.schedule(), started, user.username());
        accessLog.record(user, patientId, "set monitoring", "care", body.schedule());
        return Map.of("patientId", patientId, "spo2Target88To92", body.spo2Target88To92(), "schedule", body.schedule(),
                "startedAt", started.toString());
    }

    @Post("/monitoring/pauses")
    @Status(HttpStatus.CREATED)
    @Transactional
    PauseView pause(@PathVariable UUID patientId, @Valid @Body MonitoringRequests.Pause body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        MonitoringPause pause;
        try {
            pause = MonitoringPause.register(body.from(), body.to(), Instant.now());
        } catch (InvalidInput e) {
            throw Refusal.invalid(e.getMessage());
        }
        PauseView created = monitoring.addPause(patientId, pause, body.reason(), user.username());
        accessLog.record(user, patientId, "pause monitoring", "care", pause.from() + " to " + pause.to());
        return created;
    }

    /**
     * Ends a pause now (one that began) or cancels it (one that has not): the patient's pauses as
     * they are then; 404 for a pause of the patient that is over or unknown.
     */
    @Post("/monitoring/pauses/{pauseId}/end")
    @Transactional
    List<PauseView> endPause(@PathVariable UUID patientId, @PathVariable long pauseId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        MonitoringStore.PauseEnd done = monitoring.endPause(patientId, pauseId)
                .orElseThrow(() -> Refusal.notFound("The patient has no pause " + pauseId + " that is not over."));
        accessLog.record(user, patientId, done == MonitoringStore.PauseEnd.ENDED ? "end monitoring pause" : "cancel monitoring pause", "care",
                String.valueOf(pauseId));
        return pauses(patientId, auth);
    }

    /** The patient's pauses, the latest ending first: those not over yet, and the last 100 that are. */
    @Get("/monitoring/pauses")
    @Transactional
    List<PauseView> pauses(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        List<PauseView> pauses = monitoring.pauses(patientId);
        accessLog.record(user, patientId, "read monitoring pauses", "care", null);
        return pauses;
    }

    /** Logs the change and answers with what is now in force (the store asked for a re-evaluation). */
    private ThresholdsView changed(UUID patientId, Authentication auth, String action) {
        accessLog.record(StaffUser.of(auth), patientId, action, "care", null);
        return thresholds(patientId, auth);
    }

    private static LimitedType requireType(String type) {
        return LimitedType.of(type).orElseThrow(() -> Refusal.invalid("'" + type + "' is not an observation type nor cat_change"));
    }
}
