-- Rollups of the readings per patient, type and hour, and per patient, type and day (issue #18):
-- how many, the lowest, highest and sum (the mean is sum / count), the first and last value with
-- their times, and how many were entered by staff. A history over a year reads a few hundred of
-- these instead of thousands of readings (GET /api/patients/{id}/readings?resolution=…, the
-- nurses' charts; docs/api.md).
--
-- Hours are UTC hours. Days are Danish calendar days (Europe/Copenhagen, 23 or 25 hours at the
-- daylight-saving changes): a nurse's "Tuesday" is the patient's Tuesday. Every Danish midnight
-- is a whole UTC hour, so a day is exactly its hours.
--
-- Kept up to date in the inserting transaction by a statement trigger on readings (below), so a
-- late backlog reading or a value staff enter by hand lands in its bucket when it is stored, by
-- whichever writer stores it (the gateway's batches, the service's staff entries: both use the
-- one INSERT of ReadingRows). Readings are never updated; when they go (retention drops whole
-- partitions), their rollups stay until their own retention.
CREATE TABLE reading_rollups_hourly (
    patient_id   uuid NOT NULL,
    type         text NOT NULL,
    bucket       timestamptz NOT NULL,
    count        integer NOT NULL,
    min          double precision NOT NULL,
    max          double precision NOT NULL,
    sum          double precision NOT NULL,
    first_at     timestamptz NOT NULL,
    first_value  double precision NOT NULL,
    last_at      timestamptz NOT NULL,
    last_value   double precision NOT NULL,
    staff_count  integer NOT NULL,
    PRIMARY KEY (patient_id, type, bucket)
);
CREATE TABLE reading_rollups_daily (LIKE reading_rollups_hourly INCLUDING ALL);

-- One statement's new readings into both rollups. Ordered by key, so two writers touching the
-- same buckets lock them in the same order (no deadlock); the first and last value of a bucket
-- follow measured_at, ties broken as the history orders readings.
CREATE FUNCTION reading_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reading_rollups_hourly AS r
        (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count)
    SELECT patient_id, type, date_trunc('hour', measured_at, 'UTC'), count(*), min(value), max(value), sum(value),
           min(measured_at), (array_agg(value ORDER BY measured_at, device_id, message_id, seq))[1],
           max(measured_at), (array_agg(value ORDER BY measured_at DESC, device_id DESC, message_id DESC, seq DESC))[1],
           count(*) FILTER (WHERE origin = 'staff')
      FROM new_readings
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
        staff_count = r.staff_count + EXCLUDED.staff_count;

    INSERT INTO reading_rollups_daily AS r
        (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count)
    SELECT patient_id, type, date_trunc('day', measured_at, 'Europe/Copenhagen'), count(*), min(value), max(value), sum(value),
           min(measured_at), (array_agg(value ORDER BY measured_at, device_id, message_id, seq))[1],
           max(measured_at), (array_agg(value ORDER BY measured_at DESC, device_id DESC, message_id DESC, seq DESC))[1],
           count(*) FILTER (WHERE origin = 'staff')
      FROM new_readings
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
        staff_count = r.staff_count + EXCLUDED.staff_count;
    RETURN NULL;
END $$;

CREATE TRIGGER readings_roll_up AFTER INSERT ON readings
    REFERENCING NEW TABLE AS new_readings
    FOR EACH STATEMENT EXECUTE FUNCTION reading_rollups_add();

-- The rebuild: both rollups of the Danish days [from_day, to_day) computed again from the readings
-- (after a restore, a repair by hand, or to check them). Holds the rollups' lock for the range's
-- duration, so writers wait and no reading is counted twice or missed; call it a month at a time
-- on a large store. Answers how many hourly and daily rows it wrote. docs/operations.md.
CREATE FUNCTION rebuild_reading_rollups(from_day date, to_day date, OUT hourly_rows bigint, OUT daily_rows bigint)
LANGUAGE plpgsql AS $$
DECLARE
    from_at timestamptz := from_day::timestamp AT TIME ZONE 'Europe/Copenhagen';
    to_at timestamptz := to_day::timestamp AT TIME ZONE 'Europe/Copenhagen';
BEGIN
    IF to_day <= from_day THEN
        RAISE EXCEPTION 'to_day (%) must be after from_day (%)', to_day, from_day;
    END IF;
    LOCK TABLE reading_rollups_hourly, reading_rollups_daily IN SHARE ROW EXCLUSIVE MODE;
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
    INSERT INTO reading_rollups_daily (patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value, staff_count)
    SELECT patient_id, type, date_trunc('day', bucket, 'Europe/Copenhagen'), sum(count), min(min), max(max), sum(sum),
           min(first_at), (array_agg(first_value ORDER BY first_at))[1],
           max(last_at), (array_agg(last_value ORDER BY last_at DESC))[1], sum(staff_count)
      FROM reading_rollups_hourly WHERE bucket >= from_at AND bucket < to_at
     GROUP BY 1, 2, 3;
    GET DIAGNOSTICS daily_rows = ROW_COUNT;
END $$;

-- The readings stored before this migration.
SELECT rebuild_reading_rollups(coalesce((SELECT min(measured_at AT TIME ZONE 'Europe/Copenhagen')::date FROM readings), current_date),
                               coalesce((SELECT max(measured_at AT TIME ZONE 'Europe/Copenhagen')::date FROM readings), current_date) + 1);
