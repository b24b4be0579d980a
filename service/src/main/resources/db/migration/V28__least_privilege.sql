-- Least privilege (docs/security.md, "Database roles"; ops/postgres/roles.sql): the migrations
-- run as the owner of the schema (FSC_DB_MIGRATION_USER), the service and the gateways as runtime
-- roles that read and write rows but cannot change the schema, and may only add to the access log.
-- What the runtime must still do to the schema, it does through these functions, which run as
-- their owner (SECURITY DEFINER, with a fixed search_path): make a month's partition, and drop an
-- old one (retention).

-- Takes UPDATE, DELETE and TRUNCATE on the append-only tables (the access log and its partitions,
-- the security log), and writing Flyway's history, from every role but their owner, however they were granted (ALTER DEFAULT
-- PRIVILEGES gives a new partition the runtime's usual rights). Called here, by roles.sql and
-- for each new month of the access log; harmless when there is nothing to take.
CREATE FUNCTION keep_append_only_grants() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r     record;
    taken integer := 0;
BEGIN
    FOR r IN SELECT DISTINCT c.oid::regclass AS rel,
                    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS who
               FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
              WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
                AND (c.relname IN ('access_log', 'security_log') OR c.relname ~ '^access_log_')
                AND a.grantee <> c.relowner AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM %s', r.rel, r.who);
        taken := taken + 1;
    END LOOP;
    -- Flyway's record of the migrations: the owner's alone to write.
    FOR r IN SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS who
               FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
              WHERE c.relname = 'flyway_schema_history' AND c.relnamespace = 'public'::regnamespace AND a.grantee <> c.relowner
                AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON flyway_schema_history FROM %s', r.who);
        taken := taken + 1;
    END LOOP;
    RETURN taken;
END $$;

-- V21's make_monthly_partition, run as the owner; wrapped so that a new month of the access log is
-- insert-only for the runtime roles too.
ALTER FUNCTION make_monthly_partition(regclass, date) RENAME TO make_monthly_partition_v21;
-- Only through the wrapper (which runs as the owner): called directly, a month of the access log
-- would keep the runtime's default UPDATE and DELETE until the next maintenance.
REVOKE EXECUTE ON FUNCTION make_monthly_partition_v21(regclass, date) FROM PUBLIC;
CREATE FUNCTION make_monthly_partition(parent regclass, month date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    moved bigint;
BEGIN
    moved := make_monthly_partition_v21(parent, month);
    IF parent = 'access_log'::regclass THEN
        PERFORM keep_append_only_grants();
    END IF;
    RETURN moved;
END $$;

-- They call make_monthly_partition; as definers too, so a runtime role may call them.
ALTER FUNCTION make_reading_partition(date) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION ensure_reading_partitions(date, integer) SECURITY DEFINER SET search_path = public, pg_temp;

-- Detaches and drops one monthly partition (retention: whole months go, no row-by-row DELETE).
-- Only a month of a table partitioned by month, never the default partition, and never a month of
-- the access log that ended less than a year ago: a runtime role cannot use this to wipe the
-- recent log (the shortest access-log retention allowed is a year, docs/operations.md).
CREATE FUNCTION drop_monthly_partition(parent regclass, partition text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    base text;
    month date;
BEGIN
    SELECT relname INTO base FROM pg_class WHERE oid = parent;
    IF partition !~ ('^' || base || '_[0-9]{4}_[0-9]{2}$') OR NOT EXISTS (
            SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = parent AND c.relname = partition) THEN
        RAISE EXCEPTION 'not a monthly partition of %: %', parent, partition;
    END IF;
    month := to_date(right(partition, 7), 'YYYY_MM');
    IF base = 'access_log' AND month + interval '1 month' > now() - interval '1 year' THEN
        RAISE EXCEPTION 'the access log of % is less than a year old and stays', to_char(month, 'YYYY-MM');
    END IF;
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %I', parent, partition);
    EXECUTE format('DROP TABLE %I', partition);
END $$;

SELECT keep_append_only_grants();
