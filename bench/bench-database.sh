# Sourced by the bench scripts: the pipeline jar, the machine's PostgreSQL (database iot_bench, role iot) and the
# helpers every run uses. Expects ROOT (the project folder) and WORK (the run's folder, emptied here).
JAR=${JAR:-$ROOT/target/iot-pipeline.jar}  # JAR=... compares another build
[ -f "$JAR" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
if [ -z "${PSQL:-}" ]; then
  if [ "$(id -u)" = 0 ]; then PSQL="runuser -u postgres -- psql"; else PSQL="sudo -u postgres psql"; fi
fi
psql_admin() { $PSQL -v ON_ERROR_STOP=1 -qtA "$@"; }
PG_PORT=$(pg_lsclusters -h | awk '$4 == "online" {print $3; exit}')
DB=iot_bench
if [ "$(psql_admin -c "select count(*) from pg_roles where rolname = 'iot'")" = 0 ]; then
  psql_admin -c "CREATE ROLE iot LOGIN PASSWORD 'iot'"
fi
DB_URL="jdbc:postgresql://localhost:$PG_PORT/$DB"
psql_db() { PGPASSWORD=iot psql -h localhost -p "$PG_PORT" -U iot -d "$DB" -v ON_ERROR_STOP=1 -qtA "$@"; }
reset_db() { psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB OWNER iot" > /dev/null; }

rm -rf "$WORK" && mkdir -p "$WORK"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
await_line() { until grep -qs "$2" "$1"; do sleep 0.2; done; }
now() { date +%s.%N; }
cpu_seconds() { awk -v tck="$(getconf CLK_TCK)" '{print ($14 + $15) / tck}' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }
