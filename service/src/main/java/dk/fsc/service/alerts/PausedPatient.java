package dk.fsc.service.alerts;

import io.micronaut.serde.annotation.Serdeable;
import java.util.UUID;

/** A citizen with a pause of their monitoring. */
@Serdeable
public record PausedPatient(UUID patientId, String patientName, PauseView pause) {
}
