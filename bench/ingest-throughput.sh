#!/usr/bin/env bash
# End-to-end ingest throughput on the embedded Kafka broker and PostgreSQL (all on this machine).
# Phase 1 fills device_stream with EVENTS simulated events while the store routes are off; phase 2 starts the
# pipeline with the simulator off and times how fast the ingest and store routes drain the backlog into PostgreSQL.
# Usage: bash bench/ingest-throughput.sh   (EVENTS=100000 by default; JAR=another build to compare; needs target/iot-pipeline.jar)
set -euo pipefail
EVENTS=${EVENTS:-100000}
JAR=${JAR:-$(cd "$(dirname "$0")/.." && pwd)/target/iot-pipeline.jar}
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d)
cd "$WORK"
trap 'pkill -f "iot-pipeline.jar" 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "filling the topic with $EVENTS events..."
java -Dstore.enabled=false -Dsimulator.eventsPerSecond=100000 -Dsimulator.maxEvents="$EVENTS" \
  -Dsimulator.duplicate.share=0 -Dsimulator.fleet=thermometer:1 -Dsimulator.weatherStations.share=0 -Dprogress.intervalMs=1000 -jar "$JAR" > fill.log 2>&1 &
FILL=$!
until grep -q "totals: $EVENTS published" fill.log; do sleep 1; kill -0 $FILL || { cat fill.log; exit 1; }; done
kill $FILL; wait $FILL || true

echo "draining..."
java ${DRAIN_JAVA_OPTS:-} -Dsimulator.enabled=false -Dprogress.intervalMs=1000 -jar "$JAR" > drain.log 2>&1 &
DRAIN=$!
until grep -q "totals: .* $EVENTS consumed" drain.log; do sleep 1; kill -0 $DRAIN || { cat drain.log; exit 1; }; done
kill $DRAIN; wait $DRAIN || true

# rates from the first to the last progress line that moved
grep "Progress:" drain.log | awk -v events="$EVENTS" '
  { split($1, t, "[:.]"); s = t[1]*3600 + t[2]*60 + t[3] + t[4]/1000
    match($0, /totals: [0-9]+ published, [0-9]+ consumed, [0-9]+ rows/); split(substr($0, RSTART, RLENGTH), n, /[ ,]+/)
    consumed = n[4]; rows = n[6]
    if (first == "" && consumed > 0) { first = s; firstConsumed = consumed; firstRows = rows }
    last = s; lastConsumed = consumed; lastRows = rows }
  END { d = last - first; printf "drained %d events (%d rows) in %.1f s: %.0f events/s, %.0f rows/s\n",
        lastConsumed - firstConsumed, lastRows - firstRows, d, (lastConsumed - firstConsumed) / d, (lastRows - firstRows) / d }'
