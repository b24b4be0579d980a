package dk.fsc.service.readings;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * The SQL of the readings table's monthly partitions: the maintenance lock, making a month's
 * partition (the function of migration V20, which moves that month's rows out of the default
 * partition) and what the catalog says about the partitions. Every method works on the caller's
 * connection; making partitions belongs in one transaction with the lock.
 */
@Singleton
class PartitionStore {
    /**
     * Key of the transaction-scoped advisory lock around making partitions: 0x46534350, "FSCP"
     * (alert events use "FSCA"). Also taken by ensure_reading_partitions (V20) and named in
     * docs/operations.md; in pg_locks it shows as locktype advisory, objid 1179861840.
     */
    static final long MAINTENANCE_LOCK = 0x46534350L;

    /** One partition of readings; {@code start} is null for the default partition. */
    record Partition(String name, @Nullable Instant start, long rows, long bytes) {
    }

    /** Takes the maintenance lock until the end of the transaction, unless another session holds it: then false at once. */
    boolean tryLock(Sql sql) {
        return sql.one("SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), MAINTENANCE_LOCK).orElse(false);
    }

    /** Gives up on a table lock after this long (the run fails and is tried again), rather than queueing every reader behind it. */
    void lockTimeout(Sql sql, String timeout) {
        sql.one("SELECT set_config('lock_timeout', ?, true)", rs -> 1, timeout);
    }

    /** Makes the month's partition; answers the rows it moved out of readings_default, or null when the partition was there. */
    @Nullable
    Long make(Sql sql, YearMonth month) {
        return sql.one("SELECT make_reading_partition(?)", rs -> rs.getObject(1, Long.class), month.atDay(1)).orElse(null);
    }

    /**
     * Every partition from the catalog, cheap at any size. Rows are an estimate, not count(*)
     * (which reads a whole partition, too slow on a month of readings): pg_class.reltuples, which
     * (auto)vacuum and analyze keep within a few per cent and which survives a restart, and for
     * a partition never analyzed yet (reltuples -1) the live rows of pg_stat_user_tables. Bytes
     * with indexes and TOAST. The start is read from the partition bound (null: the default).
     */
    List<Partition> partitions(Sql sql) {
        return sql.list("""
                SELECT c.relname,
                       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS starts,
                       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END AS estimated_rows,
                       pg_total_relation_size(c.oid) AS bytes
                  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                 WHERE i.inhparent = 'readings'::regclass
                 ORDER BY starts NULLS FIRST""",
                rs -> new Partition(rs.getString("relname"), Sql.instant(rs, "starts"), rs.getLong("estimated_rows"), rs.getLong("bytes")));
    }

    /** Rows in readings_default, counted exactly: it should hold none, so counting it is cheap while all is well. */
    long defaultRows(Sql sql) {
        return sql.one("SELECT count(*) FROM readings_default", rs -> rs.getLong(1)).orElse(0L);
    }
}
