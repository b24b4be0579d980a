package dk.fsc.service.lifecycle;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the readings live in TimescaleDB (issue #18; docs/decisions/0009-timescaledb.md),
 * decided once at start, before anything reads or writes them. With {@code fsc.timescaledb.mode}
 * {@code auto} (the default) TimescaleDB is used where the server has it (the extension created in
 * this database, or available and preloaded); {@code on} refuses to start without it; {@code off}
 * keeps the plain tables even where it is installed. The first start that uses it converts the
 * store once ({@link TimescaleStore#convert}, one transaction: nothing is half converted), and
 * says so in the log. A store once converted stays so: {@code off} then refuses to start rather
 * than run half of the service on tables that are not there.
 */
@Context
public class Timescale {
    private static final Logger LOG = LoggerFactory.getLogger(Timescale.class);
    /** Transaction advisory lock of the start-up decision and conversion: 0x46534356, "FSCV". */
    static final long CONVERSION_LOCK = 0x46534356L;
    private final boolean on;
    private final String url;
    private final String ownerUser;
    private final String ownerPassword;
    private final Database db;

    Timescale(Database db, MeterRegistry registry,
              @Value("${fsc.timescaledb.mode:auto}") String mode,
              @Value("${fsc.timescaledb.chunk-interval:7d}") Duration chunkInterval,
              @Value("${datasources.default.url:}") String url,
              @Value("${flyway.datasources.default.user:}") String ownerUser,
              @Value("${flyway.datasources.default.password:}") String ownerPassword) {
        this.db = db;
        this.url = url;
        this.ownerUser = ownerUser;
        this.ownerPassword = ownerPassword;
        String wanted = mode.strip().toLowerCase(Locale.ROOT);
        if (!wanted.equals("auto") && !wanted.equals("on") && !wanted.equals("off")) {
            throw new IllegalArgumentException("fsc.timescaledb.mode (FSC_TIMESCALEDB) must be auto, on or off, not \"" + mode + "\"");
        }
        if (chunkInterval.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("fsc.timescaledb.chunk-interval must be at least an hour, not " + chunkInterval);
        }
        this.on = decide(wanted, chunkInterval);
        Gauge.builder("fsc.timescaledb.enabled", this, t -> t.on ? 1 : 0)
                .description("1 when the readings are a TimescaleDB hypertable and their rollups continuous aggregates").register(registry);
    }

    private boolean decide(String mode, Duration chunkInterval) {
        try (Connection c = ownerConnection()) {
            c.setAutoCommit(false);
            try {
                boolean on = decide(Sql.on(c), mode, chunkInterval);
                c.commit();
                return on;
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    /**
     * In one transaction, under a lock that makes instances starting together take turns: the
     * first converts, the others wait for it and find the store converted.
     */
    private boolean decide(Sql sql, String mode, Duration chunkInterval) {
        sql.one("SELECT pg_advisory_xact_lock(?)", rs -> true, CONVERSION_LOCK);
        boolean converted = TimescaleStore.converted(sql);
        if (mode.equals("off")) {
            if (converted) {
                throw new IllegalStateException("fsc.timescaledb.mode is off, but this database's readings are a TimescaleDB "
                        + "hypertable already (converted by an earlier start): set it to auto or on");
            }
            return false;
        }
        if (converted) {
            if (TimescaleStore.compressRollupsBySegment(sql)) {
                LOG.info("TimescaleDB: the rollups' aggregates are compressed from now on, by patient and type");
            }
            LOG.info("TimescaleDB {}: readings are a hypertable, their rollups continuous aggregates", TimescaleStore.version(sql));
            return true;
        }
        TimescaleStore.Offer offer = TimescaleStore.offer(sql);
        if (!offer.usable()) {
            if (mode.equals("on")) {
                throw new IllegalStateException("fsc.timescaledb.mode is on, but the database server cannot give TimescaleDB: "
                        + (offer.available() == null ? "the extension is not installed on it (ops/timescaledb/README.md)"
                        : "it is installed but not in shared_preload_libraries (add it and restart the server)"));
            }
            LOG.info("Readings in monthly partitions of plain PostgreSQL ({})", offer.available() == null
                    ? "TimescaleDB is not installed on the server" : "TimescaleDB is installed but not preloaded");
            return false;
        }
        LOG.info("TimescaleDB found on the server: converting the readings into a hypertable (chunks of {}) and their rollups "
                + "into continuous aggregates, once; every reading is copied, so on a large store this takes a while", readable(chunkInterval));
        long started = System.nanoTime();
        long copied;
        try {
            copied = TimescaleStore.convert(sql, chunkInterval, step -> LOG.info("TimescaleDB conversion: {}", step));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not convert the store to TimescaleDB (nothing was changed): " + e.getMessage()
                    + ". Run as the schema's owner (FSC_DB_MIGRATION_USER), or set FSC_TIMESCALEDB=off", e);
        }
        LOG.info("TimescaleDB {}: converted; {} readings copied in {} s. Rollups are materialized in the background",
                TimescaleStore.version(sql), copied, (System.nanoTime() - started) / 1_000_000_000);
        return true;
    }

    /** "7 days", "12 hours": a duration as the log says it. */
    static String readable(Duration d) {
        return d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toDays() > 0 ? d.toDays() + " days" : d.toHours() + " hours";
    }

    /** Whether the readings are a hypertable and their rollups continuous aggregates. */
    public boolean on() {
        return on;
    }

    /** Whether this table is in chunks rather than monthly partitions: readings and their rollups, on TimescaleDB. */
    boolean chunked(String table) {
        return on && TimescaleStore.CHUNKED.contains(table);
    }

    /** The chunks of readings or of one of their rollups, oldest first (read as the owner: the aggregates' chunks are internal tables). */
    List<MonthlyPartitions.Partition> chunks(String table) {
        try (Connection c = ownerConnection()) {
            return TimescaleStore.chunks(Sql.on(c), table);
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    /** Drops the table's chunks whose every row is older than the cutoff (retention); answers how many went. */
    int dropChunks(String table, Instant olderThan) {
        if (!chunked(table)) {
            throw new IllegalArgumentException("not in chunks: " + table);
        }
        try (Connection c = ownerConnection()) {
            return TimescaleStore.dropChunks(Sql.on(c), table, olderThan);
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    /**
     * A connection as the schema's owner, which TimescaleDB asks for to refresh an aggregate,
     * compress or drop a chunk: the migrations' user when one is set (FSC_DB_MIGRATION_USER),
     * else the service's own (then the owner itself). The caller closes it. Also what
     * {@code RollupFold} vacuums its deltas with (only the owner may).
     */
    public Connection ownerConnection() throws SQLException {
        if (ownerUser == null || ownerUser.isBlank() || url == null || url.isBlank()) {
            return db.ownConnection();
        }
        return DriverManager.getConnection(url, ownerUser, ownerPassword);
    }
}
