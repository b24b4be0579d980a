#!/usr/bin/env bash
# Run once by the postgres image when it makes the database (docker-entrypoint-initdb.d):
# least privilege as ops/postgres/roles.sql sets it up, with the passwords of secrets.env.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v owner="$POSTGRES_USER" -v service_pw="$FSC_DB_PASSWORD" -v gateway_pw="$FSC_DB_PASSWORD" \
     -f /fsc/roles.sql
