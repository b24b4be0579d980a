package dk.fsc.service.lifecycle;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * The tables partitioned by month on one time column ({@link #TABLES}): their partitions as the
 * catalog shows them, making a month's partition, and dropping one. Works on the caller's
 * connection; callers that may run at the same time as another instance hold
 * {@link #MAINTENANCE_LOCK} for the transaction.
 */
final class MonthlyPartitions {
    /**
     * readings and device_messages by measured_at (V21), access_log by at (V22),
     * reading_rollups_hourly by bucket (V23).
     */
    static final List<String> TABLES = List.of("readings", "reading_rollups_hourly", "device_messages", "access_log");

    /**
     * Key of the transaction-scoped advisory lock around making and dropping partitions:
     * 0x46534350, "FSCP" (alert events use "FSCA"). Also taken by ensure_reading_partitions (V20)
     * and named in docs/operations.md; in pg_locks it shows as locktype advisory, objid 1179861840.
     */
    static final long MAINTENANCE_LOCK = 0x46534350L;

    /**
     * One partition; {@code start} and {@code end} are null for the default partition. Rows are
     * the catalog's estimate (pg_class.reltuples, or the live rows of pg_stat_user_tables before the
     * first analyze), not count(*), which would read a whole month.
     */
    record Partition(String table, String name, @Nullable Instant start, @Nullable Instant end, long rows, long bytes) {
        public boolean isDefault() {
            return start == null;
        }
    }

    private MonthlyPartitions() {
    }

    /** Takes the maintenance lock until the end of the transaction, unless another session holds it: then false at once. */
    static boolean tryLock(Sql sql) {
        return sql.one("SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), MAINTENANCE_LOCK).orElse(false);
    }

    /** Gives up on a table lock after this long (the run fails and is tried again), rather than queueing every reader behind it. */
    static void lockTimeout(Sql sql, String timeout) {
        sql.one("SELECT set_config('lock_timeout', ?, true)", rs -> 1, timeout);
    }

    /** The table's partitions, the default first, then by start. */
    static List<Partition> of(Sql sql, String table) {
        requireKnown(table);
        return sql.list("""
                SELECT c.relname,
                       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS starts,
                       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS ends,
                       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END AS estimated_rows,
                       pg_total_relation_size(c.oid) AS bytes
                  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                 WHERE i.inhparent = CAST(? AS regclass)
                 ORDER BY starts NULLS FIRST""",
                rs -> new Partition(table, rs.getString("relname"), Sql.instant(rs, "starts"), Sql.instant(rs, "ends"),
                        rs.getLong("estimated_rows"), rs.getLong("bytes")),
                table);
    }

    /** Makes the month's partition (V21's make_monthly_partition); the rows it moved out of the default partition, or null when it was there. */
    @Nullable
    static Long make(Sql sql, String table, YearMonth month) {
        requireKnown(table);
        return sql.one("SELECT make_monthly_partition(CAST(? AS regclass), ?)", rs -> rs.getObject(1, Long.class), table, month.atDay(1))
                .orElse(null);
    }

    /** Rows in the table's default partition, counted exactly: it should hold none, so counting it is cheap while all is well. */
    static long defaultRows(Sql sql, String table) {
        requireKnown(table);
        return sql.one("SELECT count(*) FROM " + table + "_default", rs -> rs.getLong(1)).orElse(0L);
    }

    /**
     * Detaches and drops one monthly partition of the table: its rows go at once, without a
     * DELETE (no row is read, no trigger fires, nothing is left to vacuum). Refuses the default.
     */
    static void drop(Sql sql, Partition partition) {
        requireKnown(partition.table());
        if (partition.isDefault() || !partition.name().startsWith(partition.table() + "_")) {
            throw new IllegalArgumentException("not a monthly partition of " + partition.table() + ": " + partition.name());
        }
        // V28's drop_monthly_partition: runs as the schema's owner, so a runtime role may use it (and only for old months).
        sql.one("SELECT drop_monthly_partition(CAST(? AS regclass), ?)", rs -> true, partition.table(), partition.name());
    }

    /**
     * The partition's indexes still to pack: valid ones without {@code fillfactor=100}, the mark
     * {@link #pack} leaves. Empty when the partition holds no row, or is packed.
     */
    static List<String> indexesToPack(Sql sql, Partition partition) {
        requireKnown(partition.table());
        return sql.list("""
                SELECT quote_ident(x.relname) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                 WHERE i.indrelid = CAST(? AS regclass) AND i.indisvalid AND x.relname !~ '_cc(new|old)[0-9]*$'
                   AND NOT coalesce(x.reloptions @> ARRAY['fillfactor=100'], false)
                   AND pg_relation_size(i.indrelid) > 0
                 ORDER BY x.relname""", rs -> rs.getString(1), partition.name());
    }

    /**
     * What a {@code REINDEX CONCURRENTLY} of the partition left when it was stopped halfway
     * (invalid indexes named {@code …_ccnew} or {@code …_ccold}): written to by inserts, never read.
     */
    static List<String> unfinishedCopies(Sql sql, Partition partition) {
        requireKnown(partition.table());
        return sql.list("""
                SELECT quote_ident(x.relname) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                 WHERE i.indrelid = CAST(? AS regclass) AND NOT i.indisvalid AND x.relname ~ '_cc(new|old)[0-9]*$'
                 ORDER BY x.relname""", rs -> rs.getString(1), partition.name());
    }

    /**
     * Rebuilds the partition's indexes full ({@code fillfactor=100}, the mark that it is done)
     * without blocking its readers or writers ({@code REINDEX CONCURRENTLY}), after dropping what
     * an earlier, stopped attempt left. On a connection in autocommit, as the indexes' owner.
     * False when there was nothing to do (packed before, by this or another instance).
     */
    static boolean pack(Sql sql, Partition partition) {
        List<String> copies = unfinishedCopies(sql, partition);
        List<String> indexes = indexesToPack(sql, partition);
        for (String copy : copies) {
            sql.update("DROP INDEX CONCURRENTLY IF EXISTS " + copy); // a name from the catalog, quoted there
        }
        for (String index : indexes) {
            sql.update("ALTER INDEX " + index + " SET (fillfactor = 100)");
            try {
                sql.update("REINDEX INDEX CONCURRENTLY " + index);
            } catch (RuntimeException e) {
                sql.update("ALTER INDEX " + index + " RESET (fillfactor)"); // not packed: the next run tries again
                throw e;
            }
        }
        return !copies.isEmpty() || !indexes.isEmpty();
    }

    /** The bytes of the partition's indexes. */
    static long indexBytes(Sql sql, Partition partition) {
        return sql.one("SELECT pg_indexes_size(CAST(? AS regclass))", rs -> rs.getLong(1), partition.name()).orElse(0L);
    }

    /** The maintenance lock for this connection until {@link #unlock}, unless another session holds it: then false at once. */
    static boolean trySessionLock(Sql sql) {
        return sql.one("SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1), MAINTENANCE_LOCK).orElse(false);
    }

    static void unlock(Sql sql) {
        sql.one("SELECT pg_advisory_unlock(?)", rs -> rs.getBoolean(1), MAINTENANCE_LOCK);
    }

    private static void requireKnown(String table) {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a table partitioned by month: " + table);
        }
    }
}
