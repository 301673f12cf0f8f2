#!/usr/bin/env bash
# What the start-up integrity check costs (docs/benchmarks.md, "Start-up check"). Builds a SQLite
# store of SIZE_GB through Keel's own migrations (src/Keel.Storage/Sql/Migrations/Sqlite/*.sql)
# filled with metric rows, then times, REPEATS times each:
#   - `keel server` start-up until /health answers, with Keel__Storage__StartupCheck=None, Quick
#     and Full (warm page cache: the file is read once before),
#   - the same with a cold page cache for None and Quick (only when /proc/sys/vm/drop_caches is
#     writable, i.e. as root),
#   - `keel admin check` (integrity_check + foreign_key_check + schema).
# Environment knobs [defaults]: SIZE_GB [1], REPEATS [3], PORT [5079], WORK [mktemp -d under /var/tmp],
# KEEP (set to keep WORK).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SIZE_GB=${SIZE_GB:-1}
REPEATS=${REPEATS:-3}
PORT=${PORT:-5079}
WORK=${WORK:-$(mktemp -d /var/tmp/keel-quickcheck-XXXXXX)}
mkdir -p "$WORK"
db=$WORK/keel.db
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

dotnet build src/Keel.Cli -c Release --nologo -v q >/dev/null
keel=(dotnet "$root/src/Keel.Cli/bin/Release/net10.0/keel.dll")

if [ ! -f "$db" ]; then
  echo "Building a ${SIZE_GB} GB store in $db ..."
  {
    echo "PRAGMA journal_mode=WAL;"
    echo "CREATE TABLE IF NOT EXISTS keel_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);"
    for f in src/Keel.Storage/Sql/Migrations/Sqlite/*.sql; do
      name=$(basename "$f" .sql)
      echo "BEGIN;"; cat "$f"; echo
      echo "INSERT INTO keel_schema VALUES (${name%%_*} + 0, '${name#*_}', 0);"
      echo "COMMIT;"
    done
    echo "INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 0, 0);"
  } | sqlite3 "$db" >/dev/null
  # 100 runs; each batch adds 1M metric rows (about 45 MB) until the file reaches SIZE_GB.
  target=$(python3 -c "print(int($SIZE_GB * 1024**3))")
  batch=0
  while [ "$(stat -c %s "$db")" -lt "$target" ]; do
    sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
INSERT OR IGNORE INTO runs (run_key, run_uuid, experiment_id, name, user_id, status, start_time, artifact_uri)
  SELECT $batch, printf('%032x', $batch), 0, 'run-$batch', 'bench', 'FINISHED', 0, 'mlflow-artifacts:/0/' || printf('%032x', $batch);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan)
  SELECT $batch, 'metric_' || (i % 20), i, 1700000000000 + i, $batch * 1000000 + i, random() / 9.2e18, 0 FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
    batch=$((batch + 1))
  done
  sqlite3 "$db" "UPDATE keel_meta SET value = $((batch * 1000000 + 1)) WHERE key = 'metric_seq'; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
fi
echo "Store: $(du -h "$db" | cut -f1) ($(stat -c %s "$db") bytes), $(sqlite3 "$db" 'PRAGMA page_count') pages"

now() { date +%s.%N; }
start_once() { # $1 = None|Quick|Full; prints seconds until /health answers
  local t0 t1 pid
  t0=$(now)
  Keel__Storage__StartupCheck=$1 "${keel[@]}" server --port "$PORT" --backend-store-uri "sqlite:///$db" --artifacts-uri "$WORK/artifacts" >"$WORK/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$WORK/server.log" >&2; return 1; fi
    sleep 0.02
  done
  t1=$(now)
  kill -TERM "$pid"; wait "$pid" || true
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}
cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }

for mode in None Quick Full; do
  cat "$db" >/dev/null
  times=()
  for _ in $(seq "$REPEATS"); do times+=("$(start_once "$mode")"); done
  echo "start-up, warm cache, StartupCheck=$mode: ${times[*]} s"
done
if ( cold ) 2>/dev/null; then
  for mode in None Quick; do
    times=()
    for _ in $(seq "$REPEATS"); do cold; times+=("$(start_once "$mode")"); done
    echo "start-up, cold cache, StartupCheck=$mode: ${times[*]} s"
  done
else
  echo "(cold-cache runs skipped: cannot write /proc/sys/vm/drop_caches)"
fi
cat "$db" >/dev/null
times=()
for _ in $(seq "$REPEATS"); do
  t0=$(now); "${keel[@]}" admin check --backend-store-uri "sqlite:///$db" >/dev/null; t1=$(now)
  times+=("$(python3 -c "print(f'{$t1 - $t0:.2f}')")")
done
echo "keel admin check (integrity_check, foreign_key_check, schema), warm cache: ${times[*]} s"
