package dk.fsc.service.platform.time;

import java.time.ZoneId;

/**
 * Danish time, the one zone of every day and hour the service counts in: a loan's due day,
 * maintenance dates, the support desk's working hours, a chart's days, a report's months, a
 * referral's answer. In SQL the database's own {@code current_date} is its session's zone (UTC in
 * production), so a Danish day there is {@code danish_today()} (V41), not {@code current_date}.
 */
public final class DanishTime {
    public static final ZoneId ZONE = ZoneId.of("Europe/Copenhagen");

    private DanishTime() {
    }
}
