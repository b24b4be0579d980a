package dk.fsc.service.readings;

import dk.fsc.service.lifecycle.Timescale;
import dk.fsc.service.platform.database.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the readings' rollup deltas into the hourly and daily rollups (V35): the readings' trigger
 * appends each statement's sums per patient, type and hour in the writing transaction, and this
 * writes them into the rollups every {@code fsc.rollups.fold-every}, each hour and day touched
 * once per fold instead of once per batch. One instance folds at a time (the function's advisory
 * lock; the others leave it to that one). After an outage it folds the backlog in steps of
 * {@value #STEP} deltas until none is left. Nothing to do on TimescaleDB, whose rollups are
 * continuous aggregates ({@code TimescaleMaintenance}). Made at start ({@code @Context}), so its
 * metrics, which an alert rule reads, exist before the first fold.
 */
@Context
public class RollupFold {
    private static final Logger LOG = LoggerFactory.getLogger(RollupFold.class);
    /** The advisory lock V35's fold function takes for its transaction, one fold at a time: 0x46534352, "FSCR". */
    public static final long LOCK = 0x46534352L;
    /** Deltas folded per transaction: a few seconds of a busy region's, a bounded transaction after an outage. */
    static final int STEP = 50_000;
    private final Database db;
    private final Timescale timescale;
    private final Timer foldTime;
    private final Counter foldedDeltas;
    private final AtomicLong lastFold = new AtomicLong(Instant.now().getEpochSecond()); // its start until the first fold

    RollupFold(Database db, Timescale timescale, MeterRegistry registry,
               @Value("${fsc.rollups.vacuum-from:67108864}") long vacuumFrom,
               @Value("${fsc.rollups.vacuum-every:10m}") Duration vacuumEvery) {
        this.db = db;
        this.timescale = timescale;
        this.vacuumFrom = vacuumFrom;
        this.vacuumEvery = vacuumEvery;
        this.foldTime = Timer.builder("fsc.rollups.fold")
                .description("How long a fold of the readings' rollup deltas into the hourly and daily rollups took").register(registry);
        this.foldedDeltas = Counter.builder("fsc.rollups.folded.deltas")
                .description("Rollup deltas (a statement's readings of one patient, type and hour) folded into the rollups").register(registry);
        Gauge.builder("fsc.rollups.folded.time", lastFold, AtomicLong::get).baseUnit("seconds")
                .description("When this instance last folded the rollup deltas (epoch seconds; its start until its first fold; on TimescaleDB its start)")
                .register(registry);
    }

    @Scheduled(fixedDelay = "${fsc.rollups.fold-every:5s}", initialDelay = "${fsc.rollups.fold-every:5s}")
    void scheduled() {
        try {
            fold(false);
        } catch (RuntimeException e) {
            LOG.warn("Folding the readings' rollup deltas failed ({}); they wait for the next fold", e.getMessage());
        }
    }

    /**
     * Folds every delta committed before the call, after another instance's fold if one is
     * under way; answers how many it folded. Tests and commands call it to see the rollups
     * caught up.
     */
    public long fold() {
        return fold(true);
    }

    /** As {@link #fold()}; without {@code wait}, 0 at once when another instance is folding. */
    private long fold(boolean wait) {
        if (timescale.on()) {
            return 0;
        }
        long total = 0;
        int steps = 0;
        while (true) {
            long started = System.nanoTime();
            long[] step = db.withConnection(sql -> sql.one("SELECT folded, hours FROM fold_reading_rollup_deltas(?, ?)",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)}, STEP, wait).orElseThrow());
            if (step[0] < 0) {
                return total; // another instance folds
            }
            foldTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            foldedDeltas.increment(step[0]);
            total += step[0];
            if (step[0] < STEP) {
                break;
            }
            if (++steps % 20 == 1) { // the first step of a backlog, then every millionth delta
                LOG.info("Folding a backlog of rollup deltas: {} folded so far, into {} hours in the last step", total, step[1]);
            }
        }
        lastFold.set(Instant.now().getEpochSecond());
        vacuumIfLarge();
        return total;
    }

    /**
     * Every fold deletes what it folded. Autovacuum reclaims that space (the table's own
     * thresholds, V35); where it is off, or after a bulk load's millions of deltas, the dead pages
     * stay, and each fold would read them all to find its few live rows. So when the table has
     * grown past {@code fsc.rollups.vacuum-from} bytes, it is vacuumed here (as its owner, which truncates the
     * empty pages at its end), at most every {@code fsc.rollups.vacuum-every}.
     */
    private void vacuumIfLarge() {
        long now = System.nanoTime();
        if (lastVacuum != 0 && now - lastVacuum < vacuumEvery.toNanos()) {
            return;
        }
        long bytes = db.withConnection(sql -> sql.one("SELECT pg_relation_size('reading_rollup_deltas')", rs -> rs.getLong(1)).orElse(0L));
        if (bytes < vacuumFrom) {
            return;
        }
        lastVacuum = now;
        long started = System.nanoTime();
        try (Connection c = timescale.ownerConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("VACUUM reading_rollup_deltas");
        } catch (SQLException e) {
            LOG.warn("Vacuuming the rollup deltas ({} MB) failed ({}); autovacuum or the next try in {} reclaims them", bytes >> 20,
                    e.getMessage(), vacuumEvery);
            return;
        }
        long after = db.withConnection(sql -> sql.one("SELECT pg_relation_size('reading_rollup_deltas')", rs -> rs.getLong(1)).orElse(0L));
        LOG.info("Vacuumed the rollup deltas in {} ms: {} MB before, {} MB after", (System.nanoTime() - started) / 1_000_000, bytes >> 20,
                after >> 20);
    }

    /** The deltas' size in bytes from which a fold vacuums them (64 MB: about 600 000 deltas, a minute of the benchmark's ingest). */
    private final long vacuumFrom;
    /** At most this often (a vacuum that could not truncate leaves the size as it was). */
    private final Duration vacuumEvery;
    private volatile long lastVacuum;
}
