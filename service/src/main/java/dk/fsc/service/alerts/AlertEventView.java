package dk.fsc.service.alerts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/**
 * One change of an alert as the feed sends it; {@code id} is the event id to resume from.
 *
 * @param type opened, worsened, updated, acknowledged, resolved, assigned, commented or escalated
 */
@Serdeable
public record AlertEventView(long id, long alertId, UUID patientId, String kind, String type, String severity, String status,
                             String actor, @Nullable String note, Instant at) {
}
