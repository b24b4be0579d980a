-- The rollups folded in bulk (issue #19 item 4, for issue #18 item 3's rollups): until now the
-- statement trigger on readings upserted every hour and every day a batch touched, in the writing
-- transaction, and that was the largest part of the database's time per reading in the ingest
-- benchmark (docs/benchmarks.md, "Where the database's time goes"): a patient who sends twice a
-- second has his hour and his day written again, a new row version each, by every batch.
--
-- Now the trigger appends the statement's sums per patient, type and hour to
-- reading_rollup_deltas (no index, so an append), in the same transaction as the readings: what
-- is committed is never lost. The service folds the deltas into the rollups every few seconds
-- (fold_reading_rollup_deltas below, RollupFold in the service): a patient's hour and day are
-- written once per fold, however many batches touched them. The rollups lag the readings by the
-- fold's interval (fsc.rollups.fold-every, 5 s by default); a late backlog reading or a value
-- staff enter lands in its bucket at the next fold, as on TimescaleDB at the next refresh.
-- Columns laid out by alignment (V34).
CREATE TABLE reading_rollup_deltas (
    bucket       timestamptz NOT NULL,      -- the UTC hour
    first_at     timestamptz NOT NULL,
    last_at      timestamptz NOT NULL,
    min          double precision NOT NULL,
    max          double precision NOT NULL,
    sum          double precision NOT NULL,
    first_value  double precision NOT NULL,
    last_value   double precision NOT NULL,
    patient_id   uuid NOT NULL,
    count        integer NOT NULL,
    staff_count  integer NOT NULL,
    type         text NOT NULL
);
-- Rows live seconds: vacuum it when a few thousand have gone, not at 20 % of the table.
ALTER TABLE reading_rollup_deltas SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                                       autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000);

-- One statement's readings, summed per patient, type and hour, as V29's first step did; the first
-- and last value follow measured_at, ties broken as the history orders readings.
CREATE OR REPLACE FUNCTION reading_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reading_rollup_deltas (bucket, first_at, last_at, min, max, sum, first_value, last_value, patient_id, count, staff_count, type)
    SELECT date_trunc('hour', measured_at, 'UTC'), min(measured_at), max(measured_at), min(value), max(value), sum(value),
           (array_agg(value ORDER BY measured_at, device_id, message_id, seq))[1],
           (array_agg(value ORDER BY measured_at DESC, device_id DESC, message_id DESC, seq DESC))[1],
           patient_id, count(*), count(*) FILTER (WHERE origin = 'staff'), type
      FROM new_readings
     GROUP BY patient_id, type, 1;
    RETURN NULL;
END $$;
ALTER FUNCTION reading_rollups_add() RESET ALL;

-- Folds up to max_deltas deltas into the rollups in one transaction, as V29's trigger did with a
-- statement's readings: each hour touched upserted once, each day once, the day counting the hours
-- that got their first reading here. Answers how many deltas it folded and into how many hours.
-- One fold at a time (a transaction advisory lock): with wait, a second fold waits for the first
-- and then folds what is left; without, it answers -1, 0 at once and leaves the work to the
-- first. Takes the deltas' table before the rollups', the order rebuild_reading_rollups takes
-- them in, so the two never wait for each other in a circle.
-- Its sort of 50 000 deltas by bucket fits in 64 MB (with the default 4 MB it spills to disk;
-- one fold runs at a time).
CREATE FUNCTION fold_reading_rollup_deltas(max_deltas integer, wait boolean, OUT folded bigint, OUT hours bigint)
LANGUAGE plpgsql SET enable_nestloop = off SET work_mem = '64MB' AS $$
BEGIN
    folded := -1;
    hours := 0;
    IF wait THEN
        PERFORM pg_advisory_xact_lock(1179861842); -- 0x46534352, "FSCR"
    ELSIF NOT pg_try_advisory_xact_lock(1179861842) THEN
        RETURN;
    END IF;
    WITH taken AS (
        DELETE FROM reading_rollup_deltas
         WHERE ctid = ANY (ARRAY(SELECT ctid FROM reading_rollup_deltas LIMIT max_deltas))
        RETURNING *
    ), buckets AS (
        SELECT patient_id, type, bucket, sum(count) AS count, min(min) AS min, max(max) AS max, sum(sum) AS sum,
               min(first_at) AS first_at, (array_agg(first_value ORDER BY first_at))[1] AS first_value,
               max(last_at) AS last_at, (array_agg(last_value ORDER BY last_at DESC))[1] AS last_value,
               sum(staff_count) AS staff_count
          FROM taken
         GROUP BY 1, 2, 3
    ), upserted AS (
        INSERT INTO reading_rollups_hourly AS r
            (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count)
        SELECT patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count
          FROM buckets
         ORDER BY 1, 2, 3
        ON CONFLICT (patient_id, type, bucket) DO UPDATE SET
            count = r.count + EXCLUDED.count,
            min = least(r.min, EXCLUDED.min),
            max = greatest(r.max, EXCLUDED.max),
            sum = r.sum + EXCLUDED.sum,
            first_at = least(r.first_at, EXCLUDED.first_at),
            first_value = CASE WHEN EXCLUDED.first_at < r.first_at THEN EXCLUDED.first_value ELSE r.first_value END,
            last_at = greatest(r.last_at, EXCLUDED.last_at),
            last_value = CASE WHEN EXCLUDED.last_at >= r.last_at THEN EXCLUDED.last_value ELSE r.last_value END,
            staff_count = r.staff_count + EXCLUDED.staff_count
        RETURNING r.patient_id, r.type, r.bucket, r.count
    ), days AS (
        INSERT INTO reading_rollups_daily AS r
            (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count, hours)
        SELECT h.patient_id, h.type, date_trunc('day', h.bucket, 'Europe/Copenhagen'), sum(h.count), min(h.min), max(h.max), sum(h.sum),
               min(h.first_at), (array_agg(h.first_value ORDER BY h.first_at))[1],
               max(h.last_at), (array_agg(h.last_value ORDER BY h.last_at DESC))[1],
               sum(h.staff_count), count(*) FILTER (WHERE u.count = h.count)
          FROM buckets h JOIN upserted u ON u.patient_id = h.patient_id AND u.type = h.type AND u.bucket = h.bucket
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (patient_id, type, bucket) DO UPDATE SET
            count = r.count + EXCLUDED.count,
            min = least(r.min, EXCLUDED.min),
            max = greatest(r.max, EXCLUDED.max),
            sum = r.sum + EXCLUDED.sum,
            first_at = least(r.first_at, EXCLUDED.first_at),
            first_value = CASE WHEN EXCLUDED.first_at < r.first_at THEN EXCLUDED.first_value ELSE r.first_value END,
            last_at = greatest(r.last_at, EXCLUDED.last_at),
            last_value = CASE WHEN EXCLUDED.last_at >= r.last_at THEN EXCLUDED.last_value ELSE r.last_value END,
            staff_count = r.staff_count + EXCLUDED.staff_count,
            hours = r.hours + EXCLUDED.hours
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM upserted) INTO folded, hours;
END $$;

-- As V29's, and the deltas of the range are dropped under the same lock: their readings are
-- counted here. Writers (whose trigger appends deltas) and the fold wait for it, as writers did.
-- Not on a store converted to TimescaleDB, whose rollups are continuous aggregates (views): its
-- rebuild says to refresh them instead (TimescaleStore) and stays so.
DO $do$
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = CAST('reading_rollups_hourly' AS regclass)) = 'v' THEN
        RETURN;
    END IF;
    EXECUTE $fn$
CREATE OR REPLACE FUNCTION rebuild_reading_rollups(from_day date, to_day date, OUT hourly_rows bigint, OUT daily_rows bigint)
LANGUAGE plpgsql AS $$
DECLARE
    from_at timestamptz := from_day::timestamp AT TIME ZONE 'Europe/Copenhagen';
    to_at timestamptz := to_day::timestamp AT TIME ZONE 'Europe/Copenhagen';
BEGIN
    IF to_day <= from_day THEN
        RAISE EXCEPTION 'to_day (%) must be after from_day (%)', to_day, from_day;
    END IF;
    LOCK TABLE reading_rollup_deltas, reading_rollups_hourly, reading_rollups_daily IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM reading_rollup_deltas WHERE bucket >= from_at AND bucket < to_at;
    DELETE FROM reading_rollups_hourly WHERE bucket >= from_at AND bucket < to_at;
    DELETE FROM reading_rollups_daily WHERE bucket >= from_at AND bucket < to_at;
    INSERT INTO reading_rollups_hourly (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count)
    SELECT patient_id, type, date_trunc('hour', measured_at, 'UTC'), count(*), min(value), max(value), sum(value),
           min(measured_at), (array_agg(value ORDER BY measured_at, device_id, message_id, seq))[1],
           max(measured_at), (array_agg(value ORDER BY measured_at DESC, device_id DESC, message_id DESC, seq DESC))[1],
           count(*) FILTER (WHERE origin = 'staff')
      FROM readings WHERE measured_at >= from_at AND measured_at < to_at
     GROUP BY 1, 2, 3;
    GET DIAGNOSTICS hourly_rows = ROW_COUNT;
    INSERT INTO reading_rollups_daily (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count,
                                       hours)
    SELECT patient_id, type, date_trunc('day', bucket, 'Europe/Copenhagen'), sum(count), min(min), max(max), sum(sum),
           min(first_at), (array_agg(first_value ORDER BY first_at))[1],
           max(last_at), (array_agg(last_value ORDER BY last_at DESC))[1], sum(staff_count), count(*)
      FROM reading_rollups_hourly WHERE bucket >= from_at AND bucket < to_at
     GROUP BY 1, 2, 3;
    GET DIAGNOSTICS daily_rows = ROW_COUNT;
END $$
    $fn$;
END $do$;
