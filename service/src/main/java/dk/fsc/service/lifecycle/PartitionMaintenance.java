package dk.fsc.service.lifecycle;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the monthly partitions of {@link MonthlyPartitions#TABLES} made ahead: to
 * {@code months-ahead} after the current UTC month, and back (backlogs) {@code months-back} months
 * for the readings and their hourly rollups, the backlog window's months for the idempotency keys,
 * none for the access log (always written now), never further back than retention keeps (else
 * each day's retention would drop what this made again). At start and every
 * {@code fsc.partitions.check}. One instance at a time: a run takes the advisory lock
 * {@link MonthlyPartitions#MAINTENANCE_LOCK} for its transaction, and skips when another instance
 * holds it. Rows that sat in a default partition for a month that gets its partition move into it
 * in the same transaction. Each run then refreshes {@link PartitionMetrics}. On TimescaleDB
 * ({@link Timescale}) the readings and their hourly rollups are in chunks, which TimescaleDB makes
 * as rows come: only the idempotency keys and the access log get monthly partitions, and the
 * metrics show the chunks as partitions.
 */
@Singleton
class PartitionMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);
    private static final String LOCK_TIMEOUT = "5s";
    private final Database db;
    private final RetentionPolicy policy;
    private final PartitionMetrics metrics;
    private final Timescale timescale;
    private final int monthsAhead;
    private final int monthsBack;
    private final String interval;

    /** A partition this run made, and the rows it moved out of readings_default. */
    record Made(String partition, long moved) {
    }

    /** What a run did: skipped (another instance held the lock) or made these partitions (none when all were there). */
    record Outcome(boolean skipped, List<Made> made) {
    }

    /** A closed month whose indexes a run packed, with their bytes before and after. */
    record Packed(String partition, long indexBytesBefore, long indexBytesAfter) {
    }

    /** The tables whose closed months get their indexes packed: those that grow with the readings. */
    static final List<String> PACKED_TABLES = List.of("readings", "reading_rollups_hourly");

    PartitionMaintenance(Database db, Retention retention, PartitionMetrics metrics, Timescale timescale,
                         @Value("${fsc.partitions.months-ahead:3}") int monthsAhead,
                         @Value("${fsc.partitions.months-back:12}") int monthsBack,
                         @Value("${fsc.partitions.check:6h}") String interval) {
        if (monthsAhead < 1 || monthsBack < 0) {
            throw new IllegalArgumentException("fsc.partitions: months-ahead must be at least 1 and months-back at least 0, not "
                    + monthsAhead + " and " + monthsBack);
        }
        this.db = db;
        this.policy = retention.policy();
        this.metrics = metrics;
        this.timescale = timescale;
        this.monthsAhead = monthsAhead;
        this.monthsBack = monthsBack;
        this.interval = interval;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        ensure();
    }

    @Scheduled(fixedDelay = "${fsc.partitions.check:6h}", initialDelay = "${fsc.partitions.check:6h}")
    void ensure() {
        try {
            maintain(Instant.now());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not make the monthly partitions ({}); next try in {}. Rows of a month without a partition go to "
                    + "the table's default partition and move out when it is made", e.getMessage(), interval);
        }
    }

    /** Packs the closed months, some minutes after start and then every {@code fsc.partitions.check}; never holds up the start. */
    @Scheduled(fixedDelay = "${fsc.partitions.check:6h}", initialDelay = "${fsc.partitions.pack-after-start:10m}")
    void packInTheBackground() {
        try {
            packClosedMonths(Instant.now());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not pack the indexes of the closed months ({}); next try in {}. Nothing is lost: an index not packed "
                    + "is only larger", e.getMessage(), interval);
        }
    }

    /**
     * Packs the indexes of the months no device can write to any more (the month ended more than
     * the backlog window and a day before {@code now}) of {@link #PACKED_TABLES}: rebuilt full
     * ({@link MonthlyPartitions#pack}), without blocking readers or writers. While a month is
     * written its index entries arrive in patient order, not in time order, so its pages split
     * and stay about two thirds full; packed, a closed month's index takes a fifth less (a reading's
     * 56 bytes of index become 45: docs/benchmarks.md) and a history query reads fewer pages. One
     * month at a time under the maintenance lock, taken for that month only (a run that finds it
     * held stops and leaves the rest to the next run); a month packed before is passed over.
     * On TimescaleDB the readings are in compressed chunks instead. Answers what it packed; how
     * many closed months still wait is on {@code fsc_partitions_unpacked_closed_months{table}},
     * counting down while a run packs (a store upgraded from before V34 starts with all its months).
     */
    List<Packed> packClosedMonths(Instant now) throws SQLException {
        Instant closedBefore = now.minus(policy.backlogWindow()).minus(Duration.ofDays(1));
        List<Packed> packed = new ArrayList<>();
        try (Connection c = timescale.ownerConnection()) { // REINDEX is the owner's
            c.setAutoCommit(true); // REINDEX CONCURRENTLY runs outside a transaction
            Sql sql = Sql.on(c);
            for (String table : PACKED_TABLES) {
                List<MonthlyPartitions.Partition> waiting = closedToPack(sql, table, closedBefore);
                for (int i = 0; i < waiting.size(); i++) {
                    metrics.closedMonthsToPack(table, waiting.size() - i);
                    if (!MonthlyPartitions.trySessionLock(sql)) {
                        LOG.debug("Packing closed months: another instance holds the maintenance lock; the rest waits for the next run");
                        for (String t : PACKED_TABLES) { // as the catalog shows it: the other instance is packing
                            metrics.closedMonthsToPack(t, closedToPack(sql, t, closedBefore).size());
                        }
                        return packed;
                    }
                    MonthlyPartitions.Partition p = waiting.get(i);
                    try {
                        long before = MonthlyPartitions.indexBytes(sql, p);
                        long started = System.nanoTime();
                        if (!MonthlyPartitions.pack(sql, p)) {
                            continue; // another instance packed it meanwhile
                        }
                        Packed done = new Packed(p.name(), before, MonthlyPartitions.indexBytes(sql, p));
                        packed.add(done);
                        LOG.info("Packed the indexes of {}, a closed month: {} MB before, {} MB after, in {} s; {} more of {} to pack",
                                p.name(), String.format(Locale.ROOT, "%.1f", before / 1e6),
                                String.format(Locale.ROOT, "%.1f", done.indexBytesAfter() / 1e6),
                                (System.nanoTime() - started) / 1_000_000_000, waiting.size() - i - 1, table);
                    } finally {
                        MonthlyPartitions.unlock(sql);
                    }
                }
                metrics.closedMonthsToPack(table, 0);
            }
        }
        return packed;
    }

    /**
     * The table's months closed before {@code closedBefore} whose indexes are not packed yet, or
     * with what a stopped attempt left; none where the table is in TimescaleDB's chunks.
     */
    private List<MonthlyPartitions.Partition> closedToPack(Sql sql, String table, Instant closedBefore) {
        if (timescale.chunked(table)) {
            return List.of();
        }
        return MonthlyPartitions.of(sql, table).stream()
                .filter(p -> !p.isDefault() && !p.end().isAfter(closedBefore))
                .filter(p -> !MonthlyPartitions.indexesToPack(sql, p).isEmpty() || !MonthlyPartitions.unfinishedCopies(sql, p).isEmpty())
                .toList();
    }

    /**
     * Makes the partitions missing for the months around {@code now} in one transaction under the
     * maintenance lock, then refreshes the metrics (also when skipped or failed).
     */
    Outcome maintain(Instant now) throws SQLException {
        try {
            Outcome outcome = makePartitions(YearMonth.from(now.atOffset(ZoneOffset.UTC)));
            if (outcome.skipped()) {
                LOG.debug("Monthly partitions: another instance holds the maintenance lock and makes them; skipped");
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
                if (!MonthlyPartitions.tryLock(sql)) {
                    c.rollback();
                    return new Outcome(true, List.of());
                }
                MonthlyPartitions.lockTimeout(sql, LOCK_TIMEOUT);
                List<Made> made = new ArrayList<>();
                for (String table : MonthlyPartitions.TABLES) {
                    if (timescale.chunked(table)) {
                        continue; // TimescaleDB makes a chunk when its first row comes
                    }
                    for (YearMonth m = current.minusMonths(monthsBack(table)); !m.isAfter(current.plusMonths(monthsAhead)); m = m.plusMonths(1)) {
                        Long moved = MonthlyPartitions.make(sql, table, m);
                        if (moved != null) {
                            made.add(new Made(String.format("%s_%04d_%02d", table, m.getYear(), m.getMonthValue()), moved));
                        }
                    }
                }
                c.commit();
                for (Made m : made) {
                    if (m.moved() > 0) {
                        LOG.warn("Made partition {} and moved {} rows of its month into it out of the default partition "
                                + "(the partition was not made ahead in time)", m.partition(), m.moved());
                    } else {
                        LOG.info("Made partition {}", m.partition());
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

    /**
     * How many months before the current one a table gets partitions: backlogs of readings (and
     * their rollups) up to {@code months-back}, of idempotency keys as far as the backlog window
     * reaches, none for the access log; never as far back as its retention drops: the month m back
     * ends less than 31·m days ago, so with m ≤ kept days / 31 retention does not drop it at once
     * (until 2026-12-05 one month less: the idempotency keys' partitions reached one month back
     * where a 30-day backlog reaches two at a month's start, and the keys went to the default
     * partition, which retention never empties).
     */
    int monthsBack(String table) {
        long wanted = switch (table) {
            case "readings", "reading_rollups_hourly" -> monthsBack;
            case "device_messages" -> policy.backlogWindow().toDays() / 28 + 1;
            default -> 0;
        };
        long kept = switch (table) {
            case "readings" -> policy.readings().toDays();
            case "reading_rollups_hourly" -> policy.hourlyRollupsKept().toDays();
            case "device_messages" -> policy.deviceMessages().toDays();
            default -> policy.accessLog().toDays();
        } / 31;
        return (int) Math.max(0, Math.min(wanted, kept));
    }

    private void refreshMetrics() {
        try {
            long inDefault = db.withConnection(sql -> {
                long total = 0;
                for (String table : MonthlyPartitions.TABLES) {
                    if (timescale.chunked(table)) { // its chunks, in the same metrics; there is no default chunk
                        metrics.refresh(table, timescale.chunks(table), 0);
                        continue;
                    }
                    long rows = MonthlyPartitions.defaultRows(sql, table);
                    metrics.refresh(table, MonthlyPartitions.of(sql, table), rows);
                    total += rows;
                }
                return total;
            });
            if (inDefault > 0) {
                LOG.warn("Default partitions hold {} rows, of months without a partition; they move into a month's partition "
                        + "when it is made (months before months-back only by hand: docs/operations.md, \"Monthly partitions\")", inDefault);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not read the partitions for the metrics ({}); they show the previous run", e.getMessage());
        }
    }
}
