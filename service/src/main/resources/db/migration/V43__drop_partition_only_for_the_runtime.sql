-- drop_monthly_partition (V28) runs as the tables' owner (SECURITY DEFINER) and, as every function, could be
-- executed by PUBLIC: any role of the cluster (a read-only reporting account) could drop a month of readings.
-- Now only the roles that may delete readings anyway (the runtime role of ops/postgres/roles.sql, which grants
-- it as well) and the owner may, and no table's current or future month can go.
REVOKE EXECUTE ON FUNCTION drop_monthly_partition(regclass, text) FROM PUBLIC;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT a.grantee::regrole::text AS name FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.oid = 'readings'::regclass AND a.privilege_type = 'DELETE' AND a.grantee <> 0 AND a.grantee <> c.relowner LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION drop_monthly_partition(regclass, text) TO %s', r.name);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION drop_monthly_partition(parent regclass, partition text) RETURNS void
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
    IF month + interval '1 month' > now() THEN
        RAISE EXCEPTION 'the month % of % has not ended and stays', to_char(month, 'YYYY-MM'), parent;
    END IF;
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %I', parent, partition);
    EXECUTE format('DROP TABLE %I', partition);
END $$;
