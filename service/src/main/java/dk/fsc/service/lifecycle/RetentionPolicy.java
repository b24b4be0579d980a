package dk.fsc.service.lifecycle;

import java.time.Duration;
import java.util.List;

/**
 * How long each kind of data is kept, measured from its own time (a reading's measurement, an
 * alert's resolution, a photo's taking, a message's measurement, a quarantined message's arrival,
 * an access's moment). The defaults and their reasons are in docs/operations.md.
 *
 * @param backlogWindow the gateway's: a message older than this is refused before its idempotency
 *                      key is looked at, so the keys must be kept at least this long plus a day
 */
public record RetentionPolicy(Duration readings, Duration hourlyRollups, Duration alerts, Duration photos, Duration deviceMessages,
                              Duration quarantine, Duration accessLog, Duration backlogWindow) {

    /** Each kind, its setting's name and how long it is kept. */
    public record Rule(Kind kind, String setting, Duration keep) {
    }

    /** What is kept, and how it goes: whole monthly partitions, or rows in batches. */
    public enum Kind {
        READINGS("readings", true), HOURLY_ROLLUPS("reading_rollups_hourly", true), DEVICE_MESSAGES("device_messages", true), ACCESS_LOG("access_log", true),
        ALERTS("alerts", false), PHOTOS("photos", false), QUARANTINE("quarantine", false);

        private final String table;
        private final boolean partitioned;

        Kind(String table, boolean partitioned) {
            this.table = table;
            this.partitioned = partitioned;
        }

        public String table() {
            return table;
        }

        /** The kind's name in the dry run and the logs ({@code readings}, {@code hourly_rollups}, ...). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean partitioned() {
            return partitioned;
        }
    }

    /** The kinds that are part of the patient record, kept at least as long as a device may still send their data. */
    private static final java.util.Set<Kind> PATIENT_RECORD = java.util.EnumSet.of(Kind.READINGS, Kind.HOURLY_ROLLUPS, Kind.ALERTS, Kind.PHOTOS);

    /** Refuses a policy that would lose a guarantee or makes no sense, naming the setting. */
    public RetentionPolicy {
        for (Rule r : rules(readings, hourlyRollups, alerts, photos, deviceMessages, quarantine, accessLog)) {
            if (r.keep().isNegative() || r.keep().isZero()) {
                throw new IllegalArgumentException(r.setting() + " must be a positive duration, not " + r.keep());
            }
        }
        if (accessLog.compareTo(Duration.ofDays(366)) < 0) {
            throw new IllegalArgumentException("fsc.retention.access-log (" + accessLog.toDays() + " days) must be at least a year: "
                    + "citizens and auditors look back on it, and the database refuses to drop a younger month of it (V28)");
        }
        Duration least = backlogWindow.plusDays(1);
        // The patient record's kinds: a reading (or photo) as old as the backlog window may still arrive, and would be stored
        // into a month already dropped (or its hours into the hourly rollups' default partition, for good). The floor also
        // catches a slip of the unit: Micronaut reads "120m" as 120 minutes, not months.
        for (Rule r : rules(readings, hourlyRollups, alerts, photos, deviceMessages, quarantine, accessLog)) {
            if (PATIENT_RECORD.contains(r.kind()) && r.keep().compareTo(least) < 0) {
                throw new IllegalArgumentException(r.setting() + " (" + Timescale.readable(r.keep()) + ") must be at least the backlog "
                        + "window plus a day (" + least.toDays() + " days): a device may still send data that old (durations are "
                        + "read with d for days, h for hours, m for minutes)");
            }
        }
        if (deviceMessages.compareTo(least) < 0) {
            throw new IllegalArgumentException("fsc.retention.device-messages (" + deviceMessages.toDays() + " days) must be at least "
                    + "the backlog window plus a day (" + least.toDays() + " days): a device may still resend a message that old, "
                    + "and without its key it would be stored twice");
        }
    }

    /** The rules, in the order the job applies them. */
    public List<Rule> rules() {
        return rules(readings, hourlyRollups, alerts, photos, deviceMessages, quarantine, accessLog);
    }

    /** How long hourly rollups are kept: their own setting, but never longer than the readings they sum up. */
    public Duration hourlyRollupsKept() {
        return shorter(hourlyRollups, readings);
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private static List<Rule> rules(Duration readings, Duration hourlyRollups, Duration alerts, Duration photos, Duration deviceMessages,
                                    Duration quarantine, Duration accessLog) {
        return List.of(new Rule(Kind.READINGS, "fsc.retention.readings", readings),
                new Rule(Kind.HOURLY_ROLLUPS, "fsc.retention.hourly-rollups", shorter(hourlyRollups, readings)),
                new Rule(Kind.ALERTS, "fsc.retention.alerts", alerts),
                new Rule(Kind.PHOTOS, "fsc.retention.photos", photos),
                new Rule(Kind.DEVICE_MESSAGES, "fsc.retention.device-messages", deviceMessages),
                new Rule(Kind.QUARANTINE, "fsc.retention.quarantine", quarantine),
                new Rule(Kind.ACCESS_LOG, "fsc.retention.access-log", accessLog));
    }
}
