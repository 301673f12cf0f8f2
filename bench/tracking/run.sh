#!/usr/bin/env bash
# Tracking benchmarks (docs/benchmarks-tracking.md): builds Release, seeds a fresh SQLite database,
# starts `keel server` on loopback, then measures
#   - log-metric requests/s with p50/p99 at 1, 8 and 64 connections (wrk, log-metric.lua),
#   - log-batch metrics/s with 1000 metrics a request (wrk, log-batch.lua),
#   - runs/search filtered and ordered by a metric over 10k and 100k runs, max_results 100 (p50),
#   - metric history of 100k and 1M points, every page at max_results=25000,
# each REPEATS times, and prints medians. Every wrk run logs into a fresh run and afterwards checks
# that the store holds at least as many points as wrk saw acknowledged.
#
# Environment knobs (defaults in brackets): REPEATS [3], DURATION [10s], PORT [5077],
# CONNECTIONS ["1 8 64"], BATCH_CONNECTIONS ["8"], SEARCH_RUNS [10000,100000],
# HISTORY_POINTS [100000,1000000], SEARCH_REPS [200], HISTORY_REPS [5], WORK [mktemp -d under /var/tmp],
# SKIP ("search", "history", "write", "build", space separated, to leave parts out),
# SEED_FROM (a previous WORK folder: copy its seeded databases instead of seeding again),
# WARMUP [10s] (each wrk script, unrecorded), SEARCH_WARMUP [1000] (unrecorded searches per size).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

REPEATS=${REPEATS:-3}
DURATION=${DURATION:-10s}
PORT=${PORT:-5077}
CONNECTIONS=${CONNECTIONS:-"1 8 64"}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-"8"}
SEARCH_RUNS=${SEARCH_RUNS:-10000,100000}
HISTORY_POINTS=${HISTORY_POINTS:-100000,1000000}
SEARCH_REPS=${SEARCH_REPS:-200}
SEARCH_WARMUP=${SEARCH_WARMUP:-1000}
WARMUP=${WARMUP:-10s}
HISTORY_REPS=${HISTORY_REPS:-5}
SKIP=${SKIP:-}
# A disk-backed folder: fsync must be real for the durability figures to mean anything.
WORK=${WORK:-$(mktemp -d /var/tmp/keel-bench.XXXXXX)}
url="http://127.0.0.1:$PORT"
results="$WORK/results.txt"
skip() { [[ " $SKIP " == *" $1 "* ]]; }

bench/tracking/setup.sh >/dev/null
if ! skip build; then
  echo "== build (Release)"
  dotnet build src/Keel.Cli -c Release --nologo -v q >/dev/null
  dotnet build bench/Keel.Tracking.Bench -c Release --nologo -v q >/dev/null
fi
keel="$root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
tool=(dotnet "$root/bench/Keel.Tracking.Bench/bin/Release/net10.0/keel-tracking-bench.dll")

mkdir -p "$WORK"
: >"$results"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB; load $(cut -d' ' -f1-3 /proc/loadavg); CPU pressure $(grep some /proc/pressure/cpu 2>/dev/null)"
echo "== work folder $WORK ($(df -T "$WORK" | awk 'NR==2 {print $2}'))"

search_runs=$SEARCH_RUNS
history_points=$HISTORY_POINTS
if skip search; then search_runs=""; fi
if skip history; then history_points=""; fi

# Databases: keel.db holds the write runs and the metric histories; every search size gets its own
# database (search-N.db) so "search over N runs" means a store holding N runs, not N runs among
# the other sizes' runs (see docs/benchmarks-tracking.md for what sharing one store does).
if [ -n "${SEED_FROM:-}" ]; then
  echo "== reuse seeded databases from $SEED_FROM (not measured)"
  cp "$SEED_FROM"/*.db "$SEED_FROM"/seed*.json "$WORK"/
  cp "$SEED_FROM"/*.db-wal "$WORK"/ 2>/dev/null || true
else
  echo "== seed (not measured): history=${history_points:-none}; search runs=${search_runs:-none}"
  "${tool[@]}" seed --db "$WORK/keel.db" --artifacts "$WORK/artifacts" --history "$history_points" --out "$WORK/seed.json"
  for n in ${search_runs//,/ }; do
    "${tool[@]}" seed --db "$WORK/search-$n.db" --artifacts "$WORK/artifacts" --runs "$n" --out "$WORK/seed-search-$n.json"
  done
fi

server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap stop_server EXIT

# start_server DB: runs `keel server` (Release) on $PORT over the given database and waits for /health.
start_server() {
  stop_server
  echo "== start server on $url over $(basename "$1")"
  (cd "$WORK" && exec dotnet "$keel" server --port "$PORT" --backend-store-uri "sqlite:///$1" --artifacts-uri "$WORK/artifacts" >>"$WORK/server.log" 2>&1) &
  server=$!
  local deadline=$((SECONDS + 60))
  until curl -fs "$url/health" >/dev/null 2>&1; do
    if ((SECONDS > deadline)) || ! kill -0 "$server" 2>/dev/null; then
      echo "server did not start:" >&2
      cat "$WORK/server.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

start_server "$WORK/keel.db"

new_run() {
  curl -fs -X POST "$url/api/2.0/mlflow/runs/create" -H 'Content-Type: application/json' \
    -d '{"experiment_id":"0","run_name":"bench-load"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])'
}

# CPU time (user + system, in clock ticks) the server process has used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# "some" CPU pressure over the last 60 s: the share of time runnable tasks waited for a core.
cpu_pressure() { awk '/^some/ {sub("avg60=", "", $3); print $3}' /proc/pressure/cpu 2>/dev/null || echo n/a; }

# wrk_run LABEL SCRIPT CONNECTIONS METRICS_PER_REQUEST KEY
wrk_run() {
  local label=$1 script=$2 c=$3 per=$4 key=$5 run threads line requests non2xx stored t0 t1 cpu_us
  run=$(new_run)
  threads=$((c < 2 ? 1 : 2))
  t0=$(server_ticks)
  line=$(KEEL_RUN_ID=$run wrk -t"$threads" -c"$c" -d"$DURATION" --latency -s "bench/tracking/$script" "$url" | grep '^RESULT')
  t1=$(server_ticks)
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
  stored=0
  for k in $key; do
    stored=$((stored + $("${tool[@]}" count --url "$url" --run-id "$run" --key "$k")))
  done
  # Server CPU per request: with N cores, N * 1e6 / cpu_us_per_request bounds requests/s on an idle machine.
  cpu_us=$(awk -v d=$((t1 - t0)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", n ? d / hz * 1e6 / n : 0}')
  echo "$label c=$c ${line#RESULT } metrics_per_request=$per acked_metrics=$(((requests - non2xx) * per)) stored_metrics=$stored server_cpu_us_per_request=$cpu_us cpu_pressure_avg60=$(cpu_pressure)" | tee -a "$results"
}

if ! skip write; then
  echo "== warm-up (not recorded)"
  # Long enough for tiered JIT to finish even when other processes starve its background thread.
  KEEL_RUN_ID=$(new_run) wrk -t2 -c64 -d"$WARMUP" -s bench/tracking/log-metric.lua "$url" >/dev/null
  KEEL_RUN_ID=$(new_run) wrk -t2 -c8 -d"$WARMUP" -s bench/tracking/log-batch.lua "$url" >/dev/null

  for c in $CONNECTIONS; do
    for ((i = 1; i <= REPEATS; i++)); do
      wrk_run log-metric log-metric.lua "$c" 1 loss
    done
  done
  for c in $BATCH_CONNECTIONS; do
    for ((i = 1; i <= REPEATS; i++)); do
      wrk_run log-batch log-batch.lua "$c" 1000 "m0 m1 m2 m3 m4 m5 m6 m7 m8 m9"
    done
  done
fi

for p in ${history_points//,/ }; do
  # Warm-up (not recorded): JIT tiering of the history path.
  "${tool[@]}" history --url "$url" --seed "$WORK/seed.json" --points "$p" --reps 2 --mode raw >/dev/null
  for mode in raw parse; do
    for ((i = 1; i <= REPEATS; i++)); do
      t0=$(server_ticks)
      line=$("${tool[@]}" history --url "$url" --seed "$WORK/seed.json" --points "$p" --reps "$HISTORY_REPS" --mode "$mode" | sed "s/^RESULT //")
      t1=$(server_ticks)
      # Server CPU per full fetch (the untimed warm-up fetch included, hence reps + 1).
      echo "$line server_cpu_ms_per_fetch=$(awk -v d=$((t1 - t0)) -v r="$HISTORY_REPS" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", d / hz * 1000 / (r + 1)}') cpu_pressure_avg60=$(cpu_pressure)" | tee -a "$results"
    done
  done
done

for n in ${search_runs//,/ }; do
  start_server "$WORK/search-$n.db"
  # Warm-up (not recorded): with 20 warm-up requests the JIT was still compiling the search path
  # (36 % of server samples in libclrjit); after ~1000 requests it is done.
  "${tool[@]}" search --url "$url" --seed "$WORK/seed-search-$n.json" --runs "$n" --reps "$SEARCH_WARMUP" --warmup 0 >/dev/null
  for ((i = 1; i <= REPEATS; i++)); do
    "${tool[@]}" search --url "$url" --seed "$WORK/seed-search-$n.json" --runs "$n" --reps "$SEARCH_REPS" | sed "s/^RESULT //" | sed "s/\$/ cpu_pressure_avg60=$(cpu_pressure)/" | tee -a "$results"
  done
done
stop_server

echo
echo "== summary: medians of $REPEATS runs (load at end: $(cut -d' ' -f1-3 /proc/loadavg); CPU pressure $(grep some /proc/pressure/cpu 2>/dev/null))"
python3 bench/tracking/summarize.py "$results"
echo "raw results: $results"
