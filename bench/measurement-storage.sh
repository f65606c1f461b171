#!/usr/bin/env bash
# What storing the measurements beyond temperature costs the database, per layout (issue 30): READINGS weather-station
# readings (temperature + humidity + pressure), written in statements of ROWS readings as store_readings does, into
#   seed    the seed's columns only (the baseline: what a reading costs without its measurements)
#   typed   the seed's columns plus typed columns humidity, pressure (+ pressure as sent and its unit)
#   narrow  the seed's columns, and one row per measurement in a narrow table keyed by (eventId, deviceId, measurement)
#           with its series index: what the pipeline chose (device_measurements, sql/V12__device_measurements.sql)
#   bare    the same narrow table without its series index
#   side    the seed's columns, and one row per reading in a side table keyed by (eventId, deviceId) holding the
#           reading's measurements as jsonb (no DDL per measurement either)
# Prints, per layout, the seconds and the WAL bytes per reading (pg_current_wal_lsn before and after), best of RUNS.
#   READINGS=300000 ROWS=6000 RUNS=3 bash bench/measurement-storage.sh     (the machine's PostgreSQL, database iot_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/bench-measurement-storage
READINGS=${READINGS:-300000}
ROWS=${ROWS:-6000}
RUNS=${RUNS:-3}
# shellcheck source=bench/bench-database.sh
. "$ROOT/bench/bench-database.sh"
reset_db
psql_db -c "
CREATE TABLE seed_only (eventId uuid, customerId varchar(20), eventTime timestamp, deviceId varchar(20), measure varchar(10),
    status varchar(20), temperature float8, PRIMARY KEY (eventId, deviceId));
CREATE TABLE typed (LIKE seed_only INCLUDING ALL, humidity float8, pressure float8, pressureSent float8, pressureUnit varchar(16));
CREATE TABLE narrow_readings (LIKE seed_only INCLUDING ALL);
CREATE TABLE narrow (eventId uuid, deviceId varchar(20), measurement varchar(40), customerId varchar(20),
    eventTime timestamp, value float8, unit varchar(16), sentValue float8, sentUnit varchar(16),
    PRIMARY KEY (eventId, deviceId, measurement));
CREATE INDEX narrow_series ON narrow (measurement, customerId, deviceId, eventTime);
CREATE TABLE bare_readings (LIKE seed_only INCLUDING ALL);
CREATE TABLE bare (LIKE narrow INCLUDING DEFAULTS);
ALTER TABLE bare ADD PRIMARY KEY (eventId, deviceId, measurement);
CREATE TABLE side_readings (LIKE seed_only INCLUDING ALL);
CREATE TABLE side (eventId uuid, deviceId varchar(20), customerId varchar(20), eventTime timestamp, measurements jsonb,
    PRIMARY KEY (eventId, deviceId));" > /dev/null

# one statement per ROWS readings, as the pipeline writes a row batch (random eventIds, 600 devices, now-ish times)
batch() { # layout
  local rows="SELECT gen_random_uuid() AS eventId, 'CI' || lpad((i % 200)::text, 5, '0') AS customerId,
      now()::timestamp + i * interval '1 ms' AS eventTime, 'D' || lpad((i % 3)::text, 3, '0') AS deviceId, 'C' AS measure,
      'SUCCESS' AS status, 20 + random() * 5 AS temperature, 40 + random() * 20 AS humidity, 1000 + random() * 20 AS pressure
    FROM generate_series(1, $ROWS) i"
  case $1 in
    seed) echo "INSERT INTO seed_only SELECT eventId, customerId, eventTime, deviceId, measure, status, temperature FROM ($rows) r;" ;;
    typed) echo "INSERT INTO typed SELECT eventId, customerId, eventTime, deviceId, measure, status, temperature, humidity,
        pressure, pressure / 68.94757293168, 'psi' FROM ($rows) r;" ;;
    narrow|bare) echo "WITH r AS ($rows), ins AS (INSERT INTO $1_readings SELECT eventId, customerId, eventTime, deviceId,
        measure, status, temperature FROM r RETURNING eventId, deviceId, customerId, eventTime)
      INSERT INTO $1 SELECT i.eventId, i.deviceId, m.measurement, i.customerId, i.eventTime, m.value, m.unit, m.value, m.unit
      FROM ins i JOIN r USING (eventId, deviceId)
      CROSS JOIN LATERAL (VALUES ('humidity', r.humidity, '%'), ('pressure', r.pressure, 'hPa')) m(measurement, value, unit)
      ORDER BY 1, 2, 3;" ;;
    side) echo "WITH r AS ($rows), ins AS (INSERT INTO side_readings SELECT eventId, customerId, eventTime, deviceId,
        measure, status, temperature FROM r RETURNING eventId, deviceId, customerId, eventTime)
      INSERT INTO side SELECT i.eventId, i.deviceId, i.customerId, i.eventTime,
        jsonb_build_object('humidity', r.humidity, 'pressure', r.pressure)
      FROM ins i JOIN r USING (eventId, deviceId) ORDER BY 1, 2;" ;;
  esac; }

echo "layout   readings  seconds (best of $RUNS)  readings/s  WAL bytes/reading"
for layout in seed typed narrow bare side; do
  best=""
  for run in $(seq "$RUNS"); do
    psql_db -c "TRUNCATE seed_only, typed, narrow_readings, narrow, bare_readings, bare, side_readings, side;" > /dev/null
    psql_admin -d "$DB" -c "CHECKPOINT" > /dev/null
    sql=$WORK/$layout.sql
    : > "$sql"
    for _ in $(seq $((READINGS / ROWS))); do batch "$layout" >> "$sql"; done
    lsn=$(psql_db -c "SELECT pg_current_wal_lsn()")
    start=$(now)
    psql_db -f "$sql" > /dev/null
    end=$(now)
    wal=$(psql_db -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')")
    seconds=$(python3 -c "print(round($end - $start, 2))")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $seconds < ${best%% *} else 1)"; then best="$seconds $wal"; fi
  done
  read -r seconds wal <<< "$best"
  python3 -c "print('%-8s %9d %24.2f %11.0f %18.0f' % ('$layout', $READINGS, $seconds, $READINGS / $seconds, $wal / $READINGS))"
done
