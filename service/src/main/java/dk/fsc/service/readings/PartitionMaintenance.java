package dk.fsc.service.readings;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the monthly partitions of the readings table made ahead: from {@code months-back} months
 * before the current UTC month (backlogs) to {@code months-ahead} after it, at start and every
 * {@code fsc.readings.partitions.check}. One instance at a time: a run takes the advisory lock
 * {@link PartitionStore#MAINTENANCE_LOCK} for its transaction, and skips when another instance
 * holds it. Rows that sat in the default partition for a month that gets its partition move
 * into it in the same transaction. Each run then refreshes {@link PartitionMetrics}.
 */
@Singleton
class PartitionMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);
    private static final String LOCK_TIMEOUT = "5s";
    private final Database db;
    private final PartitionStore store;
    private final PartitionMetrics metrics;
    private final int monthsAhead;
    private final int monthsBack;
    private final String interval;

    /** A partition this run made, and the rows it moved out of readings_default. */
    record Made(String partition, long moved) {
    }

    /** What a run did: skipped (another instance held the lock) or made these partitions (none when all were there). */
    record Outcome(boolean skipped, List<Made> made) {
    }

    PartitionMaintenance(Database db, PartitionStore store, PartitionMetrics metrics,
                         @Value("${fsc.readings.partitions.months-ahead:3}") int monthsAhead,
                         @Value("${fsc.readings.partitions.months-back:12}") int monthsBack,
                         @Value("${fsc.readings.partitions.check:6h}") String interval) {
        if (monthsAhead < 1 || monthsBack < 0) {
            throw new IllegalArgumentException("fsc.readings.partitions: months-ahead must be at least 1 and months-back at least 0, not "
                    + monthsAhead + " and " + monthsBack);
        }
        this.db = db;
        this.store = store;
        this.metrics = metrics;
        this.monthsAhead = monthsAhead;
        this.monthsBack = monthsBack;
        this.interval = interval;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        ensure();
    }

    @Scheduled(fixedDelay = "${fsc.readings.partitions.check:6h}", initialDelay = "${fsc.readings.partitions.check:6h}")
    void ensure() {
        try {
            maintain(Instant.now());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not make the readings partitions ({}); next try in {}. Readings of a month without a partition go to "
                    + "readings_default and move out when it is made", e.getMessage(), interval);
        }
    }

    /**
     * Makes the partitions missing for the months around {@code now} in one transaction under the
     * maintenance lock, then refreshes the metrics (also when skipped or failed).
     */
    Outcome maintain(Instant now) throws SQLException {
        try {
            Outcome outcome = makePartitions(YearMonth.from(now.atOffset(ZoneOffset.UTC)));
            if (outcome.skipped()) {
                LOG.debug("Readings partitions: another instance holds the maintenance lock and makes them; skipped");
            } else {
                metrics.succeeded(now);
            }
            return outcome;
        } finally {
            refreshMetrics();
        }
    }

    private Outcome makePartitions(YearMonth current) throws SQLException {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            try {
                Sql sql = Sql.on(c);
                if (!store.tryLock(sql)) {
                    c.rollback();
                    return new Outcome(true, List.of());
                }
                store.lockTimeout(sql, LOCK_TIMEOUT);
                List<Made> made = new ArrayList<>();
                for (YearMonth m = current.minusMonths(monthsBack); !m.isAfter(current.plusMonths(monthsAhead)); m = m.plusMonths(1)) {
                    Long moved = store.make(sql, m);
                    if (moved != null) {
                        made.add(new Made(String.format("readings_%04d_%02d", m.getYear(), m.getMonthValue()), moved));
                    }
                }
                c.commit();
                for (Made m : made) {
                    if (m.moved() > 0) {
                        LOG.warn("Made readings partition {} and moved {} rows of its month into it out of readings_default "
                                + "(the partition was not made ahead in time)", m.partition(), m.moved());
                    } else {
                        LOG.info("Made readings partition {}", m.partition());
                    }
                }
                return new Outcome(false, List.copyOf(made));
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException notRolledBack) { // the connection is gone: so is the transaction
                    e.addSuppressed(notRolledBack);
                }
                throw e;
            }
        }
    }

    private void refreshMetrics() {
        try {
            long inDefault = db.withConnection(sql -> {
                long rows = store.defaultRows(sql);
                metrics.refresh(store.partitions(sql), rows);
                return rows;
            });
            if (inDefault > 0) {
                LOG.warn("readings_default holds {} rows, readings of months without a partition; they move into a month's partition "
                        + "when it is made (months before months-back only by hand: docs/operations.md, \"Readings partitions\")", inDefault);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not read the readings partitions for the metrics ({}); they show the previous run", e.getMessage());
        }
    }
}
