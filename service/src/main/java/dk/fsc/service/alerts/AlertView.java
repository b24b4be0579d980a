package dk.fsc.service.alerts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An alert as the worklist shows it; {@code events} only on the single-alert view.
 *
 * @param monitoringPausedUntil when the patient's monitoring is paused now, until when (no missing-measurement alerts meanwhile)
 */
@Serdeable
public record AlertView(long id, UUID patientId, String patientName, String kind, String severity, String status, String summary,
                        Map<String, Object> details, @Nullable String policy, @Nullable String assignee, Instant openedAt,
                        Instant updatedAt, @Nullable Instant acknowledgedAt, @Nullable String acknowledgedBy,
                        @Nullable Instant resolvedAt, @Nullable String resolvedBy, @Nullable String outcome, int escalationLevel,
                        @Nullable Instant escalateAt, @Nullable Instant monitoringPausedUntil, @Nullable List<AlertEventView> events) {
}
