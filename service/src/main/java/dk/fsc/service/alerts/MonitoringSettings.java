package dk.fsc.service.alerts;

import java.time.Instant;

/**
 * A patient's monitoring settings in force: the prescribed SpO2 target of 88–92 % (NEWS2 scale 2)
 * and the measurement schedule ({@code copd_standard}, {@code weekly} or {@code none}).
 */
public record MonitoringSettings(boolean spo2Target88To92, String schedule, Instant startedAt, String updatedBy, Instant updatedAt) {

    /** One change of the settings; {@code reason} is null when it came through the API (which asks for none). */
    public record Change(boolean spo2Target88To92, String schedule, Instant startedAt, String reason, String changedBy,
                         Instant changedAt) {
    }
}
