/**
 * Patients (pseudonymous UUID, encrypted CPR number) and PatientAccess, the one check before a
 * citizen's clinical data is shown. Uses audit, staff and platform.
 */
package dk.fsc.service.patients;
