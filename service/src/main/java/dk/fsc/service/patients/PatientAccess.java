package dk.fsc.service.patients;

import dk.fsc.service.platform.ApiProblem;
import dk.fsc.service.staff.StaffUser;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * The one check before any clinical data of a citizen is shown: the caller has a care role in
 * the organisation responsible for the patient. Anything else is answered as "not found", so a
 * caller cannot even learn that the patient exists.
 */
@Singleton
public class PatientAccess {
    private final PatientRepository patients;

    PatientAccess(PatientRepository patients) {
        this.patients = patients;
    }

    public Patient requireCareAccess(StaffUser user, UUID patientId) {
        if (!StaffUser.CARE_ROLES.contains(user.role())) {
            throw notFound(patientId);
        }
        return patients.findByIdAndOrganisationId(patientId, user.organisationId()).orElseThrow(() -> notFound(patientId));
    }

    /** The patient, when the caller is staff of the patient's organisation in one of {@code roles}; else "not found". */
    public Patient requireOrganisation(StaffUser user, UUID patientId, java.util.Set<String> roles) {
        if (!roles.contains(user.role())) {
            throw notFound(patientId);
        }
        return patients.findByIdAndOrganisationId(patientId, user.organisationId()).orElseThrow(() -> notFound(patientId));
    }

    public static ApiProblem notFound(UUID patientId) {
        return ApiProblem.notFound("No patient " + patientId + " among your organisation's citizens.");
    }
}
