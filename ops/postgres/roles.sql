-- Least privilege for a real installation (docs/security.md, "Database roles"). Run once as a
-- superuser, in the FSC database, after create-database.sql and the first start (or the first
-- start with FSC_DB_MIGRATION_USER, which makes the schema as its owner):
--
--   psql -v owner=fsc -v service_pw=... -v gateway_pw=... -d fsc -f ops/postgres/roles.sql
--
-- Roles:
--   fsc (the owner, from create-database.sql) owns the schema and runs the migrations:
--       FSC_DB_MIGRATION_USER=fsc FSC_DB_MIGRATION_PASSWORD=... on the service.
--   fsc_service, fsc_gateway log in for the service and the stand-alone gateways (FSC_DB_USER):
--       members of fsc_runtime, which reads and writes rows but cannot create, alter or drop
--       anything, and may only add to the access log (no UPDATE, DELETE or TRUNCATE).
-- Partitions are made and old ones dropped through functions that run as the owner (V28).
-- Passwords are given on the command line, never stored here. It may run again (after a restore
-- onto the same server, ops/backup: the roles exist then): roles that exist get the passwords given
-- and their membership, and every grant below is made again.

\set ON_ERROR_STOP on
-- (Kept for the block below without being printed: psql shows a query's result, and it would show the passwords.)
SELECT set_config('fsc_roles.service_pw', :'service_pw', false) IS NOT NULL
   AND set_config('fsc_roles.gateway_pw', :'gateway_pw', false) IS NOT NULL AS passwords_given;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fsc_runtime') THEN
        CREATE ROLE fsc_runtime NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fsc_service') THEN
        CREATE ROLE fsc_service LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fsc_gateway') THEN
        CREATE ROLE fsc_gateway LOGIN;
    END IF;
    EXECUTE format('ALTER ROLE fsc_service LOGIN PASSWORD %L', current_setting('fsc_roles.service_pw'));
    EXECUTE format('ALTER ROLE fsc_gateway LOGIN PASSWORD %L', current_setting('fsc_roles.gateway_pw'));
    GRANT fsc_runtime TO fsc_service;
    GRANT fsc_runtime TO fsc_gateway;
END $$;
SELECT set_config('fsc_roles.service_pw', '', false) = '' AND set_config('fsc_roles.gateway_pw', '', false) = '' AS passwords_forgotten;

-- Nobody but the owner creates anything in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO fsc_runtime;

-- Rows of every table, now and of every table the owner's migrations make later.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fsc_runtime;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO fsc_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO fsc_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO fsc_runtime;

-- Retention drops whole old months through the owner's function (V28, V43), which only the runtime may run.
DO $$ BEGIN
    IF to_regprocedure('drop_monthly_partition(regclass, text)') IS NOT NULL THEN
        GRANT EXECUTE ON FUNCTION drop_monthly_partition(regclass, text) TO fsc_runtime;
    END IF;
END $$;

-- The access log and the security log: insert and read only; Flyway's history the owner's alone
-- (V28 does the same at its migration and for each new month of the log).
DO $$ BEGIN
    IF to_regprocedure('keep_append_only_grants()') IS NOT NULL THEN
        PERFORM keep_append_only_grants();
    END IF;
END $$;
