#!/usr/bin/env bash
# End-to-end benchmark of the pipeline against the raw limit, on one machine: a Kafka broker (the jar's `broker`
# command, its own process) and the machine's PostgreSQL. See bench/README.md. Prints one table and writes
# target/bench/results.json.
#   EVENTS=300000        events preloaded for the drain runs (3 devices each)
#   LATENCY_SECONDS=30   length of each steady-rate latency measurement, after WARMUP_SECONDS=30 at the same rate
#   RATES="5000 20000"   readings/s of the latency runs
#   PSQL="psql ..."      admin session (default: the local cluster as the postgres OS user)
#   PIPELINE_JAVA_OPTS   JVM options of the pipeline (default: the Dockerfile's, -Xmx256m -XX:+UseSerialGC)
#   CDS=1                start the pipeline from an AppCDS archive made by a training start (0: plain start)
set -euo pipefail
PIPELINE_JAVA_OPTS=${PIPELINE_JAVA_OPTS--Xmx256m -XX:+UseSerialGC}
CDS=${CDS:-1}
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EVENTS=${EVENTS:-300000}
READINGS=$((EVENTS * 3))
LATENCY_SECONDS=${LATENCY_SECONDS:-30}
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
RATES=${RATES:-5000 20000}
WORK=$ROOT/target/bench
# shellcheck source=bench/bench-database.sh
. "$ROOT/bench/bench-database.sh"
readings() { psql_db -c "select coalesce(sum(readings), 0) from device_health" 2>/dev/null || echo 0; }

KPORT=$(free_port)
BROKERS=localhost:$KPORT
java -jar "$JAR" broker "$WORK/kafka" "$KPORT" "$(free_port)" > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
await_line "$WORK/broker.log" "BROKER READY"
COMMON=(-Dkafka.brokers=$BROKERS -Ddb.url=$DB_URL -Ddb.user=iot -Ddb.password=iot -Dcamel.server.port=0
        -Dprogress.intervalMs=1000 -Dsimulator.devicesPerEvent.min=3 -Dsimulator.devicesPerEvent.max=3
        -Dsimulator.duplicate.share=0 -Dalerts.enabled=false)

publish() { # topic events rate log: the jar as a producer only
  java "${COMMON[@]}" -Dkafka.topic="$1" -Dstore.enabled=false -Dhealth.enabled=false \
    -Dsimulator.eventsPerSecond="$3" -Dsimulator.maxEvents="$2" -jar "$JAR" > "$4" 2>&1 &
  PIDS+=($!)
  PRODUCER=$!
}

# drain: start a consumer (command in "$@") on the preloaded topic and time it until all readings are stored
drain() { # name log command...
  local name=$1 log=$2; shift 2
  reset_db
  local start; start=$(now)
  "$@" > "$log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  local first="" count=0
  while [ "$count" -lt "$READINGS" ]; do
    kill -0 "$pid" || { tail -20 "$log"; exit 1; }
    count=$(readings)
    if [ -z "$first" ] && [ "$count" -gt 0 ]; then first=$(now); fi
    sleep 0.25
  done
  local end; end=$(now)
  local cpu rss; cpu=$(cpu_seconds "$pid"); rss=$(peak_rss_mb "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$name" "$start" "$first" "$end" "$READINGS" "$cpu" "$rss" >> "$WORK/drain.jsonl" <<'PY'
import json, sys
name, start, first, end, readings, cpu, rss = sys.argv[1:]
start, first, end = float(start), float(first), float(end)
print(json.dumps({"run": name, "readings": int(readings), "firstRowSeconds": round(first - start, 2),
                  "drainSeconds": round(end - first, 2), "readingsPerSecond": round(int(readings) / (end - first)),
                  "cpuSeconds": float(cpu), "peakRssMb": int(rss)}))
PY
}

if [ "$CDS" = 1 ]; then
  # a training start records the classes the pipeline loads; later starts map them instead of loading them again
  echo "training start for the AppCDS archive..."
  reset_db
  java $PIPELINE_JAVA_OPTS -XX:ArchiveClassesAtExit="$WORK/pipeline.jsa" "${COMMON[@]}" -Dkafka.topic=cds_training \
    -Dsimulator.enabled=false -jar "$JAR" > "$WORK/cds-training.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  await_line "$WORK/cds-training.log" "Started ingest"
  sleep 2; kill "$pid"; wait "$pid" 2>/dev/null || true
  PIPELINE_JAVA_OPTS="$PIPELINE_JAVA_OPTS -XX:SharedArchiveFile=$WORK/pipeline.jsa"
fi

echo "preloading $EVENTS events ($READINGS readings) into topic bench_stream..."
reset_db
publish bench_stream "$EVENTS" 200000 "$WORK/preload.log"
await_line "$WORK/preload.log" "totals: $EVENTS published"
kill "$PRODUCER"; wait "$PRODUCER" 2>/dev/null || true

echo "draining with the pipeline..."
drain pipeline "$WORK/pipeline.log" java $PIPELINE_JAVA_OPTS "${COMMON[@]}" -Dkafka.topic=bench_stream \
  -Dkafka.consumer.groupId=bench-pipeline -Dsimulator.enabled=false -jar "$JAR"
echo "draining with the raw loop..."
drain raw "$WORK/raw.log" java -cp "$JAR" "$ROOT/bench/RawIngestLoop.java" "$BROKERS" bench_stream "$DB_URL" iot iot

for rate in $RATES; do
  echo "latency at $rate readings/s for ${LATENCY_SECONDS}s..."
  reset_db
  topic=latency_$rate
  java $PIPELINE_JAVA_OPTS "${COMMON[@]}" -Dkafka.topic=$topic -Dkafka.consumer.groupId=bench-latency -Dsimulator.enabled=false \
    -jar "$JAR" > "$WORK/latency-$rate.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  await_line "$WORK/latency-$rate.log" "Started ingest"
  events=$((rate / 3 * (WARMUP_SECONDS + LATENCY_SECONDS)))
  publish "$topic" "$events" $((rate / 3)) "$WORK/latency-producer-$rate.log"
  deadline=$(( $(date +%s) + (WARMUP_SECONDS + LATENCY_SECONDS) * 4 + 60 ))
  until [ "$(readings)" -ge $((events * 3)) ] || [ "$(date +%s)" -gt "$deadline" ]; do sleep 1; done
  kill "$PRODUCER" "$pid"; wait "$PRODUCER" "$pid" 2>/dev/null || true
  # rows sent after the warm-up (a cold JVM builds a backlog in its first seconds at high rates: coldMaxMs shows it);
  # ingestedAt is the inserting transaction's start, kafkaTimestamp the producer's send time
  psql_db -c "select json_build_object('run', 'latency', 'readingsPerSecondTarget', $rate,
      'readings', (select count(*) from iot_device_events), 'expected', $((events * 3)), 'measured', count(*),
      'p50Ms', round((percentile_cont(0.50) within group (order by ms))::numeric),
      'p95Ms', round((percentile_cont(0.95) within group (order by ms))::numeric),
      'p99Ms', round((percentile_cont(0.99) within group (order by ms))::numeric),
      'maxMs', round(max(ms)::numeric),
      'coldMaxMs', (select round(max(extract(epoch from ingestedAt - kafkaTimestamp) * 1000)::numeric) from iot_device_events))
    from (select extract(epoch from ingestedAt - kafkaTimestamp) * 1000 as ms from iot_device_events
          where kafkaTimestamp > (select min(kafkaTimestamp) + interval '$WARMUP_SECONDS seconds' from iot_device_events)) t" \
    >> "$WORK/latency.jsonl"
done

PIPELINE_JAVA_OPTS_SHOWN="${PIPELINE_JAVA_OPTS//$WORK\//}" python3 - "$WORK" <<'PY'
import json, sys, os
work = sys.argv[1]
drain = {r["run"]: r for r in map(json.loads, open(os.path.join(work, "drain.jsonl")))}
latency = [json.loads(line) for line in open(os.path.join(work, "latency.jsonl"))]
p, r = drain["pipeline"], drain["raw"]
ratio = p["readingsPerSecond"] / r["readingsPerSecond"]
print()
print("%-34s %12s %12s" % ("", "pipeline", "raw loop"))
print("%-34s %12d %12d" % ("drain, readings/s", p["readingsPerSecond"], r["readingsPerSecond"]))
print("%-34s %12.1f %12.1f" % ("drain time, s", p["drainSeconds"], r["drainSeconds"]))
print("%-34s %12.1f %12.1f" % ("first row stored after start, s", p["firstRowSeconds"], r["firstRowSeconds"]))
print("%-34s %12s" % ("pipeline JVM options", os.environ.get("PIPELINE_JAVA_OPTS_SHOWN", "")))
print("%-34s %12d %12d" % ("peak RSS, MB", p["peakRssMb"], r["peakRssMb"]))
print("%-34s %12.1f %12.1f" % ("CPU, s", p["cpuSeconds"], r["cpuSeconds"]))
print("%-34s %12.2f" % ("pipeline / raw", ratio))
for l in latency:
    print("latency at %6d readings/s: p50 %s ms, p95 %s ms, p99 %s ms, max %s ms (%s of %s readings stored;"
          " during the warm-up of a cold JVM up to %s ms)" % (l["readingsPerSecondTarget"], l["p50Ms"], l["p95Ms"],
          l["p99Ms"], l["maxMs"], l["readings"], l["expected"], l["coldMaxMs"]))
json.dump({"drain": drain, "ratio": round(ratio, 3), "latency": latency}, open(os.path.join(work, "results.json"), "w"),
          indent=2)
print("\nwritten: " + os.path.join(work, "results.json"))
PY
