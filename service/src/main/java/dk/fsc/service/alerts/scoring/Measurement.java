package dk.fsc.service.alerts.scoring;

import java.time.Instant;

/**
 * One value to score, in the stored unit of its type.
 *
 * @param site       for temperature: {@code rectal}, {@code oral}, {@code axillary}, {@code ear} or null
 * @param receivedAt when it reached the system: later than {@code measuredAt} for a device's
 *                   backlog, which is news to a nurse even when it was measured before she
 *                   resolved an alert
 */
public record Measurement(String type, double value, Instant measuredAt, String site, Instant receivedAt) {
    public Measurement(String type, double value, Instant measuredAt) {
        this(type, value, measuredAt, null);
    }

    /** A value known as soon as it was measured. */
    public Measurement(String type, double value, Instant measuredAt, String site) {
        this(type, value, measuredAt, site, measuredAt);
    }
}
