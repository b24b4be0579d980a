-- The daily rollups' key carries the rollup's values (INCLUDE), so a chart's year of one type is
-- read from the key's index alone (an index-only scan) instead of one heap page per day (issue #18,
-- item 7; docs/benchmarks.md, "A year from the key alone").
--
-- Why: a live store writes each day's daily rows for all patients together (the fold, V35), so one
-- patient's year of one type lies on up to 365 heap pages; measured on 18 million daily rows laid
-- out so: 369 pages read and 22.7 ms for a year from disk, 0.54 ms from memory; with the covering key
-- 23 pages (10 read), 1.5 ms from disk, 0.12 ms from memory. The price: the key's index grows by
-- about 78 bytes a daily row (963 MB → 2 377 MB on those 18 million, packed), and the fold's update
-- of a day's row writes a new index entry instead of a heap-only update (a few hundred rows a
-- fold). Autovacuum visits the table sooner (1 % instead of 20 % of its rows changed or inserted),
-- so the visibility map an index-only scan needs stays current for all but the newest days.
--
-- Runs at start with the table locked: rebuilding the key reads the table once; about 40 s per
-- 18 million daily rows on the benchmark's machine (a region's ten years, 219 million rows, some
-- minutes). Storing readings does not wait for it (their trigger appends deltas, V35); the fold and
-- charts of days do. A gateway in the service's process starts after it; the broker keeps the
-- devices' messages meanwhile.
-- Not on a store converted to TimescaleDB, whose daily rollups are a continuous aggregate (a view).
DO $do$
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = CAST('reading_rollups_daily' AS regclass)) <> 'r' THEN
        RETURN;
    END IF;
    ALTER TABLE reading_rollups_daily DROP CONSTRAINT reading_rollups_daily_pkey;
    ALTER TABLE reading_rollups_daily ADD CONSTRAINT reading_rollups_daily_pkey PRIMARY KEY (patient_id, type, bucket)
        INCLUDE (count, min, max, sum, first_value, first_at, last_value, last_at, staff_count, hours);
    ALTER TABLE reading_rollups_daily SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
END $do$;
