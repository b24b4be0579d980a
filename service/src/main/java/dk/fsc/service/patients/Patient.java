package dk.fsc.service.patients;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.util.UUID;

/** A monitored citizen as the clinical features see them: a pseudonymous id, never the CPR number. */
@MappedEntity("patients")
public record Patient(@Id UUID id, String organisationId, String displayName) {
}
