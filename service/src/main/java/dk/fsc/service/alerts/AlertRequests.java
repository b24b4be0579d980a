package dk.fsc.service.alerts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Bodies of the alert actions. */
final class AlertRequests {
    private AlertRequests() {
    }

    @Serdeable
    record Acknowledge(@Nullable @Size(max = 2000) String note) {
    }

    @Serdeable
    record Resolve(@NotBlank @Size(max = 2000) String outcome) {
    }

    @Serdeable
    record Assign(@NotBlank @Size(max = 100) String assignee) {
    }

    @Serdeable
    record Comment(@NotBlank @Size(max = 4000) String text) {
    }

    @Serdeable
    record BulkAcknowledge(@NotEmpty @Size(max = 500) List<Long> ids, @Nullable @Size(max = 2000) String note) {
    }
}
