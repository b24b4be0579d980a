package dk.fsc.service.lifecycle;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SQL of the store on TimescaleDB (docs/decisions/0009-timescaledb.md): whether the server
 * has it, the one-time conversion of the readings into a hypertable and of their rollups into
 * continuous aggregates, and the chunks as {@link MonthlyPartitions.Partition}s. Works on the
 * caller's connection, which must be the schema owner's ({@link Timescale#ownerConnection}).
 */
final class TimescaleStore {
    /** The continuous aggregates that replace V19's rollup tables, under the same names and columns, hours first (the days read them). */
    static final List<String> ROLLUPS = List.of("reading_rollups_hourly", "reading_rollups_daily");

    /** The tables in chunks rather than monthly partitions once converted: the readings and their rollups. */
    static final List<String> CHUNKED = List.of("readings", "reading_rollups_hourly", "reading_rollups_daily");

    private TimescaleStore() {
    }

    /**
     * What the server offers: the extension's version in this database (null: not created), the
     * version it could create, and whether it is preloaded. Preloaded is read from a setting
     * TimescaleDB's loader defines ({@code shared_preload_libraries} itself only a superuser may
     * read); creating the extension where it is not preloaded ends the connection (FATAL).
     */
    record Offer(@Nullable String installed, @Nullable String available, boolean preloaded) {
        boolean usable() {
            return installed != null || (available != null && preloaded);
        }
    }

    static Offer offer(Sql sql) {
        return sql.one("""
                SELECT (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),
                       (SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'),
                       current_setting('timescaledb.disable_load', true) IS NOT NULL""",
                rs -> new Offer(rs.getString(1), rs.getString(2), rs.getBoolean(3))).orElseThrow();
    }

    /** Whether readings is a hypertable already (the conversion ran). */
    static boolean converted(Sql sql) {
        boolean extension = sql.one("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')", rs -> rs.getBoolean(1))
                .orElse(false);
        return extension && sql.one("""
                SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                                WHERE hypertable_schema = current_schema() AND hypertable_name = 'readings')""",
                rs -> rs.getBoolean(1)).orElse(false);
    }

    /** The extension's version once created. */
    static String version(Sql sql) {
        return sql.one("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", rs -> rs.getString(1)).orElseThrow();
    }

    /**
     * Converts, in the caller's transaction: the monthly partitioned readings become a hypertable
     * in chunks of {@code chunkInterval} with the same columns, index and grants (every row copied;
     * the partitions and V19's statement trigger go with the old table, V35's deltas are
     * emptied), compressed segmented by patient and type; V19's rollup tables become continuous aggregates of the same names and
     * columns, created empty (real-time aggregation answers from the readings until
     * {@link TimescaleMaintenance} has materialized them). Tells {@code progress} after each monthly
     * partition copied; answers how many readings were copied.
     */
    static long convert(Sql sql, Duration chunkInterval, Consumer<String> progress) {
        sql.update("CREATE EXTENSION IF NOT EXISTS timescaledb");
        sql.update("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE");
        sql.update("ALTER TABLE readings RENAME TO readings_monthly");
        sql.update("ALTER INDEX readings_patient_type_time_idx RENAME TO readings_monthly_patient_type_time_idx");
        sql.update("CREATE TABLE readings (LIKE readings_monthly INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)");
        sql.one("SELECT create_hypertable('readings', by_range('measured_at', CAST(? AS interval)), create_default_indexes => false)",
                rs -> 1, chunkInterval.toSeconds() + " seconds");
        sql.update("CREATE INDEX readings_patient_type_time_idx ON readings (patient_id, type, measured_at)");
        grants(sql, "readings_monthly", "readings").forEach(sql::update);
        // A partition at a time, saying how far it is: on a region's store the copy takes minutes.
        List<String> parts = sql.list("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = CAST('readings_monthly' AS regclass) ORDER BY c.relname""", rs -> rs.getString(1));
        // By name: a partition may store its columns in another order than its table (V34).
        String columns = String.join(", ", sql.list("""
                SELECT quote_ident(attname) FROM pg_attribute
                 WHERE attrelid = CAST('readings_monthly' AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum""",
                rs -> rs.getString(1)));
        long copied = 0;
        for (int i = 0; i < parts.size(); i++) {
            copied += sql.update("INSERT INTO readings (" + columns + ") SELECT " + columns + " FROM " + parts.get(i));
            progress.accept("copied " + parts.get(i) + " (" + (i + 1) + " of " + parts.size() + " partitions, " + copied + " readings so far)");
        }
        sql.update("DROP TABLE readings_monthly");
        // Segments of one patient's one type, in time order: what every history query and the evaluation read.
        sql.update("""
                ALTER TABLE readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'patient_id, type',
                                          timescaledb.compress_orderby = 'measured_at')""");

        // The rollups: what the tables held is computed again from the readings (the hourly ones are kept
        // shorter than the readings, so all of them can be).
        List<String> rollupGrants = new ArrayList<>(grants(sql, "reading_rollups_hourly", "reading_rollups_hourly"));
        rollupGrants.addAll(grants(sql, "reading_rollups_daily", "reading_rollups_daily"));
        sql.update("DROP TABLE reading_rollups_hourly, reading_rollups_daily");
        // V35's deltas not yet folded: their readings are in the aggregates' computation; nothing appends more (the trigger
        // went with the old table), and RollupFold does nothing on TimescaleDB. (A store before V35 has none.)
        sql.update("DO $$ BEGIN IF to_regclass('reading_rollup_deltas') IS NOT NULL THEN TRUNCATE reading_rollup_deltas; END IF; END $$");
        sql.update("""
                CREATE MATERIALIZED VIEW reading_rollups_hourly
                  WITH (timescaledb.continuous, timescaledb.materialized_only = false, timescaledb.create_group_indexes = false) AS
                SELECT patient_id, type, time_bucket(INTERVAL '1 hour', measured_at) AS bucket,
                       CAST(count(*) AS integer) AS count, min(value) AS min, max(value) AS max, sum(value) AS sum,
                       min(measured_at) AS first_at, first(value, measured_at) AS first_value,
                       max(measured_at) AS last_at, last(value, measured_at) AS last_value,
                       CAST(count(*) FILTER (WHERE origin = 'staff') AS integer) AS staff_count
                  FROM readings
                 GROUP BY patient_id, type, time_bucket(INTERVAL '1 hour', measured_at)
                WITH NO DATA""");
        sql.update("CREATE INDEX reading_rollups_hourly_patient_type_bucket_idx ON reading_rollups_hourly (patient_id, type, bucket)");
        // Danish days of the hours (a hierarchical aggregate): each also counts its hours, as V29's column does.
        sql.update("""
                CREATE MATERIALIZED VIEW reading_rollups_daily
                  WITH (timescaledb.continuous, timescaledb.materialized_only = false, timescaledb.create_group_indexes = false) AS
                SELECT patient_id, type, time_bucket(INTERVAL '1 day', bucket, 'Europe/Copenhagen') AS bucket,
                       CAST(sum(count) AS integer) AS count, min(min) AS min, max(max) AS max, sum(sum) AS sum,
                       min(first_at) AS first_at, first(first_value, first_at) AS first_value,
                       max(last_at) AS last_at, last(last_value, last_at) AS last_value,
                       CAST(sum(staff_count) AS integer) AS staff_count, CAST(count(*) AS smallint) AS hours
                  FROM reading_rollups_hourly
                 GROUP BY patient_id, type, time_bucket(INTERVAL '1 day', bucket, 'Europe/Copenhagen')
                WITH NO DATA""");
        sql.update("CREATE INDEX reading_rollups_daily_patient_type_bucket_idx ON reading_rollups_daily (patient_id, type, bucket)");
        compressRollupsBySegment(sql);
        rollupGrants.forEach(sql::update);
        // V29's background count of the days' hours has nothing to do: the daily aggregate counts them.
        sql.update("UPDATE reading_rollups_hours_fill SET next_day = DATE '1970-01-02', until_day = DATE '1970-01-01'");
        // V19's rebuild wrote into the rollup tables; an aggregate is refreshed instead, and this says how.
        sql.update("""
                CREATE OR REPLACE FUNCTION rebuild_reading_rollups(from_day date, to_day date, OUT hourly_rows bigint, OUT daily_rows bigint)
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'on TimescaleDB the rollups are continuous aggregates: refresh them instead'
                        USING HINT = format('CALL refresh_continuous_aggregate(''reading_rollups_hourly'', %L, %L, force => true); '
                                            'then the same for reading_rollups_daily (docs/operations.md)',
                                            from_day::timestamp AT TIME ZONE 'Europe/Copenhagen', to_day::timestamp AT TIME ZONE 'Europe/Copenhagen');
                END $$""");
        return copied;
    }

    /**
     * The aggregates' chunks compressed as the readings' are, by patient and type in time order
     * (TimescaleDB's default would order a chunk by bucket alone: a patient's year would
     * decompress every patient's). Answers whether it changed anything: a store converted before
     * this existed gets it at its next start.
     */
    static boolean compressRollupsBySegment(Sql sql) {
        boolean changed = false;
        for (String rollup : ROLLUPS) {
            boolean set = sql.one("""
                    SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates a
                                     JOIN timescaledb_information.compression_settings s
                                       ON s.hypertable_schema = a.materialization_hypertable_schema
                                      AND s.hypertable_name = a.materialization_hypertable_name
                                    WHERE a.view_schema = current_schema() AND a.view_name = ? AND s.attname = 'patient_id'
                                      AND s.segmentby_column_index IS NOT NULL)""", rs -> rs.getBoolean(1), rollup).orElse(false);
            if (!set) {
                sql.update("ALTER MATERIALIZED VIEW " + rollup + " SET (timescaledb.compress = true, "
                        + "timescaledb.compress_segmentby = 'patient_id, type', timescaledb.compress_orderby = 'bucket')");
                changed = true;
            }
        }
        return changed;
    }

    /** The GRANT statements that give {@code target} the grants {@code table} has to roles other than its owner. */
    private static List<String> grants(Sql sql, String table, String target) {
        return sql.list("""
                SELECT format('GRANT %s ON %s TO %s', string_agg(DISTINCT a.privilege_type, ', '), CAST(? AS text),
                              CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END)
                  FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
                 WHERE c.oid = CAST(? AS regclass) AND a.grantee <> c.relowner
                 GROUP BY a.grantee""",
                rs -> rs.getString(1), target, table);
    }

    /**
     * The chunks of a hypertable or of a continuous aggregate's materialization, oldest first, as
     * partitions: name, range, estimated rows (statistics; 0 for a compressed chunk) and bytes.
     */
    static List<MonthlyPartitions.Partition> chunks(Sql sql, String relation) {
        // The sizes of all the hypertable's chunks read once (not once per chunk: ten years are 520 of them).
        return sql.list("""
                WITH h AS (
                    SELECT coalesce((SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
                                       FROM timescaledb_information.continuous_aggregates
                                      WHERE view_schema = current_schema() AND view_name = ?),
                                    format('%I.%I', current_schema(), ?)) AS name),
                     sizes AS (SELECT d.chunk_schema, d.chunk_name, d.total_bytes FROM h, chunks_detailed_size(CAST(h.name AS regclass)) d)
                SELECT c.chunk_schema, c.chunk_name, c.range_start, c.range_end,
                       greatest(coalesce(p.reltuples, 0), 0)::bigint AS estimated_rows, coalesce(s.total_bytes, 0) AS bytes
                  FROM h JOIN timescaledb_information.chunks c ON format('%I.%I', c.hypertable_schema, c.hypertable_name) = h.name
                  LEFT JOIN pg_class p ON p.oid = to_regclass(format('%I.%I', c.chunk_schema, c.chunk_name))
                  LEFT JOIN sizes s ON s.chunk_schema = c.chunk_schema AND s.chunk_name = c.chunk_name
                 ORDER BY c.range_start""",
                rs -> new MonthlyPartitions.Partition(relation, rs.getString("chunk_name"), Sql.instant(rs, "range_start"),
                        Sql.instant(rs, "range_end"), rs.getLong("estimated_rows"), rs.getLong("bytes")),
                relation, relation);
    }

    /** Drops the chunks of a hypertable or continuous aggregate whose every row is older than the cutoff; answers how many went. */
    static int dropChunks(Sql sql, String relation, Instant olderThan) {
        return sql.one("SELECT count(*) FROM drop_chunks(CAST(? AS regclass), older_than => CAST(? AS timestamptz))",
                rs -> rs.getInt(1), relation, olderThan).orElse(0);
    }

    /**
     * Compresses the chunks of readings or of a rollup aggregate that end before the cutoff and are not compressed yet, or
     * only partly: rows written into a compressed chunk (a staff entry, a load) stay uncompressed
     * beside it (status bit 8, which only TimescaleDB's internal chunk_status tells) until
     * compress_chunk compresses them too. Answers how many chunks it compressed.
     */
    static int compress(Sql sql, String table, Instant olderThan) {
        return sql.one("""
                SELECT count(compress_chunk(c, if_not_compressed => true))
                  FROM (SELECT CAST(format('%I.%I', chunk_schema, chunk_name) AS regclass) AS c, is_compressed
                          FROM timescaledb_information.chunks ch
                         WHERE format('%I.%I', ch.hypertable_schema, ch.hypertable_name) = coalesce(
                                   (SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
                                      FROM timescaledb_information.continuous_aggregates
                                     WHERE view_schema = current_schema() AND view_name = ?),
                                   format('%I.%I', current_schema(), ?))
                           AND range_end <= ?) ch
                 WHERE NOT is_compressed OR _timescaledb_functions.chunk_status(c) & 8 = 8""",
                rs -> rs.getInt(1), table, table, olderThan).orElse(0);
    }
}
