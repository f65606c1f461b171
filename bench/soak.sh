#!/usr/bin/env bash
# Soak (issue 18, item 6; a benchmark, not part of CI): the pipeline as shipped (the Dockerfile's JVM options) for
# SOAK_MINUTES at RATE readings/s from a producer process (the simulator: 200 customers, 3 devices per event), with
# the dashboard's API polled once a second, on a Kafka broker in its own process and the machine's PostgreSQL
# (bench-database.sh). Once a minute: RSS, heap after the last GC, threads, open database connections of the
# pipeline, consumer lag, readings stored that minute and their p99 produce -> row latency. Prints one table and
# writes target/bench-soak/soak.jsonl.
#   SOAK_MINUTES=30 RATE=5000
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MINUTES=${SOAK_MINUTES:-30}
RATE=${RATE:-5000}
WORK=$ROOT/target/bench-soak
# shellcheck source=bench/bench-database.sh
. "$ROOT/bench/bench-database.sh"
PIPELINE_JAVA_OPTS=$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' Dockerfile)

KPORT=$(free_port)
java -jar "$JAR" broker "$WORK/kafka" "$KPORT" "$(free_port)" > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
await_line "$WORK/broker.log" "BROKER READY"
reset_db
HTTP_PORT=$(free_port)
COMMON=(-Dkafka.brokers=localhost:$KPORT -Ddb.url=$DB_URL -Ddb.user=iot -Ddb.password=iot -Dkafka.topic=soak_stream
        -Dkafka.topic.partitions=6)
# shellcheck disable=SC2086
java $PIPELINE_JAVA_OPTS "${COMMON[@]}" -Dsimulator.enabled=false -Dcamel.server.port="$HTTP_PORT" \
  -Dprogress.intervalMs=10000 -jar "$JAR" > "$WORK/pipeline.log" 2>&1 &
PIPE=$!
PIDS+=($PIPE)
await_line "$WORK/pipeline.log" "Started ingest"
java "${COMMON[@]}" -Dcamel.server.port=0 -Dstore.enabled=false -Dhealth.enabled=false -Danomaly.enabled=false \
  -Dsimulator.devicesPerEvent.min=3 -Dsimulator.devicesPerEvent.max=3 -Dsimulator.customers=200 \
  -Dsimulator.devices=3 -Dsimulator.fleet=thermometer:1 -Dsimulator.weatherStations.share=0 -Dsimulator.eventsPerSecond=$((RATE / 3)) -jar "$JAR" > "$WORK/producer.log" 2>&1 &
PIDS+=($!)
(while true; do
   for path in /api/status /api/devices /api/ingest /api/customers; do
     curl -s -o /dev/null "http://localhost:$HTTP_PORT$path" || true
   done
   sleep 1
 done) &
PIDS+=($!)
echo "soak: $MINUTES minutes at $RATE readings/s, pipeline pid $PIPE, dashboard API polled once a second"

heap_after_gc_mb() { # survivors + old generation: what the last young GC left alive (eden is empty after it)
  jstat -gc "$PIPE" 2>/dev/null | awk 'NR == 2 {print int(($3 + $4 + $8) / 1024)}'
}
lag() { grep -o 'consumer lag [0-9]* records' "$WORK/pipeline.log" | tail -1 | awk '{print $3}'; }
db_connections() { ss -tnp 2>/dev/null | grep "pid=$PIPE," | grep -c ":$PG_PORT " || true; }

printf '%6s %8s %13s %8s %11s %10s %12s %12s\n' minute "RSS MiB" "heap after GC" threads "db conns" "lag recs" \
  "readings/s" "p99 ms"
for minute in $(seq 1 "$MINUTES"); do
  sleep 60
  kill -0 "$PIPE" || { tail -20 "$WORK/pipeline.log"; exit 1; }
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$PIPE/status")
  threads=$(awk '/Threads/ {print $2}' "/proc/$PIPE/status")
  # Both figures read only the last minutes, through indexes: a scan of the whole table (ingestedAt has no index)
  # costs more each minute as the table grows and itself raised the pipeline's p99 in the first soak (bench/README.md).
  # Readings per second: the pipeline's own per-minute count of the last complete minute; p99: the readings stored in
  # the last minute whose eventTime is within two minutes of now (the index on eventTime; the simulator's late
  # readings, 2 %, are left out of the latency).
  read -r readings < <(psql_db -c "select (coalesce(sum(readings), 0) / 60)::bigint from ingest_minutes
      where minute = date_trunc('minute', now()) - interval '1 minute'")
  read -r p99 < <(psql_db -c "select coalesce(round(percentile_cont(0.99) within group
      (order by extract(epoch from ingestedAt - kafkaTimestamp) * 1000)::numeric), -1) from iot_device_events
      where eventTime > (now() at time zone 'UTC') - interval '2 minutes' and ingestedAt > now() - interval '1 minute'")
  row=$(printf '%6d %8d %13d %8d %11d %10s %12d %12d' "$minute" "$rss" "$(heap_after_gc_mb)" "$threads" \
    "$(db_connections)" "$(lag)" "$readings" "$p99")
  echo "$row"
  echo "$row" | awk '{printf "{\"minute\":%d,\"rssMb\":%d,\"heapAfterGcMb\":%d,\"threads\":%d,\"dbConnections\":%d,\"lagRecords\":%s,\"readingsPerSecond\":%d,\"p99Ms\":%d}\n", $1,$2,$3,$4,$5,$6,$7,$8}' \
    >> "$WORK/soak.jsonl"
done
echo "written: $WORK/soak.jsonl"
