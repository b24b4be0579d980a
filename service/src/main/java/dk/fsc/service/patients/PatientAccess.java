package dk.fsc.service.patients;

import dk.fsc.service.audit.SecurityLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * The one check before any clinical data of a citizen is shown: the caller has a care role in
 * the organisation responsible for the patient. Anything else is answered as "not found", so a
 * caller cannot even learn that the patient exists; the refusal goes to the security log.
 */
@Singleton
public class PatientAccess {
    private final PatientStore patients;
    private final SecurityLog securityLog;

    PatientAccess(PatientStore patients, SecurityLog securityLog) {
        this.patients = patients;
        this.securityLog = securityLog;
    }

    public Patient requireCareAccess(StaffUser user, UUID patientId) {
        return requireOrganisation(user, patientId, StaffUser.CARE_ROLES);
    }

    /** The patient, when the caller is staff of the patient's organisation in one of {@code roles}; else "not found". */
    public Patient requireOrganisation(StaffUser user, UUID patientId, java.util.Set<String> roles) {
        java.util.Optional<Patient> patient = roles.contains(user.role())
                ? patients.inOrganisation(patientId, user.organisationId())
                : java.util.Optional.empty();
        if (patient.isEmpty()) {
            securityLog.refused(user, patientId);
            throw notFound(patientId);
        }
        return patient.get();
    }

    public static Refusal notFound(UUID patientId) {
        return Refusal.notFound("No patient " + patientId + " among your organisation's citizens.");
    }
}
