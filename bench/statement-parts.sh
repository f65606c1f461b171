#!/usr/bin/env bash
# Where the database's CPU for a store_readings call goes, part by part (issue 31): bench/store-statement.sh on copies of
# sql/ with one part of the statement taken out, so each part's cost is the difference to the whole statement, measured
# as the database session's CPU per reading. A copy without a part stores less (or counts nothing), so none of them is
# a pipeline: they only size the parts. Variants:
#   whole         the statement as shipped
#   no-analytics  without the maintained tables (windows, device health, streams, watermarks, ingest rate, findings)
#   no-keys       without reading_keys: no claim of (eventId, deviceId), so no conflicts either
#   no-hash       the fingerprint replaced by the eventId (no md5 per reading)
#   no-upsert     the readings inserted without ON CONFLICT (the bench never sends one twice)
#   empty         the function returns at once: what the bench's own array building costs the session
# Each variant runs ROUNDS times, the variants in turn, and the median is printed.
#   PRELOAD=1000000 ROUNDS=3 bash bench/statement-parts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/bench-statement-parts
PRELOAD=${PRELOAD:-1000000}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-40}
VARIANTS=${VARIANTS:-whole no-analytics no-keys no-hash no-upsert empty}
rm -rf "$WORK" && mkdir -p "$WORK"

for variant in $VARIANTS; do
  cp -r "$ROOT/sql" "$WORK/$variant"
  python3 - "$WORK/$variant/R__reading_analytics.sql" "$variant" <<'PY'
import re, sys
path, variant = sys.argv[1], sys.argv[2]
s = open(path).read()

def drop(s, names):
    # the CTEs of store_readings' statement start at four spaces: '    name AS (' up to the next one or the final SELECT
    out, skipping = [], False
    for line in s.split('\n'):
        m = re.match(r'^    (?:WITH )?([a-z_]+) AS (?:MATERIALIZED )?\(', line)
        if m or line.startswith('    SELECT (SELECT count(*) FROM inserted)'):
            skipping = bool(m) and m.group(1) in names
        if not skipping:
            out.append(line)
    s = '\n'.join(out)
    return re.sub(r'\),\n(    SELECT \(SELECT count)', r')\n\1', s)

def replace(s, old, new):
    assert old in s, (variant, old)
    return s.replace(old, new)

claimed = """WHERE EXISTS (SELECT 1 FROM claimed c WHERE c.eventId = b.eventId AND c.deviceId = b.deviceId
                        AND c.eventTime = b.eventTime AND c.fingerprint = b.fingerprint)"""
if variant == 'no-analytics':
    s = drop(s, {'device_windows', 'customer_windows', 'device_totals', 'health', 'state_changes', 'streams',
                 'watermarks', 'findings', 'measured', 'measurement_windows', 'measurement_health', 'ingest_rate'})
elif variant == 'no-keys':
    s = drop(s, {'claimed', 'unclaimed', 'conflicts'})
    s = replace(s, '        ' + claimed + '\n        -- the same', '        -- the same')
    s = replace(s, claimed + '\n          AND EXISTS', 'WHERE EXISTS')
    i = s.index('           (SELECT array_agg(b.position) FROM unclaimed b')
    s = s[:i] + '           NULL::bigint[]\n' + s[s.index('    INTO rows_added, unresolved;'):]
elif variant == 'no-hash':
    s = replace(s, """        SELECT b.*, reading_fingerprint(b.customerId, b.eventOffset, b.eventPublisher, b.measure, b.status,
                                        b.temperature, b.extraFields) AS fingerprint""",
                "        SELECT b.*, b.eventId AS fingerprint")
elif variant == 'no-upsert':
    s = replace(s, "        ORDER BY b.position\n        ON CONFLICT (eventId, deviceId, eventTime) DO NOTHING\n",
                "        ORDER BY b.position\n")
elif variant == 'empty':
    s = replace(s, 'BEGIN\n    -- A small batch', 'BEGIN\n    RETURN cardinality(event_ids);\n    -- A small batch')
open(path, 'w').write(s)
PY
done

for round in $(seq "$ROUNDS"); do
  for variant in $VARIANTS; do
    cpu=$(SQL="$WORK/$variant" PRELOAD=$PRELOAD SIZES=6000 RUNS=$RUNS bash "$ROOT/bench/store-statement.sh" \
          2> "$WORK/$variant-$round.err" | awk '$1 == 6000 {print $4}') \
      || { echo "$variant failed: $WORK/$variant-$round.err" >&2; tail -5 "$WORK/$variant-$round.err" >&2; exit 1; }
    echo "$variant $cpu" >> "$WORK/cpu.txt"
    echo "round $round: $variant $cpu us/reading" >&2
  done
done

printf '\n%-14s %16s %18s\n' variant "cpu us/reading" "part, us/reading"
median() { awk -v v="$1" '$1 == v {print $2}' "$WORK/cpu.txt" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
whole=$(median whole)
for variant in $VARIANTS; do
  # a part costs what the whole costs more than the statement without it; for empty, that is the whole statement
  awk -v v="$variant" -v m="$(median "$variant")" -v w="${whole:-0}" 'BEGIN {
    if (v == "whole") printf "%-14s %16.1f %18s\n", v, m, "-"
    else if (v == "empty") printf "%-14s %16.1f %18.1f  (the statement, all parts)\n", v, m, w - m
    else printf "%-14s %16.1f %18.1f\n", v, m, w - m }'
done
