package dk.fsc.service.readings;

import dk.fsc.service.lifecycle.Retention;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.time.DanishTime;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the hours of the daily rollups stored before V29 (their {@code hours} is NULL), so
 * {@link ReadingStore#auto} can decide on the days alone: a day per transaction, from the oldest
 * day hourly rollups are kept for to the day of the upgrade, where {@code reading_rollups_hours_fill}
 * says it got to. Runs at start-up in the background, logging its progress; safe to interrupt (it
 * goes on from that day at the next start) and with several instances (one fills, the others see
 * the marker locked and leave it to that one).
 *
 * <p>Each day's rows are locked before its hours are counted, so a late reading folded into the
 * rollups meanwhile ({@link RollupFold}) is either counted here (its fold committed first) or adds
 * its hour to the count written here (its fold waited for the lock): never lost, never twice.
 */
@Singleton
public class RollupHoursFill {
    private static final Logger LOG = LoggerFactory.getLogger(RollupHoursFill.class);
    /** SQL states that mean "try the transaction again": deadlock, serialization failure, lock not available. */
    private static final Set<String> RETRY = Set.of("40P01", "40001", "55P03");
    private final Database db;
    private final Duration hourlyKept;
    private volatile Thread thread;

    RollupHoursFill(Database db, Retention retention) {
        this.db = db;
        this.hourlyKept = retention.policy().hourlyRollupsKept();
    }

    @EventListener
    void onStartup(StartupEvent event) {
        thread = new Thread(() -> {
            try {
                run();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Counting the hours of the daily rollups stopped ({}); it goes on at the next start. Until it is done "
                        + "resolution=auto counts hourly rollups for older ranges, as before V29", e.getMessage());
            }
        }, "rollup-hours-fill");
        thread.setDaemon(true);
        thread.start();
    }

    /** What is left: the days [from, until] (none when from is after until). */
    private record Left(LocalDate from, LocalDate until) {
        long days() {
            return Math.max(0, ChronoUnit.DAYS.between(from, until) + 1);
        }
    }

    /** Fills day after day until none is left; answers how many days it did (0 when done before or another instance fills). */
    public long run() throws SQLException {
        long done = 0;
        long total = 0;
        int retries = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Optional<Left> left;
            try {
                left = fillNextDay();
                retries = 0;
            } catch (Sql.DataError e) {
                // A deadlock, serialization failure or lock timeout is PostgreSQL's way to say "again": the day is tried again.
                if (!(e.getCause() instanceof SQLException cause) || !RETRY.contains(cause.getSQLState()) || ++retries > 10) {
                    throw e;
                }
                LOG.debug("Counting the hours of a day: {}; trying it again", cause.getMessage());
                continue;
            }
            if (left.isEmpty()) {
                LOG.debug("Daily rollups' hours: another instance is counting them");
                return done;
            }
            if (left.get().days() == 0) {
                if (done > 0) {
                    LOG.info("Counted the hours of the daily rollups of {} days; resolution=auto decides on the days alone", done);
                }
                return done;
            }
            if (done == 0) {
                total = left.get().days();
                LOG.info("Counting the hours of the daily rollups stored before V29: {} days, {} to {}", total, left.get().from(),
                        left.get().until());
            }
            done++;
            if (done % 30 == 0) {
                LOG.info("Counting the hours of the daily rollups: {} of {} days done", done, total);
            }
        }
        return done;
    }

    /**
     * Counts the next day's hours in a transaction of its own and moves the marker on; answers
     * what was left before this day (so {@code days() == 0}: nothing was left), or empty when
     * another instance holds the marker.
     */
    private Optional<Left> fillNextDay() throws SQLException {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            try {
                Sql sql = Sql.on(c);
                LocalDate oldestKept = LocalDate.ofInstant(Instant.now().minus(hourlyKept), DanishTime.ZONE);
                Optional<Left> marker = sql.one("SELECT next_day, until_day FROM reading_rollups_hours_fill FOR UPDATE SKIP LOCKED",
                        rs -> {
                            LocalDate next = rs.getObject(1, LocalDate.class);
                            return new Left(next == null || next.isBefore(oldestKept) ? oldestKept : next, rs.getObject(2, LocalDate.class));
                        });
                if (marker.isEmpty() || marker.get().days() == 0) {
                    c.rollback();
                    return marker;
                }
                LocalDate day = marker.get().from();
                Instant start = day.atStartOfDay(DanishTime.ZONE).toInstant();
                Instant end = day.plusDays(1).atStartOfDay(DanishTime.ZONE).toInstant();
                // The table lock a rebuild_reading_rollups waits for (else it could take its own between our row locks and
                // our UPDATE: a deadlock); then the day's uncounted rows, in the order the rollups' fold locks rows
                // (patient, type, day), so the two never wait for each other in a circle; then, a statement later and
                // seeing what committed meanwhile, their hours counted.
                sql.update("LOCK TABLE reading_rollups_daily IN ROW EXCLUSIVE MODE");
                sql.one("""
                        SELECT count(*) FROM (SELECT 1 FROM reading_rollups_daily WHERE bucket = ? AND hours IS NULL
                                               ORDER BY patient_id, type FOR UPDATE) l""",
                        rs -> rs.getLong(1), start);
                sql.update("""
                        UPDATE reading_rollups_daily d SET hours = h.hours
                          FROM (SELECT patient_id, type, count(*) AS hours FROM reading_rollups_hourly
                                 WHERE bucket >= ? AND bucket < ? GROUP BY patient_id, type) h
                         WHERE d.bucket = ? AND d.hours IS NULL AND d.patient_id = h.patient_id AND d.type = h.type""",
                        start, end, start);
                sql.update("UPDATE reading_rollups_hours_fill SET next_day = ?", day.plusDays(1));
                c.commit();
                return marker;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @PreDestroy
    void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
