-- The hourly rollups (V19) partitioned by month of their hour, as the readings are: a patient
-- measuring a few times a day has about one hourly row per reading, so this table grows like the
-- readings and its retention must drop whole months too (docs/operations.md). The daily rollups,
-- a tenth of that or less, stay one table and lose old rows in batches.
ALTER TABLE reading_rollups_hourly RENAME TO reading_rollups_hourly_unpartitioned;
ALTER INDEX reading_rollups_hourly_pkey RENAME TO reading_rollups_hourly_unpartitioned_pkey;
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
) PARTITION BY RANGE (bucket);
CREATE TABLE reading_rollups_hourly_default PARTITION OF reading_rollups_hourly DEFAULT;

-- The same months as the readings have.
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT substring(c.relname FROM 'readings_(\d{4}_\d{2})$') AS month
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'readings'::regclass AND c.relname ~ '^readings_\d{4}_\d{2}$'
    LOOP
        PERFORM make_monthly_partition('reading_rollups_hourly', to_date(p.month, 'YYYY_MM'));
    END LOOP;
END $$;

INSERT INTO reading_rollups_hourly SELECT * FROM reading_rollups_hourly_unpartitioned;
DROP TABLE reading_rollups_hourly_unpartitioned;
