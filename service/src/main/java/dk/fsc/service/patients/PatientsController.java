package dk.fsc.service.patients;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.util.UUID;

/**
 * Patient records for nurses and clinicians of the patient's organisation: register a citizen
 * (CPR number in the body, never in a URL), find one by CPR number, read the record. The CPR
 * number is stored encrypted and found by its keyed hash ({@link PatientStore}); it is shown only
 * in the record itself, and every read is in the access log.
 */
@Controller("/api/patients")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class PatientsController {
    static final String INVALID_CPR = "cpr must be a CPR number: ten digits (a dash after the sixth is allowed), the first six a date (DDMMYY).";
    private final PatientStore patients;
    private final PatientAccess access;
    private final AccessLog accessLog;

    PatientsController(PatientStore patients, PatientAccess access, AccessLog accessLog) {
        this.patients = patients;
        this.access = access;
        this.accessLog = accessLog;
    }

    @Serdeable
    record NewPatient(@Nullable String displayName, @Nullable String cpr) {
    }

    @Serdeable
    record CprSearch(@Nullable String cpr) {
    }

    /** Where devices are shipped and how FSC reaches the citizen about them. */
    @Serdeable
    record Contact(@Nullable String address, @Nullable String phone) {
    }

    /** Registers a citizen with the caller's organisation; 409 with the existing record's id if already there. */
    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    PatientRecord register(@Body NewPatient body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        String cpr = validCpr(body.cpr());
        String name = body.displayName() == null ? "" : body.displayName().strip();
        if (name.isEmpty() || name.length() > 200) {
            throw Refusal.invalid("displayName is required (the name nurses see), at most 200 characters.");
        }
        UUID id = patients.register(user.organisationId(), name, cpr);
        accessLog.record(user, id, "register patient", "care", null);
        return patients.read(id);
    }

    /** Finds a citizen of the caller's organisation by CPR number (in the body, so it stays out of URLs and logs). */
    @Post("/search")
    @Transactional
    PatientRecord search(@Body CprSearch body, @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        String cpr = validCpr(body.cpr());
        UUID id = patients.findByCpr(user.organisationId(), cpr)
                .orElseThrow(() -> Refusal.notFound("No patient with this CPR number among your organisation's citizens."));
        accessLog.record(user, id, "find patient by CPR", AccessLog.purpose(purpose), null);
        return patients.read(id);
    }

    @Get("/{patientId}")
    @Transactional
    PatientRecord one(@PathVariable UUID patientId, @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        accessLog.record(user, patientId, "read patient record", AccessLog.purpose(purpose), null);
        return patients.read(patientId);
    }

    /** Sets the address and phone logistics uses for shipping and collecting devices (FSC sees these, never readings). */
    @Put("/{patientId}/contact")
    @Transactional
    PatientRecord contact(@PathVariable UUID patientId, @Body Contact body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        if (body.address() != null && body.address().length() > 500 || body.phone() != null && !body.phone().matches("[+0-9 ()-]{6,30}")) {
            throw Refusal.invalid("address is at most 500 characters; phone is 6-30 of digits, spaces, + ( ) -");
        }
        patients.setContact(patientId, body.address(), body.phone());
        accessLog.record(user, patientId, "change contact details", "care", null);
        return patients.read(patientId);
    }

    private String validCpr(String given) {
        String cpr = CprCipher.normalise(given);
        if (!CprCipher.isValid(cpr)) {
            throw Refusal.invalid(INVALID_CPR);
        }
        return cpr;
    }
}
