#!/usr/bin/env bash
# What one call of store_readings costs the database, by batch size (issue 31, item 3): the pipeline's statement alone,
# without Kafka or the app. A fresh database gets the jar's migrations (sql/, in Flyway's order), then for each size in
# SIZES, RUNS calls in one session (as a pooled connection makes them) of a batch of that many readings: events of 3
# devices each, from 200 customers with 3 devices each (600 devices), new eventIds every call. MIXED=1: every other
# reading also carries humidity and pressure (a mixed fleet's batch, as bench/peers.sh's MIXED_SHARE=0.5).
# PRELOAD=N: N readings are stored first (plainly, not through store_readings), with their keys, in the order they
# arrive, so the calls write into indexes of that size, as a long backlog's last batches do; then a checkpoint.
# Prints per size the median milliseconds per call, the microseconds per reading it makes, and the CPU per reading of
# the database session that ran the calls (its backend process, over all RUNS calls).
#   SIZES="33 150 300 1000 6000" RUNS=12 bash bench/store-statement.sh      (the machine's PostgreSQL, database iot_bench)
#   SQL=/tmp/before/sql bash bench/store-statement.sh      another version's migrations (git archive <rev> sql | tar -x)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/bench-store-statement
SIZES=${SIZES:-33 150 300 1000 6000}
RUNS=${RUNS:-12}
SQL=${SQL:-$ROOT/sql}
MIXED=${MIXED:-0}
PRELOAD=${PRELOAD:-0}
# shellcheck source=bench/bench-database.sh
. "$ROOT/bench/bench-database.sh"
reset_db
# Flyway's order: the versioned scripts by version, then the repeatable ones by name
for f in $(cd "$SQL" && ls V*__*.sql | sort -t_ -k1.2n) $(cd "$SQL" && ls R__*.sql | sort); do
  PGOPTIONS="-c client_min_messages=warning" psql_db -1 -f "$SQL/$f" > /dev/null  # one transaction, as Flyway runs it
done

if [ "$PRELOAD" -gt 0 ]; then
  psql_db <<SQL
INSERT INTO iot_device_events (eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status,
        temperature, temperatureCelsius, late, kafkaTopic, kafkaPartition, kafkaOffset, kafkaTimestamp)
SELECT md5('preload/' || i / 3)::uuid, 'CI' || lpad((i / 3 % 200)::text, 5, '0'), i / 3, 'bench',
       now()::timestamp - interval '1 hour' + i * interval '1 ms' / 1000, 'D' || i % 3, 'C', 'SUCCESS', 20, 20, false,
       'bench', 0, i, now()
FROM generate_series(0, $PRELOAD - 1) i;
INSERT INTO reading_keys (eventId, deviceId, eventTime, fingerprint)
SELECT eventId, deviceId, eventTime, md5(eventId::text)::uuid FROM iot_device_events ORDER BY eventTime;
VACUUM ANALYZE;
SQL
  psql_admin -d "$DB" -c CHECKPOINT
fi

call() { # rows run
  cat <<SQL
SELECT store_readings(array_agg(md5('$2/' || i / 3)::uuid ORDER BY i), array_agg('CI' || lpad((i / 3 % 200)::text, 5, '0') ORDER BY i),
  array_agg(($2 * $1 + i) / 3 ORDER BY i), array_agg('bench'::text ORDER BY i),
  array_agg(now()::timestamp + i * interval '1 ms' ORDER BY i), array_agg('D' || i % 3 ORDER BY i), array_agg('C'::text ORDER BY i),
  array_agg('SUCCESS'::text ORDER BY i), array_agg(20 + i % 7 ORDER BY i), array_agg(20 + i % 7 ORDER BY i), array_agg(false ORDER BY i),
  array_agg(NULL::jsonb ORDER BY i), array_agg('bench'::text ORDER BY i), array_agg(0 ORDER BY i), array_agg(($2 * $1 + i)::bigint ORDER BY i),
  array_agg(now() ORDER BY i), array_agg(i % 3 = 0 ORDER BY i), '[]'::jsonb, $(measurements "$1"))
FROM generate_series(0, $1 - 1) i;
SQL
}

measurements() { # rows: the JSON rows of store_readings' measurements (sql/R__reading_analytics.sql)
  if [ "$MIXED" = 1 ]; then
    echo "(SELECT jsonb_agg(jsonb_build_object('position', j + 1, 'measurement', m, 'value', v, 'unit', u,
      'sentvalue', v, 'sentunit', u)) FROM generate_series(0, $1 - 1, 2) j
      CROSS JOIN (VALUES ('humidity', 50, '%'), ('pressure', 1013, 'hPa')) x(m, v, u))"
  else
    echo "'[]'::jsonb"
  fi
}

# the session's backend process's CPU ticks (user + system), before and after the calls: the statement's own CPU,
# which other work on a shared machine slows but does not add to
ticks() { echo "\\! awk '{print \"ticks\", \$14 + \$15}' /proc/\$BACKEND/stat"; }
printf '%-8s %12s %14s %18s\n' rows "ms/call" "us/reading" "cpu us/reading"
run=0
for size in $SIZES; do
  {
    echo 'SELECT pg_backend_pid() AS backend \gset'
    echo '\setenv BACKEND :backend'
    ticks
    echo '\timing on'
    for _ in $(seq "$RUNS"); do run=$((run + 1)); call "$size" "$run"; done
    ticks
  } > "$WORK/calls-$size.sql"
  psql_db -f "$WORK/calls-$size.sql" > "$WORK/out-$size.txt"
  awk '/^Time:/ {print $2}' "$WORK/out-$size.txt" | sort -n > "$WORK/times-$size.txt"
  median=$(awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}' "$WORK/times-$size.txt")
  cpu=$(awk -v tck="$(getconf CLK_TCK)" '/^ticks/ {t[++n] = $2} END {print (t[2] - t[1]) / tck}' "$WORK/out-$size.txt")
  awk -v rows="$size" -v ms="$median" -v cpu="$cpu" -v runs="$RUNS" \
    'BEGIN {printf "%-8s %12.1f %14.1f %18.1f\n", rows, ms, ms * 1000 / rows, cpu * 1e6 / (rows * runs)}'
done
