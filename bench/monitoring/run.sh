#!/usr/bin/env bash
# Serving throughput with continuous monitoring on and off (issue 13: at most 5% lower with it on).
# Single-row requests at 64 connections to /serving/flights-bench/invocations (the serving benchmark's
# FastTree flights model, prediction log on). Two stores: "on" runs the monitoring scheduler with
# a monitor of interval_seconds=INTERVAL (default 30 s, so several passes fall in every
# measurement; each pass parses every request logged since the last, drift and quality against the
# model's 10,000-row reference); "off" runs the same server with the scheduler off. One server at
# a time, rounds alternating on/off, REPS rounds, so drift on a shared machine hits both alike.
#   bench/monitoring/run.sh     (DURATION=60s CONNS=64 REPS=3 WARMUP=10s INTERVAL=30 by default;
#   WINDOW=seconds of log per pass, EVERY=also a pass every N predictions)
# Prints one line per measurement and, at the end, the windows the "on" server stored.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-60s}
conns=${CONNS:-64}
reps=${REPS:-3}
interval=${INTERVAL:-30}
port=${PORT:-5091}
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
export KEEL_ROWS="$root/bench/serving/rows.txt"
url="http://127.0.0.1:$port"
wait_up() { for _ in $(seq 1 150); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }

for side in on off; do
  mkdir -p "$work/$side"
  $keel train bench/serving/pipeline.yaml --backend-store-uri "sqlite:///$work/$side/keel.db" --artifacts-uri "$work/$side/artifacts" >/dev/null
done

start() { # side
  local enabled=true
  [ "$1" = off ] && enabled=false
  Keel__Monitoring__Scheduler__Enabled=$enabled $keel server --port "$port" --backend-store-uri "sqlite:///$work/$1/keel.db" --artifacts-uri "$work/$1/artifacts" > "$work/$1/server.log" 2>&1 &
  pid=$!
  wait_up "$url/health"
  if [ ! -f "$work/$1/ready" ]; then
    $keel serving add flights-bench models:/flights-bench/1 --tracking-uri "$url" >/dev/null
    curl -sf -X POST -H "Content-Type: application/json" -d "{\"model\": \"flights-bench\", \"interval_seconds\": $interval, \"window_seconds\": ${WINDOW:-$interval}${EVERY:+, \"every_predictions\": $EVERY}}" "$url/api/2.0/keel/monitoring/monitors/apply" >/dev/null
    touch "$work/$1/ready"
  fi
  KEEL_PATH=/serving/flights-bench/invocations KEEL_BATCH=1 wrk -t2 -c"$conns" -d"${WARMUP:-10s}" -s bench/serving/score.lua "$url" > /dev/null
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; } # TERM: a background job of a script ignores INT

for r in $(seq 1 "$reps"); do
  for side in on off; do
    start "$side"
    KEEL_PATH=/serving/flights-bench/invocations KEEL_BATCH=1 wrk -t2 -c"$conns" -d"$dur" --latency -s bench/serving/score.lua "$url" > "$work/wrk.txt"
    python3 bench/serving/summarize.py "monitoring $side (round $r)" 1 < "$work/wrk.txt"
    if [ "$side" = on ]; then
      curl -s "$url/api/2.0/keel/monitoring/windows/list?model=flights-bench&max_results=1000" > "$work/windows.json"
    fi
    stop
  done
done
python3 - "$work/windows.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1])).get("windows", [])
print(f"  'on' store: {len(w)} windows; requests per window: {[x.get('requests') for x in w][-8:]}; drift judged in {sum(1 for x in w if x.get('drifted_share') is not None)}")
PY
