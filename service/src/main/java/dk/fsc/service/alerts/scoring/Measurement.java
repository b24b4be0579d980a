package dk.fsc.service.alerts.scoring;

import java.time.Instant;

/**
 * One value to score, in the stored unit of its type.
 *
 * @param site for temperature: {@code rectal}, {@code oral}, {@code axillary}, {@code ear} or null
 */
public record Measurement(String type, double value, Instant measuredAt, String site) {
    public Measurement(String type, double value, Instant measuredAt) {
        this(type, value, measuredAt, null);
    }
}
