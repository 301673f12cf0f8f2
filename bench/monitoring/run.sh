#!/usr/bin/env bash
# Serving throughput with continuous monitoring on and off (issue 13: at most 5% lower with it on).
# Single-row requests at 64 connections to /serving/flights-bench/invocations (the serving benchmark's
# FastTree flights model, prediction log on). Two stores: "on" runs the monitoring scheduler, "off"
# runs the same server with the scheduler off. One server at a time, rounds alternating on/off, REPS
# rounds, so drift on a shared machine hits both alike.
#   PROFILE=stress  (the default) every logged row goes through a pass: a monitor of
#                   interval_seconds=INTERVAL (10), window_seconds=WINDOW (10), every_predictions=EVERY
#                   (400000); each pass parses every request of its window, drift and quality against
#                   the model's 10,000-row reference.
#   PROFILE=default no monitor is stored: the scheduler monitors the served model with the default
#                   spec (interval and window 300 s; the model is picked up at a refresh after its first
#                   request, so its first pass falls 300-370 s after start: DURATION defaults to
#                   420s here; that one pass covers ~300 s of traffic; 330 s ended before it).
#   DURATION=60s CONNS=64 REPS=3 WARMUP=10s by default. Any Keel__* variable reaches both servers,
#   e.g. Keel__Monitoring__Scheduler__PassPriority=Normal Keel__Monitoring__Scheduler__PassParallelism=-1
#   Keel__Monitoring__Scheduler__MaxDriftRows=0 measures the pass as it ran before it was bounded.
# Prints one line per measurement, the passes the "on" server logged (requests, windows, duration),
# the server's CPU during the measurement (the process, and its live threads by kind: the pass thread,
# GC threads, thread-pool workers, the rest; /proc/PID/stat and /proc/PID/task/*/stat), and at the end
# the windows the "on" server stored.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
profile=${PROFILE:-stress}
case "$profile" in
  stress) dur=${DURATION:-60s}; interval=${INTERVAL:-10}; window=${WINDOW:-$interval}; every=${EVERY:-400000} ;;
  default) dur=${DURATION:-420s} ;;
  *) echo "PROFILE must be stress or default, got $profile" >&2; exit 2 ;;
esac
conns=${CONNS:-64}
reps=${REPS:-3}
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
  # env: a name with dots cannot be a shell assignment. Debug for the scheduler: its per-pass line.
  env Keel__Monitoring__Scheduler__Enabled=$enabled Logging__LogLevel__Keel.Server.Monitoring.MonitoringScheduler=Debug $keel server --port "$port" --backend-store-uri "sqlite:///$work/$1/keel.db" --artifacts-uri "$work/$1/artifacts" > "$work/$1/server.log" 2>&1 &
  pid=$!
  wait_up "$url/health"
  if [ ! -f "$work/$1/ready" ]; then
    $keel serving add flights-bench models:/flights-bench/1 --tracking-uri "$url" >/dev/null
    if [ "$profile" = stress ]; then
      curl -sf -X POST -H "Content-Type: application/json" -d "{\"model\": \"flights-bench\", \"interval_seconds\": $interval, \"window_seconds\": $window, \"every_predictions\": $every}" "$url/api/2.0/keel/monitoring/monitors/apply" >/dev/null
    fi
    touch "$work/$1/ready"
  fi
  KEEL_PATH=/serving/flights-bench/invocations KEEL_BATCH=1 wrk -t2 -c"$conns" -d"${WARMUP:-10s}" -s bench/serving/score.lua "$url" > /dev/null
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; } # TERM: a background job of a script ignores INT
# CPU seconds of the server's threads so far, by kind of thread (Linux: utime + stime of each task).
threads() {
  python3 - "$pid" <<'PY'
import os, sys, json
pid, hz, cpu = sys.argv[1], os.sysconf("SC_CLK_TCK"), {}
for t in os.listdir(f"/proc/{pid}/task"):
    try:
        stat = open(f"/proc/{pid}/task/{t}/stat").read()
    except OSError:
        continue
    name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
    kind = ("pass" if name.startswith("Keel monitoring") else "gc" if "GC" in name else
            "pool" if name.startswith(".NET TP") or name.startswith(".NET ThreadPool") else "other")
    cpu[kind] = cpu.get(kind, 0) + (int(rest[11]) + int(rest[12])) / hz
# The process's own total counts threads that have exited too (thread-pool threads retire when idle).
stat = open(f"/proc/{pid}/stat").read()
rest = stat[stat.rindex(")") + 2:].split()
cpu["process"] = (int(rest[11]) + int(rest[12])) / hz
print(json.dumps(cpu))
PY
}

for r in $(seq 1 "$reps"); do
  for side in on off; do
    start "$side"
    before=$(threads)
    KEEL_PATH=/serving/flights-bench/invocations KEEL_BATCH=1 wrk -t2 -c"$conns" -d"$dur" --latency -s bench/serving/score.lua "$url" > "$work/wrk.txt"
    after=$(threads)
    python3 bench/serving/summarize.py "monitoring $side (round $r)" 1 < "$work/wrk.txt"
    python3 -c 'import json,sys; b,a=json.loads(sys.argv[1]),json.loads(sys.argv[2]); d={k: round(a.get(k,0)-b.get(k,0),1) for k in sorted(set(a)|set(b))}; p=d.pop("process"); print(f"  server CPU during the measurement, seconds: process {p}; by kind of live thread {d} (threads that exited in between: {round(p-sum(d.values()),1)})")' "$before" "$after"
    if [ "$side" = on ]; then
      curl -s "$url/api/2.0/keel/monitoring/windows/list?model=flights-bench&max_results=1000" > "$work/windows.json"
      # The scheduler logs each pass (event 4320): requests read, windows stored, wall time.
      passes=$(grep -o 'pass over [0-9]* request(s), [0-9]* window(s), took [0-9]* ms' "$work/on/server.log" | sed 's/ request(s), / req, /; s/ window(s), took / win, /' | tr '\n' ';' || true)
      echo "  passes the 'on' server logged this round (warm-up included): ${passes:-none}"
    fi
    stop
  done
done
python3 - "$work/windows.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1])).get("windows", [])
print(f"  'on' store: {len(w)} windows; requests per window: {[x.get('requests') for x in w][-8:]}; drift judged in {sum(1 for x in w if x.get('drifted_share') is not None)}")
PY
