#!/usr/bin/env bash
# The pipeline against its peers, in one run on one preloaded topic (bench/README.md, "Against peers"):
#   seed      the seed's stack: Spark Structured Streaming local[2], from_json + explode, foreachBatch JDBC append
#             into a plain table with the seed's columns (bench/seed-spark, built here, never part of the app)
#   raw       a plain loop: KafkaConsumer + Jackson + batched INSERT ... ON CONFLICT DO NOTHING into a plain table
#             keyed by (eventId, deviceId), offsets committed after the database (bench/PlainRawLoop.java)
#   pipeline  the pipeline as shipped: every feature on, the Dockerfile's JVM options
# Each drains the same EVENTS events x 3 devices (CUSTOMERS customers, PARTITIONS partitions) into an empty database:
# launch -> first row, launch -> last row, first -> last row, peak RSS, CPU of the process and of PostgreSQL (all its
# processes, sampled while the run lasts). Then latency, produce -> row visible, at RATES readings/s for the raw loop
# and the pipeline: a probe outside the contender (bench/VisibleLatency.java) produces the load and polls the table
# for its rows (p50/p95/p99/max), next to the old figure from the rows' own columns (ingestedAt - kafkaTimestamp).
# Prints the tables and writes target/bench-peers/results.json (with ratio_vs_spark, ratio_vs_raw).
#   EVENTS=300000 CUSTOMERS=200 DEVICES_PER_CUSTOMER=3 PARTITIONS=6 RATES="5000 20000" WARMUP_SECONDS=30 LATENCY_SECONDS=30
#   CONTENDERS="seed raw pipeline mixed"   LATENCY_CONTENDERS="raw pipeline" (empty: no latency runs)
#   mixed: the pipeline on a mixed fleet, the same EVENTS with MIXED_SHARE of the devices weather stations (humidity and
#   pressure beside temperature, docs/measurements.md) on topic bench_mixed; the others drain the seed's format only
#   PIPELINE_SETTINGS="-Dstore.batch.maxEvents=2000 ..."   settings tried on the pipeline (empty: as shipped)
#   PSQL="psql ..."  admin session (default: the local cluster as the postgres OS user)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EVENTS=${EVENTS:-300000}
READINGS=$((EVENTS * 3))
CUSTOMERS=${CUSTOMERS:-200}
# each customer has its devices, and every event reports 3 of them: 600 devices by default
DEVICES_PER_CUSTOMER=${DEVICES_PER_CUSTOMER:-3}
PARTITIONS=${PARTITIONS:-6}
RATES=${RATES:-5000 20000}
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
LATENCY_SECONDS=${LATENCY_SECONDS:-30}
CONTENDERS=${CONTENDERS-seed raw pipeline mixed}
MIXED_SHARE=${MIXED_SHARE:-0.5}
LATENCY_CONTENDERS=${LATENCY_CONTENDERS-raw pipeline}
PIPELINE_JAVA_OPTS=$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' Dockerfile)
WORK=$ROOT/target/bench-peers
# shellcheck source=bench/bench-database.sh
. "$ROOT/bench/bench-database.sh"

if [[ " $CONTENDERS " == *" seed "* ]]; then
  echo "building the seed's Spark job (bench/seed-spark)..."
  mvn -q -B -f bench/seed-spark/pom.xml package -DskipTests
fi
SPARK_CP="$ROOT/bench/seed-spark/target/classes:$ROOT/bench/seed-spark/target/lib/*"
# what spark-submit adds on Java 17 (Spark's JavaModuleOptions)
SPARK_JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true"

# CPU seconds of every PostgreSQL process, per pid (backends come and go: the run keeps the largest value seen)
TCK=$(getconf CLK_TCK)
pg_cpu() { ps -u postgres -o pid= | sed 's|^ *\(.*\)|/proc/\1/stat|' \
    | xargs -r awk -v tck="$TCK" '{print $1, ($14 + $15) / tck}' 2>/dev/null || true; }
stored() { # readings stored by contender $1
  case $1 in
    seed) psql_db -c "select count(*) from seed.device_events" 2>/dev/null || echo 0 ;;
    raw) psql_db -c "select count(*) from raw.device_events" 2>/dev/null || echo 0 ;;
    *) psql_db -c "select coalesce(sum(readings), 0) from device_health" 2>/dev/null || echo 0 ;;
  esac; }

KPORT=$(free_port)
BROKERS=localhost:$KPORT
java -jar "$JAR" broker "$WORK/kafka" "$KPORT" "$(free_port)" > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
await_line "$WORK/broker.log" "BROKER READY"
PIPELINE=(-Dkafka.brokers=$BROKERS -Ddb.url=$DB_URL -Ddb.user=iot -Ddb.password=iot -Dcamel.server.port=0
          -Dprogress.intervalMs=1000 -Dkafka.topic.partitions=$PARTITIONS)
SIMULATED=(-Dsimulator.devicesPerEvent.min=3 -Dsimulator.devicesPerEvent.max=3 -Dsimulator.duplicate.share=0
           -Dsimulator.customers=$CUSTOMERS -Dsimulator.devices=$DEVICES_PER_CUSTOMER
           -Dsimulator.silence.everySeconds=0 -Dsimulator.fleet=thermometer:1
           -Dsimulator.weatherStations.share=0)  # the fleet before session 13's device types, for JAR=<older build>

publish() { # topic events rate log: the jar as a producer only
  java "${PIPELINE[@]}" "${SIMULATED[@]}" -Dkafka.topic="$1" -Dstore.enabled=false -Dhealth.enabled=false \
    -Danomaly.enabled=false -Dsimulator.eventsPerSecond="$3" -Dsimulator.maxEvents="$2" -jar "$JAR" > "$4" 2>&1 &
  PIDS+=($!)
  PRODUCER=$!
}

contender() { # name topic group: runs a contender (exec: started with &, $! is the JVM itself)
  case $1 in
    # shellcheck disable=SC2086
    seed) exec java $SPARK_JAVA_OPTS -cp "$SPARK_CP" bench.SeedStack "$BROKERS" "$2" "$DB_URL" iot iot \
            "$WORK/spark-checkpoints-$3" ;;
    raw) exec java -cp "$JAR" "$ROOT/bench/PlainRawLoop.java" "$BROKERS" "$2" "$DB_URL" iot iot "$3" ;;
    # shellcheck disable=SC2086
    pipeline|mixed) exec java $PIPELINE_JAVA_OPTS "${PIPELINE[@]}" -Dkafka.topic="$2" -Dkafka.consumer.groupId="$3" \
                -Dsimulator.enabled=false ${PIPELINE_SETTINGS:-} -jar "$JAR" ;;
  esac; }

drain() { # name
  local name=$1 log=$WORK/drain-$1.log
  reset_db
  pg_cpu > "$WORK/pg-before"
  local start; start=$(now)
  local topic=bench_stream; [ "$name" = mixed ] && topic=bench_mixed
  contender "$name" "$topic" "bench-$name" > "$log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  local first="" count=0 pg_peak="$WORK/pg-peak-$name"
  : > "$pg_peak"
  while [ "$count" -lt "$READINGS" ]; do
    kill -0 "$pid" || { tail -20 "$log"; exit 1; }
    count=$(stored "$name")
    if [ -z "$first" ] && [ "$count" -gt 0 ]; then first=$(now); fi
    pg_cpu >> "$pg_peak"
    sleep 0.5
  done
  local end; end=$(now)
  local cpu rss; cpu=$(cpu_seconds "$pid"); rss=$(peak_rss_mb "$pid")
  pg_cpu >> "$pg_peak"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$name" "$start" "$first" "$end" "$READINGS" "$cpu" "$rss" "$WORK/pg-before" "$pg_peak" \
    >> "$WORK/drain.jsonl" <<'PY'
import json, sys
name, start, first, end, readings, cpu, rss, before, peak = sys.argv[1:]
start, first, end, readings = float(start), float(first), float(end), int(readings)
def cpu_by_pid(path):
    values = {}
    for line in open(path):
        pid, seconds = line.split()
        values[pid] = max(values.get(pid, 0.0), float(seconds))
    return values
base, seen = cpu_by_pid(before), cpu_by_pid(peak)
pg = sum(seconds - base.get(pid, 0.0) for pid, seconds in seen.items())
print(json.dumps({"run": name, "readings": readings, "firstRowSeconds": round(first - start, 2),
                  "launchToLastSeconds": round(end - start, 2), "firstToLastSeconds": round(end - first, 2),
                  "readingsPerSecond": round(readings / (end - start)),
                  "readingsPerSecondFirstToLast": round(readings / (end - first)),
                  "cpuSeconds": float(cpu), "postgresCpuSeconds": round(pg, 1),
                  "postgresCpuMicrosPerReading": round(pg * 1e6 / readings, 1), "peakRssMb": int(rss)}))
PY
}

echo "preloading $EVENTS events ($READINGS readings, $CUSTOMERS customers, $PARTITIONS partitions) into bench_stream..."
reset_db
publish bench_stream "$EVENTS" 200000 "$WORK/preload.log"
await_line "$WORK/preload.log" "totals: $EVENTS published"
kill "$PRODUCER"; wait "$PRODUCER" 2>/dev/null || true
if [[ " $CONTENDERS " == *" mixed "* ]]; then
  echo "preloading $EVENTS events of a mixed fleet ($MIXED_SHARE weather stations) into bench_mixed..."
  SIMULATED+=(-Dsimulator.weatherStations.share="$MIXED_SHARE"
              -Dsimulator.fleet="$(awk -v s="$MIXED_SHARE" 'BEGIN {print "thermometer:" 1 - s ",weather-station:" s}')")
  publish bench_mixed "$EVENTS" 200000 "$WORK/preload-mixed.log"
  await_line "$WORK/preload-mixed.log" "totals: $EVENTS published"
  kill "$PRODUCER"; wait "$PRODUCER" 2>/dev/null || true
fi

for name in $CONTENDERS; do
  echo "draining with $name..."
  drain "$name"
done

for name in $LATENCY_CONTENDERS; do
  for rate in $RATES; do
    echo "latency of $name at $rate readings/s for ${LATENCY_SECONDS}s after ${WARMUP_SECONDS}s..."
    reset_db
    topic=latency_${name}_$rate
    table=$([ "$name" = raw ] && echo raw.device_events || echo iot_device_events)
    # a group per run: a contender killed without leaving its group would hold up the next run's assignment
    contender "$name" "$topic" "latency-$name-$rate" > "$WORK/latency-$name-$rate.log" 2>&1 &
    pid=$!; PIDS+=($pid)
    if [ "$name" = pipeline ]; then await_line "$WORK/latency-$name-$rate.log" "Started ingest"
    else await_line "$WORK/latency-$name-$rate.log" "READY"; fi
    # the probe produces the load, polls the contender's table and waits for the stragglers (bench/VisibleLatency.java)
    java -cp "$JAR" "$ROOT/bench/VisibleLatency.java" "$BROKERS" "$topic" "$PARTITIONS" "$DB_URL" iot iot "$table" \
      "$name" "$rate" "$WARMUP_SECONDS" "$LATENCY_SECONDS" "$CUSTOMERS" "$DEVICES_PER_CUSTOMER" \
      $(( (WARMUP_SECONDS + LATENCY_SECONDS) * 3 + 60 )) > "$WORK/latency-visible-$name-$rate.json" \
      2> "$WORK/latency-probe-$name-$rate.log"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    # the old method on the same run's rows, for comparison: ingestedAt (the contender's transaction start) minus the
    # record's Kafka timestamp, which hides the statement and the commit
    psql_db -c "select json_build_object('measured', count(*),
        'p50Ms', round((percentile_cont(0.50) within group (order by ms))::numeric),
        'p95Ms', round((percentile_cont(0.95) within group (order by ms))::numeric),
        'p99Ms', round((percentile_cont(0.99) within group (order by ms))::numeric),
        'maxMs', round(max(ms)::numeric))
      from (select extract(epoch from ingestedAt - kafkaTimestamp) * 1000 as ms from $table
            where kafkaTimestamp > (select min(kafkaTimestamp) + interval '$WARMUP_SECONDS seconds' from $table)) t" \
      > "$WORK/latency-columns-$name-$rate.json"
    python3 - "$WORK/latency-visible-$name-$rate.json" "$WORK/latency-columns-$name-$rate.json" \
      >> "$WORK/latency.jsonl" <<'PY'
import json, sys
visible, columns = (json.load(open(path)) for path in sys.argv[1:])
print(json.dumps({"run": visible["run"], "readingsPerSecondTarget": visible["readingsPerSecondTarget"],
                  "visible": visible, "ingestedAtMinusKafkaTimestamp": columns}))
PY
  done
done

PIPELINE_JAVA_OPTS="$PIPELINE_JAVA_OPTS" PIPELINE_SETTINGS="${PIPELINE_SETTINGS:-}" python3 - "$WORK" <<'PY'
import json, sys, os
work = sys.argv[1]
drain = {r["run"]: r for r in map(json.loads, open(os.path.join(work, "drain.jsonl")))} if os.path.exists(
    os.path.join(work, "drain.jsonl")) else {}
latency = [json.loads(l) for l in open(os.path.join(work, "latency.jsonl"))] if os.path.exists(
    os.path.join(work, "latency.jsonl")) else []
names = {"seed": "seed's stack (Spark local[2])", "raw": "raw loop (plain table)",
         "pipeline": "iot-pipeline " + ("with PIPELINE_SETTINGS" if os.environ.get("PIPELINE_SETTINGS") else "as shipped"),
         "mixed": "iot-pipeline, mixed fleet"}
print()
print("%-32s %10s %10s %10s %10s %9s %12s %9s" % ("contender", "rows/s", "first row", "launch-", "first-",
      "peak RSS", "CPU s: app", "PG us/"))
print("%-32s %10s %10s %10s %10s %9s %12s %9s" % ("", "(launch-", "after", "last, s", "last, s", "MiB",
      "+ PostgreSQL", "reading"))
print("%-32s %10s %10s" % ("", "last)", "launch, s"))
for key in ("seed", "raw", "pipeline", "mixed"):
    if key in drain:
        r = drain[key]
        print("%-32s %10d %10.1f %10.1f %10.1f %9d %12s %9.1f" % (names[key], r["readingsPerSecond"],
              r["firstRowSeconds"], r["launchToLastSeconds"], r["firstToLastSeconds"], r["peakRssMb"],
              "%.1f + %.1f" % (r["cpuSeconds"], r["postgresCpuSeconds"]), r["postgresCpuMicrosPerReading"]))
result = {"drain": drain, "latency": latency, "pipelineJavaOptions": os.environ.get("PIPELINE_JAVA_OPTS", ""),
          "pipelineSettings": os.environ.get("PIPELINE_SETTINGS", "")}
p = drain.get("pipeline")
if p and "seed" in drain:
    result["ratio_vs_spark"] = round(p["readingsPerSecond"] / drain["seed"]["readingsPerSecond"], 2)
if p and "raw" in drain:
    result["ratio_vs_raw"] = round(p["readingsPerSecond"] / drain["raw"]["readingsPerSecond"], 2)
    result["cpu_vs_raw"] = round((p["cpuSeconds"] + p["postgresCpuSeconds"])
                                 / (drain["raw"]["cpuSeconds"] + drain["raw"]["postgresCpuSeconds"]), 2)
for k in ("ratio_vs_spark", "ratio_vs_raw", "cpu_vs_raw"):
    if k in result:
        print("%s: %.2f" % (k, result[k]))
if latency:
    print("\nlatency, ms                    produce -> row visible (probe)              ingestedAt - kafkaTimestamp")
    print("%-9s %10s %7s %7s %7s %7s %15s %7s %7s %7s %7s" % ("contender", "readings/s", "p50", "p95", "p99", "max",
          "seen of sent", "p50", "p95", "p99", "max"))
for l in latency:
    v, c = l["visible"], l["ingestedAtMinusKafkaTimestamp"]
    print("%-9s %10d %7s %7s %7s %7s %15s %7s %7s %7s %7s" % (l["run"], l["readingsPerSecondTarget"], v["p50Ms"],
          v["p95Ms"], v["p99Ms"], v["maxMs"], "%d/%d" % (v["seen"], v["sent"]), c["p50Ms"], c["p95Ms"], c["p99Ms"],
          c["maxMs"]))
json.dump(result, open(os.path.join(work, "results.json"), "w"), indent=2)
print("\nwritten: " + os.path.join(work, "results.json"))
PY
