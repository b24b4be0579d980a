package dk.fsc.service.alerts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;

/**
 * An organisation's alert settings as the API and the console read and write them: its response
 * policy and escalation chain. What makes them valid is {@link OrganisationAlertSettings#problems}.
 */
public final class AlertSettings {
    private AlertSettings() {
    }

    /** A response policy; {@code name} is stored on every alert raised under it, so name each version. */
    @Serdeable
    public record Policy(String name, int yellowFromTotal, int redFromTotal, boolean redOnSingleThree) {
    }

    /** One step of the chain: after {@code delayMinutes} without an acknowledgement, the alert goes to {@code name}. */
    @Serdeable
    public record Level(int level, String name, int delayMinutes) {
    }

    @Serdeable
    public record Chain(@NotNull List<@Valid Level> levels) {
    }

    /** Who last changed the policy, and when (none while the default applies). */
    public record Change(String by, Instant at) {
    }

    /** The policy in force and its last change, if it is the organisation's own. */
    public record PolicyInForce(Policy policy, @Nullable Change changed) {
        public boolean isDefault() {
            return changed == null;
        }
    }
}
