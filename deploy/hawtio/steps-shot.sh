#!/usr/bin/env bash
# Usage: deploy/hawtio/steps-shot.sh JOLOKIA_URL OUT.png [STEP]
# Opens the real Hawtio 4.2 console (the shared offline tool, ../shared/tools/hawtio) in headless Chromium at
# JMX > org.apache.camel > <context> > steps and shows one step's counts in the domain's units (default
# ingest/filter-readings): what an operator sees there. Prints the steps listed and the step's attributes.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOL="${HAWTIO_TOOL:-$HERE/../../../shared/tools/hawtio}"
JOLOKIA_URL="${1:?usage: steps-shot.sh JOLOKIA_URL OUT.png [STEP]}"
OUT="${2:?usage: steps-shot.sh JOLOKIA_URL OUT.png [STEP]}"
PORT="${HAWTIO_PORT:-18090}"
URL="http://127.0.0.1:$PORT/hawtio"
STARTED=""
if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/" || true)" != 200 ]; then
  "$TOOL/start-hawtio.sh" "$PORT" >&2
  STARTED="$PORT"
fi
trap '[ -z "$STARTED" ] || "$TOOL/stop-hawtio.sh" "$STARTED" >&2 || true' EXIT
SHOTLIB="$("$TOOL/hawtio-lib.sh" shot)"
SE_OFFLINE=true SE_AVOID_STATS=true java -Dshot.step="${3:-ingest/filter-readings}" -cp "$SHOTLIB/*" \
  "$HERE/StepsShot.java" "$URL" "$JOLOKIA_URL" "$OUT"
