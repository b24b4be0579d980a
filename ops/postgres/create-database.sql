-- One-time set-up of a PostgreSQL 15+ server for FSC (run as a superuser with psql -v pw=...).
-- The service creates and migrates the schema itself (Flyway) at start.
CREATE ROLE fsc LOGIN PASSWORD :'pw';
CREATE DATABASE fsc OWNER fsc;
-- Then: FSC_DB_URL=jdbc:postgresql://<host>:5432/fsc FSC_DB_USER=fsc FSC_DB_PASSWORD=<pw>
-- For production, run as least privilege: ops/postgres/roles.sql, then FSC_DB_MIGRATION_USER=fsc
-- (and its password) with FSC_DB_USER=fsc_service (docs/security.md, "Database roles").
