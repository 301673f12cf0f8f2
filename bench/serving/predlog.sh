#!/usr/bin/env bash
# Cost of the prediction log (issue 10, item 10): throughput with the log off against the log on
# (default settings: every request, full inputs), for single rows and 100-row bodies, on the main
# server (`keel server` + `keel serving add`) and on `keel serve --prediction-log`.
#   bench/serving/predlog.sh       (DURATION=10s CONNS=64 REPS=3 WARMUP=8s by default)
# All four servers run side by side (an idle one costs nothing) and the off/on runs alternate,
# so a machine that slows down during the sitting slows both sides alike. Medians of REPS runs.
# Ends with a table: host, body, req/s and rows/s off and on, the log's cost in % of throughput,
# the server's CPU time per request off and on and the log's share of it (1 - off/on: the
# throughput a CPU-bound server loses, and far steadier than req/s on a shared machine), drops,
# and the peak resident memory of the logging process.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-10s}
conns=${CONNS:-64}
reps=${REPS:-3}
warmup=${WARMUP:-8s}
port=${PORT:-5180}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
export KEEL_ROWS="$root/bench/serving/rows.txt"

# One trained store; the log-on server gets its own copy so the two servers share no database.
$keel train bench/serving/pipeline.yaml --backend-store-uri "sqlite:///$work/off/keel.db" --artifacts-uri "$work/off/artifacts" >/dev/null
cp -r "$work/off" "$work/on"

wait_up() { for _ in $(seq 1 150); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
main_off="http://127.0.0.1:$port"; main_on="http://127.0.0.1:$((port + 1))"
serve_off="http://127.0.0.1:$((port + 2))"; serve_on="http://127.0.0.1:$((port + 3))"

env Keel__PredictionLog__Enabled=false $keel server --port "$port" --backend-store-uri "sqlite:///$work/off/keel.db" --artifacts-uri "$work/off/artifacts" > "$work/main-off.log" 2>&1 &
pids+=($!); main_off_pid=$!
$keel server --port "$((port + 1))" --backend-store-uri "sqlite:///$work/on/keel.db" --artifacts-uri "$work/on/artifacts" > "$work/main-on.log" 2>&1 &
pids+=($!); main_on_pid=$!
wait_up "$main_off/health"; wait_up "$main_on/health"
$keel serving add flights models:/flights-bench@champion --tracking-uri "$main_off" >/dev/null
$keel serving add flights models:/flights-bench@champion --tracking-uri "$main_on" >/dev/null
$keel serve models:/flights-bench@champion --port "$((port + 2))" --tracking-uri "$main_off" --follow-interval 00:00:00 > "$work/serve-off.log" 2>&1 &
pids+=($!); serve_off_pid=$!
$keel serve models:/flights-bench@champion --port "$((port + 3))" --tracking-uri "$main_off" --follow-interval 00:00:00 --prediction-log "sqlite:///$work/serve-log/predictions.db" > "$work/serve-on.log" 2>&1 &
pids+=($!); serve_on_pid=$!
wait_up "$serve_off/ping"; wait_up "$serve_on/ping"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# One wrk run against url with the server's pid: prints "req/s cpu-us-per-request" (the server's own
# user+system CPU over the run divided by the requests it answered: unlike req/s, it hardly moves
# when other processes take the machine's cores).
run() { # url, path, batch, duration, pid
  local before after
  before=$(cpu_ticks "$5")
  KEEL_PATH=$2 KEEL_BATCH=$3 wrk -t2 -c"$conns" -d"$4" --latency -s bench/serving/score.lua "$1" > "$work/wrk.txt"
  after=$(cpu_ticks "$5")
  python3 - "$work/wrk.txt" "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
if bad: print(f"warning: {bad.group(1)} failed requests", file=sys.stderr)
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
n = int(re.search(r"(\d+) requests in", t).group(1))
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
print(f"{rps:.1f} {1e6 * cpu / max(n, 1):.1f}")
PY
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
drops() { curl -s "$1/metrics" | awk '/^keel_serving_prediction_log_drops_total/ {s += $2} END {printf "%d", s}'; }

table=()
for host in main serve; do
  if [ "$host" = main ]; then off=$main_off; on=$main_on; path=/serving/flights/invocations; pid_off=$main_off_pid; pid=$main_on_pid
  else off=$serve_off; on=$serve_on; path=/invocations; pid_off=$serve_off_pid; pid=$serve_on_pid; fi
  for batch in 1 100; do
    run "$off" "$path" "$batch" "$warmup" "$pid_off" >/dev/null; run "$on" "$path" "$batch" "$warmup" "$pid" >/dev/null
    offs=(); ons=(); offc=(); onc=()
    for i in $(seq 1 "$reps"); do
      read -r r c <<< "$(run "$off" "$path" "$batch" "$dur" "$pid_off")"; offs+=("$r"); offc+=("$c")
      read -r r c <<< "$(run "$on" "$path" "$batch" "$dur" "$pid")"; ons+=("$r"); onc+=("$c")
      echo "$host ${batch}-row run $i: off ${offs[-1]} req/s ${offc[-1]} cpu-us/req, on ${ons[-1]} req/s ${onc[-1]} cpu-us/req" >&2
    done
    mo=$(median "${offs[@]}"); mn=$(median "${ons[@]}"); co=$(median "${offc[@]}"); cn=$(median "${onc[@]}")
    table+=("$(python3 -c "
o, n, b, co, cn = $mo, $mn, $batch, $co, $cn
print(f'| {\"$host\":5s} | {b:4d} | {o:9,.0f} | {o*b:10,.0f} | {n:9,.0f} | {n*b:10,.0f} | {100*(o-n)/o:5.1f} % | {co:7.1f} | {cn:7.1f} | {100*(cn-co)/cn:5.1f} % | $(drops "$on") | $(rss_mb "$pid") |')")")
  done
done

echo
echo "Prediction log cost, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), ${conns} connections, ${reps} x ${dur} (medians), warm-up ${warmup}"
echo "| host  | rows | off req/s | off rows/s | on req/s  | on rows/s  | cost (throughput) | off CPU µs/req | on CPU µs/req | cost (CPU share) | drops so far | peak RSS MB (log on) |"
echo "|-------|------|-----------|------------|-----------|------------|------|------|------|------|------|------|"
printf '%s\n' "${table[@]}"
for u in "$main_on" "$serve_on"; do
  echo "$u: $(curl -s "$u/metrics" | grep -E '^keel_serving_prediction_log_(writes|drops|queue)' | tr '\n' ' ')"
done
