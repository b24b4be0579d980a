package dk.fsc.service.alerts;

import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** An organisation's alert settings as the API reads and writes them: its response policy and escalation chain. */
final class AlertSettings {
    private AlertSettings() {
    }

    /** A response policy; {@code name} is stored on every alert raised under it, so name each version. */
    @Serdeable
    record Policy(@NotBlank @Size(max = 60) String name, @Min(1) @Max(15) int yellowFromTotal, @Min(1) @Max(15) int redFromTotal,
                  boolean redOnSingleThree) {
    }

    @Serdeable
    record Level(@Min(1) @Max(20) int level, @NotBlank @Size(max = 200) String name, @Min(1) @Max(1440) int delayMinutes) {
    }

    @Serdeable
    record Chain(@NotNull @Size(max = 20) List<@Valid Level> levels) {
    }
}
