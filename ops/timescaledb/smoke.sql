-- Smoke check of a TimescaleDB server, for people (ops/timescaledb/cluster does not run it):
-- hypertable, compression (segmented by patient and type), a continuous aggregate and
-- drop_chunks, on a small copy of the shape of our readings table. Run it in a scratch database:
--
--   createdb -h 127.0.0.1 -p 5433 -U postgres fsc_smoke
--   psql -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5433 -U postgres -d fsc_smoke -f ops/timescaledb/smoke.sql
--   dropdb -h 127.0.0.1 -p 5433 -U postgres fsc_smoke
--
-- Every step that checks something raises an error when it is wrong, so with ON_ERROR_STOP the
-- run stops at the first failure. Can be run again in the same database.
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS timescaledb;
DROP MATERIALIZED VIEW IF EXISTS smoke_readings_hourly;
DROP TABLE IF EXISTS smoke_readings;
\set QUIET off
SET timezone = 'UTC';
SELECT extversion AS timescaledb FROM pg_extension WHERE extname = 'timescaledb';

-- 1. A hypertable in chunks of one day.
CREATE TABLE smoke_readings (
    measured_at timestamptz      NOT NULL,
    patient_id  uuid             NOT NULL,
    type        text             NOT NULL,
    value       double precision NOT NULL,
    unit        text             NOT NULL
);
SELECT create_hypertable('smoke_readings', 'measured_at', chunk_time_interval => INTERVAL '1 day');

-- 2. Compression, segmented by patient and type (the columns every query filters on).
ALTER TABLE smoke_readings SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'patient_id, type',
    timescaledb.compress_orderby = 'measured_at DESC'
);

-- 3. Three days of readings (2026-01-01 .. 2026-01-03, one a minute) for 3 patients x 2 types.
INSERT INTO smoke_readings
SELECT t, p.id, k.type, k.base + 5 * sin(extract(epoch FROM t) / 3600), k.unit
FROM generate_series(TIMESTAMPTZ '2026-01-01', TIMESTAMPTZ '2026-01-03 23:59', INTERVAL '1 minute') AS t,
     (VALUES ('00000000-0000-0000-0000-000000000001'::uuid),
             ('00000000-0000-0000-0000-000000000002'::uuid),
             ('00000000-0000-0000-0000-000000000003'::uuid)) AS p(id),
     (VALUES ('heart_rate', 70.0, '/min'), ('spo2', 95.0, '%')) AS k(type, base, unit);
SELECT count(*) AS rows, count(DISTINCT tableoid) AS chunks FROM smoke_readings;

-- 4. Compress the chunks of the first two days.
SELECT compress_chunk(c) AS compressed
FROM show_chunks('smoke_readings', older_than => TIMESTAMPTZ '2026-01-03') AS c;
SELECT chunk_name, is_compressed
FROM timescaledb_information.chunks WHERE hypertable_name = 'smoke_readings' ORDER BY range_start;
SELECT pg_size_pretty(before_compression_total_bytes) AS before,
       pg_size_pretty(after_compression_total_bytes) AS after
FROM hypertable_compression_stats('smoke_readings');
DO $$
BEGIN
    IF (SELECT count(*) FROM smoke_readings) <> 3 * 24 * 60 * 3 * 2 THEN
        RAISE EXCEPTION 'smoke: rows lost or gained by compression';
    END IF;
    IF (SELECT count(*) FROM timescaledb_information.chunks
        WHERE hypertable_name = 'smoke_readings' AND is_compressed) <> 2 THEN
        RAISE EXCEPTION 'smoke: expected 2 compressed chunks';
    END IF;
END $$;
-- A query on a compressed chunk, by segment:
SELECT type, round(avg(value)::numeric, 2) AS avg, count(*) AS n
FROM smoke_readings
WHERE patient_id = '00000000-0000-0000-0000-000000000002' AND measured_at < '2026-01-02'
GROUP BY type ORDER BY type;

-- 5. A continuous aggregate: hourly mean, min and max per patient and type.
CREATE MATERIALIZED VIEW smoke_readings_hourly WITH (timescaledb.continuous) AS
SELECT time_bucket('1 hour', measured_at) AS bucket, patient_id, type,
       avg(value) AS mean, min(value) AS min, max(value) AS max, count(*) AS n
FROM smoke_readings
GROUP BY bucket, patient_id, type
WITH NO DATA;
CALL refresh_continuous_aggregate('smoke_readings_hourly', '2026-01-01', '2026-01-04');
SELECT count(*) AS hourly_rows, min(bucket) AS first, max(bucket) AS last FROM smoke_readings_hourly;
DO $$
BEGIN
    IF (SELECT count(*) FROM smoke_readings_hourly) <> 3 * 24 * 3 * 2
       OR EXISTS (SELECT FROM smoke_readings_hourly WHERE n <> 60) THEN
        RAISE EXCEPTION 'smoke: continuous aggregate incomplete';
    END IF;
END $$;

-- 6. Retention: drop the first day's chunk; the aggregate keeps its hours.
SELECT drop_chunks('smoke_readings', older_than => TIMESTAMPTZ '2026-01-02') AS dropped;
SELECT count(*) AS rows_left, min(measured_at) AS oldest FROM smoke_readings;
SELECT count(*) AS hourly_rows_kept FROM smoke_readings_hourly;
DO $$
BEGIN
    IF (SELECT min(measured_at) FROM smoke_readings) <> '2026-01-02'
       OR (SELECT count(*) FROM smoke_readings_hourly) <> 3 * 24 * 3 * 2 THEN
        RAISE EXCEPTION 'smoke: drop_chunks did not do what was expected';
    END IF;
END $$;
\echo 'smoke: OK (hypertable, compression, continuous aggregate, drop_chunks)'
