package dk.fsc.service.alerts;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.time.Instant;
import java.util.UUID;

/** {@code GET /api/patients/{patientId}/early-warning}: the patient's TOBS and threshold state now. */
@Controller("/api/patients/{patientId}/early-warning")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class EarlyWarningController {
    private final PatientAccess access;
    private final PatientEvaluator evaluator;
    private final AccessLog accessLog;

    EarlyWarningController(PatientAccess access, PatientEvaluator evaluator, AccessLog accessLog) {
        this.access = access;
        this.evaluator = evaluator;
        this.accessLog = accessLog;
    }

    @Get
    @Transactional
    EarlyWarningView current(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        Instant now = Instant.now();
        PatientEvaluator.Picture p = evaluator.picture(patientId, now);
        accessLog.record(user, patientId, "read early warning", "care", null);
        return EarlyWarningView.of(patientId, now, p);
    }
}
