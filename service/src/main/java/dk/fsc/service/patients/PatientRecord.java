package dk.fsc.service.patients;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/** A patient's record as the nurses and clinicians of the patient's organisation see it, CPR number included. */
@Serdeable
public record PatientRecord(UUID id, String organisationId, String displayName, String cpr, @Nullable String address, @Nullable String phone,
                     Instant createdAt) {
}
