package dk.fsc.service.lifecycle;

import dk.fsc.service.platform.database.Sql;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What TimescaleDB's own job scheduler would do, done by the service (its background jobs fail on
 * PostgreSQL 15.20, ops/timescaledb/README.md): every {@code fsc.timescaledb.refresh} the rollups'
 * continuous aggregates are refreshed where readings changed (late backlog readings and staff
 * entries included: TimescaleDB logs what each insert invalidated, and a refresh recomputes only
 * those buckets), hours before days; and the chunks of the readings and of both aggregates that
 * ended more than {@code fsc.timescaledb.compress-after} ago (the backlog window: later readings
 * are refused) are compressed. Until a refresh, real-time aggregation answers the newest hours from the readings;
 * a late reading in an older hour shows in its bucket after the next refresh. One instance at a
 * time (advisory lock); the others skip. Nothing here runs on plain PostgreSQL. Made at start
 * ({@code @Context}), so its metrics, which an alert rule reads, exist before the first run.
 */
@Context
public class TimescaleMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(TimescaleMaintenance.class);
    /** Session advisory lock of these jobs: 0x46534354, "FSCT". */
    public static final long LOCK = 0x46534354L;
    private final Timescale timescale;
    private final Duration compressAfter;
    private final AtomicLong lastRefresh = new AtomicLong();
    private final AtomicLong compressed = new AtomicLong();
    @Nullable
    private final Timer refreshTime; // (only on TimescaleDB, like the gauges: on plain PostgreSQL nothing here runs)

    TimescaleMaintenance(Timescale timescale, MeterRegistry registry,
                         @Value("${fsc.timescaledb.compress-after:30d}") Duration compressAfter) {
        this.timescale = timescale;
        this.compressAfter = compressAfter;
        this.refreshTime = !timescale.on() ? null : Timer.builder("fsc.timescaledb.rollups.refresh")
                .description("How long a refresh of both rollup aggregates took (work in proportion to the readings changed since the last)")
                .register(registry);
        if (timescale.on()) {
            Gauge.builder("fsc.timescaledb.rollups.refreshed.time", lastRefresh, AtomicLong::get).baseUnit("seconds")
                    .description("When this instance last refreshed the rollups' continuous aggregates (epoch seconds)").register(registry);
            Gauge.builder("fsc.timescaledb.compressed.chunks", compressed, AtomicLong::get)
                    .description("Chunks of readings and their rollups this instance has compressed since it started").register(registry);
        }
    }

    @Scheduled(fixedDelay = "${fsc.timescaledb.refresh:30s}", initialDelay = "${fsc.timescaledb.first-refresh:5s}")
    void scheduled() {
        if (!timescale.on()) {
            return;
        }
        try {
            run(Instant.now(), false);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("TimescaleDB maintenance failed ({}); next try at the next interval", e.getMessage());
        }
    }

    /**
     * Refreshes the rollups, then compresses what is old enough, as at {@code now}, after another
     * instance's run if one is under way (a command, a test); answers the chunks compressed.
     */
    public int run(Instant now) throws SQLException {
        return run(now, true);
    }

    /** As {@link #run(Instant)}; without {@code wait}, -1 at once (nothing done) when another instance holds the lock. */
    private int run(Instant now, boolean wait) throws SQLException {
        if (!timescale.on()) {
            return 0;
        }
        try (Connection c = timescale.ownerConnection()) {
            Sql sql = Sql.on(c);
            if (wait) {
                sql.one("SELECT pg_advisory_lock(?)", rs -> true, LOCK);
            } else if (!sql.one("SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1), LOCK).orElse(false)) {
                return -1;
            }
            try {
                long started = System.nanoTime();
                refresh(c);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                java.util.Objects.requireNonNull(refreshTime).record(took);
                if (took.toSeconds() >= 10) {
                    LOG.info("TimescaleDB: refreshed the rollups in {} s (many readings changed since the last refresh)", took.toSeconds());
                }
                lastRefresh.set(now.getEpochSecond());
                int n = 0;
                for (String table : TimescaleStore.CHUNKED) {
                    int chunks = TimescaleStore.compress(sql, table, now.minus(compressAfter));
                    if (chunks > 0) {
                        LOG.info("TimescaleDB: compressed {} chunks of {} that ended more than {} ago", chunks, table,
                                Timescale.readable(compressAfter));
                    }
                    n += chunks;
                }
                compressed.addAndGet(n);
                return n;
            } finally {
                sql.one("SELECT pg_advisory_unlock(?)", rs -> true, LOCK);
            }
        }
    }

    /** Each aggregate where its data changed, up to now (a refresh cannot run inside a transaction: autocommit). */
    private static void refresh(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (String rollup : TimescaleStore.ROLLUPS) {
                s.execute("CALL refresh_continuous_aggregate('" + rollup + "', NULL, NULL)");
            }
        }
    }
}
