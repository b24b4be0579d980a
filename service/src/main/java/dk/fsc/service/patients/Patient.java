package dk.fsc.service.patients;

import java.util.UUID;

/** A monitored citizen as the clinical features see them: a pseudonymous id, never the CPR number. */
public record Patient(UUID id, String organisationId, String displayName) {
}
