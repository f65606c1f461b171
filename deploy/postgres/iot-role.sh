#!/bin/bash
# Runs once, when the postgres container initializes an empty data directory (docker-entrypoint-initdb.d): the
# pipeline's login iot owns the database iot and is no superuser, so its password, which the app and Grafana hold,
# cannot run programs on the server (COPY ... TO PROGRAM) nor read its files. Only postgres (POSTGRES_PASSWORD) is a
# superuser.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v password="$IOT_DB_PASSWORD" <<'SQL'
CREATE ROLE iot LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
ALTER DATABASE iot OWNER TO iot;
SQL
