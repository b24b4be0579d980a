-- Readings partitions (issue #18): making a month's partition no longer fails when rows of that
-- month already sit in readings_default, and no longer takes the readings table's strongest lock.
--
-- ensure_reading_partitions created each month with CREATE TABLE ... PARTITION OF, which takes
-- ACCESS EXCLUSIVE on readings (every insert and history query waits) and fails with "updated
-- partition constraint for default partition would be violated" as soon as one row of that month
-- is in the default partition (a reading that arrived when its month had no partition).
--
-- make_reading_partition(month) makes the partition readings_YYYY_MM of the UTC month of `month`,
-- unless a table of that name exists (then it answers NULL), in the caller's transaction:
--   1. it locks readings_default (ACCESS EXCLUSIVE, which step 4 takes anyway), so no row for the
--      month can arrive there while it works; writers into it wait, those into other partitions
--      do not;
--   2. creates the table on its own, like readings, with the month's bounds as a CHECK constraint;
--   3. moves the month's rows out of readings_default into it (DELETE ... RETURNING);
--   4. attaches it (SHARE UPDATE EXCLUSIVE on readings, so inserts and reads go on; the CHECK
--      spares the scan of the new table; its primary key and index are built here) and drops the
--      CHECK, which the partition bound now says;
-- and answers how many rows it moved: 0 when partitions are made ahead in time, as they should be.
-- Callers that may run at the same time first take the advisory lock 1179861840 (0x46534350,
-- "FSCP"), as the service's PartitionMaintenance (pg_try_advisory_xact_lock) and
-- ensure_reading_partitions below do.
CREATE FUNCTION make_reading_partition(month date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    m       date := date_trunc('month', month)::date;
    name    text := format('readings_%s', to_char(m, 'YYYY_MM'));
    lo      timestamptz := m::timestamp AT TIME ZONE 'UTC';
    hi      timestamptz := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    columns text;
    moved   bigint;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    LOCK TABLE readings_default IN ACCESS EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE %I (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (measured_at >= %L AND measured_at < %L)',
                   name, name || '_bounds', lo, hi);
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
      FROM pg_attribute WHERE attrelid = 'readings'::regclass AND attnum > 0 AND NOT attisdropped;
    EXECUTE format('WITH moved AS (DELETE FROM readings_default WHERE measured_at >= %L AND measured_at < %L RETURNING %s) '
                   'INSERT INTO %I (%s) SELECT %s FROM moved', lo, hi, columns, name, columns, columns);
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_bounds');
    RETURN moved;
END $$;

-- The same call as before for a person at psql (`months` partitions from from_month, answering
-- how many it made), now under the maintenance lock (it waits for a running maintenance) and
-- moving rows out of the default partition, each month's count as a NOTICE, instead of failing.
CREATE OR REPLACE FUNCTION ensure_reading_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    created integer := 0;
    m       date := date_trunc('month', from_month)::date;
    moved   bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1179861840);
    FOR i IN 0 .. months - 1 LOOP
        moved := make_reading_partition(m);
        IF moved IS NOT NULL THEN
            created := created + 1;
            IF moved > 0 THEN
                RAISE NOTICE 'moved % rows of % out of readings_default', moved, to_char(m, 'YYYY-MM');
            END IF;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;
