package dk.fsc.service.readings;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/patients/{patientId}/questionnaires}: a patient's answered questionnaires, newest
 * first, item by item with the points and severity each answer was stored with, for nurses and
 * clinicians of the patient's organisation. Every call is written to the access log.
 */
@Controller("/api/patients/{patientId}/questionnaires")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class AnswersController {
    static final int MAX = 500;
    private final PatientAccess access;
    private final AnswerStore answers;
    private final AccessLog accessLog;

    AnswersController(PatientAccess access, AnswerStore answers, AccessLog accessLog) {
        this.access = access;
        this.answers = answers;
        this.accessLog = accessLog;
    }

    /** @param limit how many answered questionnaires, newest first: 1 to 500, default 50 */
    @Get
    @Transactional
    List<AnswerStore.Answered> list(@PathVariable UUID patientId, @Nullable @QueryValue Integer limit,
                                    @Nullable @Header("X-FSC-Purpose") String purpose, Authentication authentication) {
        StaffUser user = StaffUser.of(authentication);
        if (limit != null && (limit < 1 || limit > MAX)) {
            throw Refusal.invalid("limit must be 1 to " + MAX + ", not " + limit);
        }
        access.requireCareAccess(user, patientId);
        List<AnswerStore.Answered> found = answers.newest(patientId, limit == null ? 50 : limit);
        accessLog.record(user, patientId, "read questionnaire answers", AccessLog.purpose(purpose), found.size() + " questionnaire(s)");
        return found;
    }
}
