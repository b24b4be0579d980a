package dk.fsc.service.audit;

import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** One line of the access log. */
@MappedEntity("access_log")
public record AccessLogEntry(@Id @GeneratedValue Long id, Instant at, String username, String organisationId, String role,
                             UUID patientId, String action, String purpose, String detail) {
}
