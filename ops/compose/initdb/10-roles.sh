#!/usr/bin/env bash
# Run once by the postgres image when it makes the database (docker-entrypoint-initdb.d):
# least privilege as ops/postgres/roles.sql sets it up, with the passwords of secrets.env.
# The schema's owner (fsc, who runs the migrations) is not the server's superuser, so the
# functions that run as the owner (V28) run with an owner's rights, not a superuser's.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v owner_pw="$FSC_DB_MIGRATION_PASSWORD" <<'SQL'
CREATE ROLE fsc LOGIN PASSWORD :'owner_pw';
ALTER DATABASE fsc OWNER TO fsc;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v owner=fsc -v service_pw="$FSC_DB_PASSWORD" -v gateway_pw="$FSC_DB_PASSWORD" \
     -f /fsc/roles.sql
