-- The idempotency keys (device_messages) partitioned by month of measured_at, so that keys no
-- device or broker can send again go by dropping whole partitions (issue #18, retention), never by
-- deleting rows from a table that gets one row per message.
--
-- Why measured_at: a redelivery (the broker's, or a device that did not see its acknowledgement)
-- carries the same bytes, so the same measured_at, so it meets its key in the same partition and
-- the primary key (device_id, message_id, measured_at) refuses it as before. And a message whose
-- measured_at is older than the gateway's backlog window is refused before its key is looked at
-- (MEASURED_TOO_LONG_AGO), so a key older than that window is never needed again: retention keeps
-- device_messages for the backlog window plus a margin (docs/operations.md). A message id reused
-- with another measured_at is found by the gateway's claim, which looks for the id within the
-- backlog window before it inserts (docs/decisions/0002-idempotency-table.md).

-- make_monthly_partition(parent, month): the partition <parent>_YYYY_MM of the UTC month of
-- `month` for any table partitioned by month on one timestamptz column, made as V20's
-- make_reading_partition makes a readings month (which now calls this): locks <parent>_default,
-- creates the table on its own with the month's bounds as a CHECK, moves that month's rows out of
-- the default partition, attaches it, drops the CHECK. Answers the rows moved, or NULL when a table
-- of that name exists. Callers hold the maintenance advisory lock (V20).
CREATE FUNCTION make_monthly_partition(parent regclass, month date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    m        date := date_trunc('month', month)::date;
    base     text;
    name     text;
    fallback text;
    key      text;
    lo       timestamptz := m::timestamp AT TIME ZONE 'UTC';
    hi       timestamptz := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    columns  text;
    moved    bigint;
BEGIN
    SELECT relname INTO base FROM pg_class WHERE oid = parent;
    name := format('%s_%s', base, to_char(m, 'YYYY_MM'));
    fallback := base || '_default';
    IF to_regclass(name) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    SELECT a.attname INTO key
      FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
     WHERE p.partrelid = parent;
    IF key IS NULL THEN
        RAISE EXCEPTION '% is not partitioned', parent;
    END IF;
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', fallback);
    EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, parent);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)', name, name || '_bounds', key, lo, key, hi);
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
      FROM pg_attribute WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped;
    -- The move is not a deletion: an append-only table's trigger lets it pass (V22, access_log).
    PERFORM set_config('fsc.moving_partition_rows', 'on', true);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING %s) INSERT INTO %I (%s) SELECT %s FROM moved',
                   fallback, key, lo, key, hi, columns, name, columns, columns);
    GET DIAGNOSTICS moved = ROW_COUNT;
    PERFORM set_config('fsc.moving_partition_rows', 'off', true);
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, lo, hi);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_bounds');
    RETURN moved;
END $$;

CREATE OR REPLACE FUNCTION make_reading_partition(month date) RETURNS bigint
LANGUAGE sql AS $$ SELECT make_monthly_partition('readings', month) $$;

ALTER TABLE device_messages RENAME TO device_messages_unpartitioned;
ALTER INDEX device_messages_pkey RENAME TO device_messages_unpartitioned_pkey;
CREATE TABLE device_messages (
    device_id         text NOT NULL,
    message_id        text NOT NULL,
    measured_at       timestamptz NOT NULL,
    patient_id        uuid NOT NULL,
    observation_count smallint NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    content_sha256    text,
    PRIMARY KEY (device_id, message_id, measured_at)
) PARTITION BY RANGE (measured_at);
CREATE TABLE device_messages_default PARTITION OF device_messages DEFAULT;

-- A partition for every month that has keys, and from three months back to three ahead (the
-- service's partition maintenance makes them ahead from now on).
DO $$
DECLARE
    m date;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', measured_at AT TIME ZONE 'UTC')::date FROM device_messages_unpartitioned
             UNION SELECT generate_series(date_trunc('month', now() - interval '3 months'),
                                          date_trunc('month', now() + interval '3 months'), interval '1 month')::date
    LOOP
        PERFORM make_monthly_partition('device_messages', m);
    END LOOP;
END $$;

INSERT INTO device_messages (device_id, message_id, measured_at, patient_id, observation_count, received_at, content_sha256)
SELECT device_id, message_id, measured_at, patient_id, observation_count, received_at, content_sha256
  FROM device_messages_unpartitioned;
DROP TABLE device_messages_unpartitioned;
