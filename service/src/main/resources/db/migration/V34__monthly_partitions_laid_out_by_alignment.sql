-- A new month's partition stores its columns in the order that wastes no bytes on alignment
-- (issue #18, bytes per reading): the fixed-width columns first, the widest alignment first
-- (timestamptz and double precision, then integer, smallint, uuid), then the variable-width ones,
-- each group in the table's own order.
--
-- Why: PostgreSQL pads every column to its type's alignment. In the order the tables were declared
-- a reading pads 10 bytes (smallint after two texts, timestamptz after the smallint, double after
-- the type's text, received_at after the origin's text), an hourly rollup 6, an idempotency key 7,
-- and the row is then padded to 8 as a whole: a reading row takes 160 bytes where 152 suffice.
-- A partition may order its columns differently from its table (PostgreSQL maps them when it
-- routes a row, as it already does for the partitions made since V33 dropped three columns);
-- every query names its columns, so nothing reads them by position (TimescaleStore's conversion
-- copied with SELECT * and now names them).
--
-- What it also takes over from V21's function: the bounds CHECK, moving the month's rows out of
-- the default partition, and the CHECK constraints of the table (ATTACH wants them, by name).
-- Indexes and row triggers come from the table at ATTACH, as before.
CREATE FUNCTION make_monthly_partition_v34(parent regclass, month date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    m           date := date_trunc('month', month)::date;
    base        text;
    name        text;
    fallback    text;
    key         text;
    lo          timestamptz := m::timestamp AT TIME ZONE 'UTC';
    hi          timestamptz := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    definitions text;
    checks      text;
    columns     text;
    moved       bigint;
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
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped
                                            AND (attidentity <> '' OR attgenerated <> '')) THEN
        RAISE EXCEPTION '% has an identity or generated column, which this function does not copy', parent;
    END IF;
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', fallback);
    -- The columns with their types, collations, NOT NULL and defaults, fixed-width by alignment first.
    SELECT string_agg(format('%I %s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                             CASE WHEN a.attcollation <> t.typcollation THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END,
                             CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                             CASE WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END),
                      ', ' ORDER BY t.typlen < 0, CASE t.typalign WHEN 'd' THEN 0 WHEN 'i' THEN 1 WHEN 's' THEN 2 ELSE 3 END, a.attnum)
      INTO definitions
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped;
    SELECT string_agg(format(', CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)), '' ORDER BY conname) INTO checks
      FROM pg_constraint WHERE conrelid = parent AND contype = 'c';
    EXECUTE format('CREATE TABLE %I (%s%s, CONSTRAINT %I CHECK (%I >= %L AND %I < %L))',
                   name, definitions, coalesce(checks, ''), name || '_bounds', key, lo, key, hi);
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
REVOKE EXECUTE ON FUNCTION make_monthly_partition_v34(regclass, date) FROM PUBLIC;

-- V28's wrapper (run as the owner; a new month of the access log insert-only), now around V34's.
CREATE OR REPLACE FUNCTION make_monthly_partition(parent regclass, month date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    moved bigint;
BEGIN
    moved := make_monthly_partition_v34(parent, month);
    IF parent = 'access_log'::regclass THEN
        PERFORM keep_append_only_grants();
    END IF;
    RETURN moved;
END $$;
DROP FUNCTION make_monthly_partition_v21(regclass, date);

-- The partitions made ahead and still empty (the coming months; on a new store all of them) are
-- made again in the new layout. One with rows keeps its layout until retention drops it: changing
-- it would rewrite the month. Each is locked before it is found empty, so no row can arrive between.
DO $$
DECLARE
    p record;
    empty boolean;
BEGIN
    FOR p IN SELECT i.inhparent::regclass AS parent, c.relname AS partition, to_date(right(c.relname, 7), 'YYYY_MM') AS month
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent IN ('readings'::regclass, 'reading_rollups_hourly'::regclass, 'device_messages'::regclass,
                                    'access_log'::regclass)
                AND c.relkind = 'r' AND c.relname ~ '_\d{4}_\d{2}$'
              ORDER BY 1, 2
    LOOP
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', p.parent);
        EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', p.partition) INTO empty;
        IF empty THEN
            EXECUTE format('DROP TABLE %I', p.partition);
            PERFORM make_monthly_partition(p.parent, p.month);
        END IF;
    END LOOP;
END $$;
