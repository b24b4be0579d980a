package dk.fsc.service.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a device needs FSC's attention: a low battery, a fault code in its latest status report,
 * its quarantine quota used up (the gateway drops its rejected messages: docs/mqtt.md),
 * or silence longer than its patient's measurement schedule allows (two measurements a day in the
 * first 14 days of {@code copd_standard}, else weekly). Devices not on loan, or whose patient's
 * monitoring is paused or has no schedule, are never silent.
 */
final class DeviceHealth {
    static final String BATTERY_LOW = "battery_low";
    static final String SILENT = "silent";
    static final String FAULT = "fault";
    /** The gateway refuses to keep more of this device's rejected messages in this window (its quarantine quota is used up). */
    static final String QUARANTINE_QUOTA = "quarantine_quota";

    /** A day's measurements plus six hours' grace; a week's plus a day. */
    static final Duration DAILY_SILENCE = Duration.ofHours(30);
    static final Duration WEEKLY_SILENCE = Duration.ofDays(8);

    /**
     * {@link #allowedSilence}'s rule as a SQL condition on {@link DeviceReader}'s joins (devices d,
     * device_status s, loans l, patient_monitoring m): the silent search narrows to these in the
     * database and then checks each with {@link #allowedSilence} as every other read does. Its
     * first condition reads an index: only devices last heard in an hour that began longer ago
     * than the shortest allowed silence (V18), and devices on a loan that began that long ago and
     * never heard from at all, can be silent; the rest of it is decided on those few.
     */
    static final String SILENT_SQL = """
             AND d.id IN (SELECT sc.device_id FROM device_status sc WHERE sc.seen_hour < (now() AT TIME ZONE 'UTC') - make_interval(secs => %1$d)
                          UNION ALL
                          SELECT lc.device_id FROM loans lc WHERE lc.status <> 'reserved' AND lc.starts_at < now() - make_interval(secs => %1$d)
                             AND (lc.ends_at IS NULL OR lc.ends_at > now())
                             AND NOT EXISTS (SELECT 1 FROM device_status sn WHERE sn.device_id = lc.device_id))
             AND m.schedule IS NOT NULL AND m.schedule <> 'none'
             AND NOT EXISTS (SELECT 1 FROM monitoring_pauses p WHERE p.patient_id = l.patient_id AND p.starts_at <= now() AND p.ends_at > now())
             AND greatest(s.last_seen_at, l.starts_at) + CASE WHEN m.schedule = 'copd_standard' AND now() < m.started_at + interval '14 days'
                 THEN make_interval(secs => %1$d) ELSE make_interval(secs => %2$d) END < now()"""
            .formatted(DAILY_SILENCE.toSeconds(), WEEKLY_SILENCE.toSeconds());

    private DeviceHealth() {
    }

    /** How long this device may be silent, or empty when silence is not a problem. */
    static Optional<Duration> allowedSilence(String schedule, Instant monitoringStarted, boolean paused, Instant now) {
        if (schedule == null || schedule.equals("none") || paused) {
            return Optional.empty();
        }
        if (schedule.equals("copd_standard") && now.isBefore(monitoringStarted.plus(Duration.ofDays(14)))) {
            return Optional.of(DAILY_SILENCE);
        }
        return Optional.of(WEEKLY_SILENCE);
    }

    static List<String> problems(Integer battery, int batteryLowPercent, List<String> faults, boolean silent, boolean quarantineFull) {
        List<String> problems = new ArrayList<>();
        if (battery != null && battery < batteryLowPercent) {
            problems.add(BATTERY_LOW);
        }
        if (silent) {
            problems.add(SILENT);
        }
        if (!faults.isEmpty()) {
            problems.add(FAULT);
        }
        if (quarantineFull) {
            problems.add(QUARANTINE_QUOTA);
        }
        return problems;
    }
}
