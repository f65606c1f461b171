#!/usr/bin/env bash
# Dashboard query latency with ROWS readings (10 million by default) in iot_device_events.
# Creates a fresh database, applies sql/ in Flyway's order, loads ROWS readings shaped like the simulator's
# (10 customers x 20 devices, 3 devices per event, ~28 hours of event time, 2% late) through store_readings, the
# function the pipeline writes through, then times each dashboard query as Power BI or Grafana would send it (median of 5 runs).
# Usage: bash bench/dashboard-views.sh
#   ROWS=10000000       readings to load
#   PSQL="psql ..."     how to reach an admin session (default: the local cluster as the postgres OS user)
#   BENCH_DB=iot_views_bench   database to (re)create
#   BENCH_JDBC_URL=...         how the fleet queries reach it over JDBC (default jdbc:postgresql://localhost:5432/BENCH_DB)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
BENCH_DB=${BENCH_DB:-iot_views_bench}
if [ -z "${PSQL:-}" ]; then
  if [ "$(id -u)" = 0 ]; then PSQL="runuser -u postgres -- psql"; else PSQL="sudo -u postgres psql"; fi
fi
psql_admin() { $PSQL -v ON_ERROR_STOP=1 -qtA "$@"; }
psql_bench() { $PSQL -v ON_ERROR_STOP=1 -qtA -d "$BENCH_DB" "$@"; }

psql_admin -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
for script in $(ls sql/V*__*.sql | sort -V) sql/R__*.sql; do
  psql_bench -1 -f "$script" > /dev/null   # one transaction per script, as Flyway runs it
done

EVENTS=$(((ROWS + 2) / 3))
CHUNK=250000
# the event times end now (UTC), so the report's views bounded by now() (the last 15 minutes, hour, 24 hours) read data
FIRST_EVENT="TIMESTAMP '$(psql_bench -c "select date_trunc('second', now() AT TIME ZONE 'UTC' - make_interval(secs => $EVENTS * 0.03))")'"
echo "loading $ROWS readings ($EVENTS events) through store_readings..."
start=$(date +%s)
for ((from = 0; from < EVENTS; from += CHUNK)); do
  to=$((from + CHUNK - 1 < EVENTS - 1 ? from + CHUNK - 1 : EVENTS - 1))
  psql_bench -c "
    SELECT store_readings(array_agg(eventId), array_agg(customerId), array_agg(eventOffset), array_agg(publisher),
           array_agg(eventTime), array_agg(deviceId), array_agg(measure), array_agg(status), array_agg(temperature),
           array_agg(temperature), array_agg(late), array_agg(NULL::jsonb), array_agg(topic), array_agg(kafkaPartition),
           array_agg(kafkaOffset), array_agg(NULL::timestamptz), array_agg(d = 0), NULL)
    FROM (SELECT md5(e::text)::uuid AS eventId, 'CI' || lpad((100 + e % 10)::text, 5, '0') AS customerId,
                 (10001 + e / 10)::bigint AS eventOffset, 'device' AS publisher,
                 $FIRST_EVENT + make_interval(secs => e * 0.03)
                     - CASE WHEN e % 50 = 0 THEN interval '12 minutes' ELSE interval '0' END AS eventTime,
                 'D' || lpad((1 + ((e / 10) * 3 + d) % 20)::text, 3, '0') AS deviceId, 'C' AS measure,
                 (ARRAY['SUCCESS','SUCCESS','SUCCESS','SUCCESS','SUCCESS','SUCCESS','SUCCESS','SUCCESS','ERROR','STANDBY'])[1 + (e + d) % 10] AS status,
                 round((20 + 10 * sin(e / 5000.0 + d))::numeric, 1)::float8 AS temperature,
                 e % 50 = 0 AS late, 'device_stream' AS topic, e % 3 AS kafkaPartition, e::bigint AS kafkaOffset, d
          FROM generate_series($from, $to) e, generate_series(0, 2) d) r" > /dev/null
done
# findings and dead letters for the report's Anomalies and Data quality pages
psql_bench -c "
  INSERT INTO device_anomalies (eventId, deviceId, detector, customerId, score, expectedLow, expectedHigh, observed, eventTime,
                                detectedAt)
  SELECT md5('a' || g)::uuid, 'D' || lpad((1 + g % 20)::text, 3, '0'), (ARRAY['spike', 'drift', 'stuck'])[1 + g % 3],
         'CI' || lpad((100 + g % 10)::text, 5, '0'), 4 + g % 5, 18, 24, 31, $FIRST_EVENT + g * interval '10 seconds',
         now() - g * interval '4 minutes'
  FROM generate_series(1, 10000) g" > /dev/null   # detected over the last 28 days: the Anomalies page reads the last 24 h
# a silence history: 1,000 ONLINE/SILENT changes per device, one every 2 minutes
psql_bench -c "
  INSERT INTO device_state_changes (customerId, deviceId, state, previousState, changedAt, loggedAt)
  SELECT customerId, deviceId, CASE WHEN g % 2 = 0 THEN 'SILENT' ELSE 'ONLINE' END,
         CASE WHEN g % 2 = 0 THEN 'ONLINE' ELSE 'SILENT' END, now() - (1000 - g) * interval '2 minutes', now()
  FROM device_health, generate_series(1, 1000) g" > /dev/null
psql_bench -c "
  INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength, receivedAt)
  SELECT 'device_stream/0/' || g, (ARRAY['INVALID_JSON', 'MISSING_FIELD', 'BAD_TIMESTAMP', 'TOO_LARGE', 'UNKNOWN_STATUS'])[1 + g % 5],
         '{}', 2, now() - g * interval '1 second'
  FROM generate_series(1, 100000) g" > /dev/null
psql_bench -c "VACUUM ANALYZE"
echo "loaded in $(( $(date +%s) - start )) s: $(psql_bench -c 'select count(*) from iot_device_events') readings," \
  "$(psql_bench -c 'select count(*) from device_metrics_1m') window rows," \
  "$(psql_bench -c 'select count(*) from device_health') devices"

# the newest six hours and day of the data, as a dashboard's time filter would ask for them
END="TIMESTAMP '$(psql_bench -c 'select max(windowStart) from device_metrics_1m')'"
queries=(
  "status distribution|SELECT * FROM v_status_distribution"
  "avg temperature by device|SELECT * FROM v_avg_temperature_by_device ORDER BY avgTemperatureC DESC"
  "temperature over time, 3 devices, 6 h|SELECT * FROM v_temperature_over_time WHERE customerId = 'CI00100' AND deviceId IN ('D001','D002','D003') AND windowStart >= $END - interval '6 hours' ORDER BY windowStart"
  "temperature over time, 1 device, 24 h|SELECT * FROM v_temperature_over_time WHERE deviceId = 'D007' AND windowStart >= $END - interval '24 hours'"
  "customer metrics, all customers, 6 h|SELECT * FROM v_customer_metrics WHERE windowStart >= $END - interval '6 hours'"
  "late readings per window, 24 h|SELECT * FROM v_late_readings_per_window WHERE windowStart >= $END - interval '24 hours' ORDER BY windowStart"
  "silent devices|SELECT * FROM v_silent_devices"
  "device health|SELECT * FROM v_device_health"
  "event stream gaps|SELECT * FROM v_event_stream_gaps"
  "ingest rate per minute, 1 h|SELECT * FROM v_ingest_rate_per_minute WHERE minute >= now() - interval '1 hour' ORDER BY minute"
  # the Power BI report (report/powerbi): its visuals' queries as DirectQuery sends them, joins along the model's relationships
  "pbi: customer slicer|SELECT customerid FROM v_customers GROUP BY customerid ORDER BY customerid"
  "pbi: overview cards, 1 customer|SELECT sum(d.readings), count(*), sum(CASE WHEN d.state = 'SILENT' THEN 1 ELSE 0 END), sum(d.latecount) FROM v_device_health d INNER JOIN v_customers c ON c.customerid = d.customerid WHERE c.customerid = 'CI00100'"
  "pbi: top 20 devices by avg temperature|SELECT devicekey, sum(avgtemperaturec * readings) / sum(readings) AS t FROM v_device_health GROUP BY devicekey ORDER BY t DESC LIMIT 20"
  "pbi: device slicer, 1 customer|SELECT d.devicekey FROM v_device_health d INNER JOIN v_customers c ON c.customerid = d.customerid WHERE c.customerid = 'CI00100' GROUP BY d.devicekey"
  "pbi: temperature, 3 devices, 1 h|SELECT t.windowstart, t.devicekey, sum(t.avgtemperaturec * t.readings) / sum(t.readings) FROM v_temperature_over_time t INNER JOIN v_device_health d ON d.devicekey = t.devicekey WHERE d.devicekey IN ('CI00100/D001', 'CI00100/D002', 'CI00100/D003') AND t.windowstart BETWEEN $END - interval '1 hour' AND $END GROUP BY 1, 2 ORDER BY 1"
  "pbi: temperature, 1 customer, 1 h|SELECT t.windowstart, t.devicekey, sum(t.avgtemperaturec * t.readings) / sum(t.readings) FROM v_temperature_over_time t INNER JOIN v_device_health d ON d.devicekey = t.devicekey INNER JOIN v_customers c ON c.customerid = d.customerid WHERE c.customerid = 'CI00100' AND t.windowstart BETWEEN $END - interval '1 hour' AND $END GROUP BY 1, 2 ORDER BY 1"
  "pbi: temperature, all devices, 1 h|SELECT t.windowstart, t.devicekey, sum(t.avgtemperaturec * t.readings) / sum(t.readings) FROM v_temperature_over_time t WHERE t.windowstart BETWEEN $END - interval '1 hour' AND $END GROUP BY 1, 2 ORDER BY 1"
  "pbi: late per window, 1 customer, 24 h|SELECT m.windowstart, sum(m.latecount) FROM v_customer_metrics m INNER JOIN v_customers c ON c.customerid = m.customerid WHERE c.customerid = 'CI00100' AND m.windowstart BETWEEN $END - interval '24 hours' AND $END GROUP BY 1 ORDER BY 1"
  "pbi: anomalies by detector, 1 customer|SELECT a.detector, count(*) FROM v_anomalies a INNER JOIN v_device_health d ON d.devicekey = a.devicekey WHERE d.customerid = 'CI00100' GROUP BY a.detector"
  "pbi: anomaly list, newest 500|SELECT * FROM v_anomalies ORDER BY detectedat DESC LIMIT 500"
  "pbi: dead letters by reason|SELECT * FROM v_dead_letters_by_reason"
  "pbi: readings/s, last complete minute|SELECT readingspersecond FROM v_ingest_rate_per_minute WHERE minute = (SELECT max(minute) FROM v_ingest_rate_per_minute WHERE complete)"
  # the pages of issue 28 ("what is happening now"), as DirectQuery sends them
  "now: customers, last 15 min, all|SELECT customerid, lastreadingatutc, secondssincelastreading, readingslast15minutes, latereadingslast15minutes FROM v_customers"
  "now: last 15 min cards, 1 customer|SELECT sum(readingslast15minutes), sum(latereadingslast15minutes), min(secondssincelastreading) FROM v_customers WHERE customerid = 'CI00100'"
  "now: devices by current status, 1 cust|SELECT d.currentstatus, count(*) FROM v_device_health d INNER JOIN v_customers c ON c.customerid = d.customerid WHERE c.customerid = 'CI00100' GROUP BY d.currentstatus"
  "now: ingest rate, 6 h zero-filled|SELECT minuteutc, sum(readings) FROM v_ingest_rate_last_6_hours GROUP BY minuteutc ORDER BY minuteutc"
  "now: readings/s, last complete minute|SELECT sum(readingspersecond) FROM v_ingest_rate_last_6_hours WHERE minuteutc = (SELECT max(minuteutc) FROM v_ingest_rate_last_6_hours)"
  "now: late per 5 min, 24 h, all|SELECT bucketstartutc, sum(latereadings) FROM v_late_readings_last_24_hours GROUP BY bucketstartutc ORDER BY bucketstartutc"
  "now: late per 5 min, 24 h, 1 customer|SELECT l.bucketstartutc, sum(l.latereadings) FROM v_late_readings_last_24_hours l INNER JOIN v_customers c ON c.customerid = l.customerid WHERE c.customerid = 'CI00100' GROUP BY l.bucketstartutc"
  "now: temperature, all devices, 1 h|SELECT t.windowstart, t.devicekey, sum(t.avgtemperaturec * t.readings) / sum(t.readings) FROM v_temperature_last_hour t GROUP BY 1, 2 ORDER BY 1"
  "now: recent anomalies, newest 500|SELECT * FROM v_recent_anomalies ORDER BY detectedatutc DESC LIMIT 500"
  "now: scores per detector, 1 customer|SELECT a.detector, a.scoreunit, count(*), max(a.score) FROM v_recent_anomalies a INNER JOIN v_device_health d ON d.devicekey = a.devicekey INNER JOIN v_customers c ON c.customerid = d.customerid WHERE c.customerid = 'CI00100' GROUP BY 1, 2"
  "device page: timeline 24 h|SELECT t.windowstart, sum(t.avgtemperaturec * t.readings) / sum(t.readings) FROM v_temperature_last_24_hours t INNER JOIN v_device_health d ON d.devicekey = t.devicekey WHERE d.devicekey = 'CI00100/D001' GROUP BY 1 ORDER BY 1"
  "device page: findings|SELECT a.* FROM v_anomalies a INNER JOIN v_device_health d ON d.devicekey = a.devicekey WHERE d.devicekey = 'CI00100/D001' ORDER BY a.detectedatutc DESC"
  "device page: silence history|SELECT s.changedatutc, s.state, s.previousstate, s.secondsinstate FROM v_device_state_changes s INNER JOIN v_device_health d ON d.devicekey = s.devicekey WHERE d.devicekey = 'CI00100/D001' ORDER BY s.changedatutc DESC"
)
printf '%-42s %10s %10s %8s\n' "dashboard query" "median ms" "max ms" "rows"
for entry in "${queries[@]}"; do
  name=${entry%%|*}; sql=${entry#*|}
  result=$( { echo '\timing on'; for _ in 1 2 3 4 5; do echo "$sql;"; done; } | psql_bench 2>&1)
  times=$(echo "$result" | awk '/^Time:/ {print $2}' | sort -n)
  rows=$(echo "$result" | grep -vc '^Time:' || true)
  printf '%-42s %10s %10s %8s\n' "$name" "$(echo "$times" | sed -n 3p)" "$(echo "$times" | tail -1)" $((rows / 5))
done

# The API's fleet queries (GET /api/devices, /api/customers) at 10,000 devices: device_health topped up with 9,800
# devices of 490 more customers (5 % silent, 10 % last reading ERROR), then bench/FleetQueries.java times the very
# statements the pipeline runs (io.iotpipeline.api.FleetPage) over JDBC. Needs target/iot-pipeline.jar.
psql_bench -c "
  INSERT INTO device_health (customerId, deviceId, firstSeen, lastSeen, lastEventTime, lastStatus, lastTemperature,
                             lastMeasure, state, since, readings, temperatureSum, temperatureMin, temperatureMax,
                             successCount, errorCount, standbyCount, lateCount)
  SELECT 'CF' || lpad((g / 20)::text, 5, '0'), 'D' || lpad((1 + g % 20)::text, 3, '0'), now() - interval '1 day',
         now() - (g % 600) * interval '1 second', (now() - (g % 600) * interval '1 second')::timestamp,
         CASE WHEN g % 10 = 0 THEN 'ERROR' ELSE 'SUCCESS' END, 15 + g % 17, 'C',
         CASE WHEN g % 20 = 7 THEN 'SILENT' ELSE 'ONLINE' END, now() - interval '1 hour', 1000 + g % 500,
         (1000 + g % 500) * (15 + (g % 170) / 10.0), 10, 30, 900, 50 + g % 50, 50, g % 20
  FROM generate_series(0, 9799) g" > /dev/null
psql_bench -c "VACUUM ANALYZE device_health"
psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iot_bench') THEN
                 CREATE ROLE iot_bench LOGIN PASSWORD 'iot_bench'; END IF; END \$\$" > /dev/null
psql_bench -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO iot_bench" > /dev/null
if [ -f target/iot-pipeline.jar ]; then
  java -cp target/iot-pipeline.jar bench/FleetQueries.java \
    "${BENCH_JDBC_URL:-jdbc:postgresql://localhost:5432/$BENCH_DB}" iot_bench iot_bench
else
  echo "fleet queries skipped: build the jar first (mvn package -DskipTests)"
fi
