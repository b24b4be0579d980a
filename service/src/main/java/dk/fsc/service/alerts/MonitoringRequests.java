package dk.fsc.service.alerts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Bodies of the monitoring and threshold endpoints. */
final class MonitoringRequests {
    private MonitoringRequests() {
    }

    /** A clinician's limits for one type; at least one must be given. */
    @Serdeable
    record SetLimits(@Nullable Double redHigh, @Nullable Double yellowHigh, @Nullable Double yellowLow, @Nullable Double redLow,
                     @NotBlank @Size(max = 1000) String reason) {
    }

    @Serdeable
    record Reset(@NotBlank @Size(max = 1000) String reason) {
    }

    /**
     * @param schedule {@code copd_standard} (twice daily for 14 days, then twice weekly),
     *                 {@code weekly} or {@code none}
     */
    @Serdeable
    record Monitoring(boolean spo2Target88To92, @NotNull @Pattern(regexp = "copd_standard|weekly|none") String schedule,
                      @Nullable Instant startedAt) {
    }

    @Serdeable
    record Pause(@NotNull Instant from, @NotNull Instant to, @NotBlank @Size(max = 500) String reason) {
    }
}
