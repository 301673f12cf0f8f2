#!/usr/bin/env bash
# The prediction log under a flood with a stalled store (issue 10): `keel serve --prediction-log`
# takes 100-row requests at 64 connections while another process holds the log database's write
# lock (so the writer cannot commit); then the lock is released and the backlog drains. Prints the
# server's resident memory, the log's queue (requests, bytes) and drops by reason at each step.
#   bench/predictions/flood.sh     (STALL=20s, the time the lock is held)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
export KEEL_ROWS="$root/bench/serving/rows.txt"
$keel train bench/serving/pipeline.yaml --backend-store-uri "sqlite:///$work/store/keel.db" --artifacts-uri "$work/store/artifacts" >/dev/null
$keel server --port 5390 --backend-store-uri "sqlite:///$work/store/keel.db" --artifacts-uri "$work/store/artifacts" > "$work/main.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -sf http://127.0.0.1:5390/health >/dev/null && break; sleep 0.2; done
$keel serve models:/flights-bench@champion --port 5391 --tracking-uri http://127.0.0.1:5390 --follow-interval 00:00:00 --prediction-log "sqlite:///$work/log/predictions.db" > "$work/serve.log" 2>&1 &
pids+=($!); pid=$!
for _ in $(seq 1 150); do curl -sf http://127.0.0.1:5391/ping >/dev/null && break; sleep 0.2; done

state() {
  local m; m=$(curl -s http://127.0.0.1:5391/metrics)
  printf '%-34s RSS %5d MB  queue %6s requests %6s MB  drops: %s  written %s\n' "$1" \
    "$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)" \
    "$(echo "$m" | awk '/^keel_serving_prediction_log_queue_length / {print $2}')" \
    "$(echo "$m" | awk '/^keel_serving_prediction_log_queue_bytes / {printf "%.0f", $2 / 1048576}')" \
    "$(echo "$m" | awk -F'[{}"]' '/^keel_serving_prediction_log_drops_total\{/ {sub(/^ /, "", $5); printf "%s=%s ", $3, $5}' | sed 's/ $//')" \
    "$(echo "$m" | awk '/^keel_serving_prediction_log_writes_total / {print $2}')"
}
KEEL_PATH=/invocations KEEL_BATCH=100 wrk -t2 -c64 -d5s -s bench/serving/score.lua http://127.0.0.1:5391 >/dev/null
state "after 5 s of 100-row load (warm)"

# Hold the write lock: the log's next commit waits (busy timeout 30 s) while requests keep coming.
python3 - "$work/log/predictions.db" "${STALL:-20}" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
c.execute("BEGIN IMMEDIATE")
time.sleep(float(sys.argv[2].rstrip("s")))
c.execute("ROLLBACK")
PY
locker=$!
sleep 1
KEEL_PATH=/invocations KEEL_BATCH=100 wrk -t2 -c64 -d"$(( ${STALL:-20} - 4 ))s" -s bench/serving/score.lua http://127.0.0.1:5391 > "$work/wrk.txt"
state "store stalled, flood over"
wait "$locker"
for i in $(seq 1 30); do
  q=$(curl -s http://127.0.0.1:5391/metrics | awk '/^keel_serving_prediction_log_queue_length / {print $2}')
  [ "$q" = 0 ] && break; sleep 1
done
state "lock released, queue drained"
sleep 3
state "3 s later"
grep -h "backlog" "$work/serve.log" | tail -1 || true
