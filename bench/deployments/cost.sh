#!/usr/bin/env bash
# Per-request cost of the deployment paths (issue 12, shadow): CPU time and bytes allocated per
# request, measured at a load that does not saturate the machine (so the shadow mirror scores every
# copy and none is dropped). Unlike throughput, CPU and allocation per request hold up on a shared
# machine. Same server, model and bodies as bench/deployments/run.sh.
#   bench/deployments/cost.sh      (DURATION=10s, whole seconds; CONNS=4 REPS=2; COUNTERS=path to dotnet-counters; NO_BUILD=1)
# Needs dotnet-counters (`dotnet tool install dotnet-counters --tool-path DIR`) for allocations.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-10s}
conns=${CONNS:-4}
reps=${REPS:-2}
port=${PORT:-5097}
counters=${COUNTERS:-dotnet-counters}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

[ -n "${NO_BUILD:-}" ] || dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
store=(--backend-store-uri "sqlite:///$work/keel.db" --artifacts-uri "$work/artifacts")
export KEEL_ROWS="$root/bench/serving/rows.txt"
url="http://127.0.0.1:$port"
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null

wait_up() { for _ in $(seq 1 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
post() { curl -sf -X POST -H "Content-Type: application/json" -d "$2" "$url/api/2.0/keel/deployments/$1" >/dev/null; }
$keel server --port "$port" "${store[@]}" > "$work/server.log" 2>&1 &
pids+=($!)
wait_up "$url/health"
server=$(pgrep -f "keel.dll server --port $port" | head -1)
$keel serving add flights models:/flights-bench/1 --tracking-uri "$url" >/dev/null
post create '{"spec": {"name": "plain", "model": "flights-bench", "version": "1", "alias": "plain", "steps": [{"set_weight": 10}, {"pause": {}}]}}'
post create '{"spec": {"name": "canary", "model": "flights-bench", "version": "1", "alias": "canary", "steps": [{"set_weight": 10}, {"pause": {}}]}}'
post apply '{"spec": {"name": "canary", "model": "flights-bench", "version": "2", "alias": "canary", "steps": [{"set_weight": 10}, {"pause": {}}]}}'
post create '{"spec": {"name": "shadow", "model": "flights-bench", "version": "1", "alias": "shadow", "strategy": "shadow"}}'
post apply '{"spec": {"name": "shadow", "model": "flights-bench", "version": "2", "alias": "shadow", "strategy": "shadow"}}'

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# CPU of the shadow scorer threads alone (named keel-shadow-N; 0 before they exist).
shadow_ticks() { local t=0 d; for d in /proc/$server/task/*; do [[ $(cat "$d/comm" 2>/dev/null) == keel-shadow* ]] && t=$((t + $(awk '{print $14 + $15}' "$d/stat"))); done; echo $t; }
scored() { curl -s "$url/metrics" | awk '/^keel_deployment_requests_total\{deployment="shadow",arm="shadow"/ {s += $2} END {print s + 0}'; }
dropped() { curl -s "$url/metrics" | awk '/^keel_deployment_shadow_dropped_total\{deployment="shadow"/ {s += $2} END {print s + 0}'; }
hz=$(getconf CLK_TCK)
secs=${dur%s}
drained() { local a b; a=$(scored); while sleep 0.5; b=$(scored); [ "$a" != "$b" ]; do a=$b; done; }
labels=("direct /serving" "deployment (stable only)" "deployment canary 10%" "deployment shadow 100%")
paths=(/serving/flights/invocations /deployments/plain/invocations /deployments/canary/invocations /deployments/shadow/invocations)
for i in 0 1 2 3; do
  KEEL_PATH=${paths[$i]} KEEL_BATCH=1 wrk -t1 -c"$conns" -d"${WARMUP:-5s}" -s bench/serving/score.lua "$url" > /dev/null
done
printf '%-26s %9s %9s %12s %12s %16s %14s\n' path requests req/s "cpu us/req" "alloc B/req" "copies/dropped" "scorer us/copy"
for r in $(seq 1 "$reps"); do
  for i in 0 1 2 3; do
    drained # the mirror has scored the previous path's copies
    c0=$(cpu_ticks); s0=$(scored); d0=$(dropped); t0=$(shadow_ticks)
    # Allocations over the run: the counter's per-second increments, from 1 s before wrk to its end.
    "$counters" collect -p "$server" --counters System.Runtime --format csv -o "$work/c.csv" --refresh-interval 1 --duration "00:00:$(printf '%02d' $((secs + 2)))" > /dev/null 2>&1 &
    cpid=$!
    sleep 1
    KEEL_PATH=${paths[$i]} KEEL_BATCH=1 wrk -t1 -c"$conns" -d"$dur" -s bench/serving/score.lua "$url" > "$work/wrk.txt"
    drained # the last copies are scored after the caller's answer
    wait "$cpid" 2>/dev/null || true
    c1=$(cpu_ticks); s1=$(scored); d1=$(dropped); t1=$(shadow_ticks)
    n=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    alloc=$(awk -F, 'tolower($3) ~ /alloc/ {s += $NF} END {printf "%.0f", s}' "$work/c.csv" 2>/dev/null || echo 0)
    awk -v l="${labels[$i]}" -v n="$n" -v rps="$rps" -v c="$((c1 - c0))" -v hz="$hz" -v a="$alloc" -v sc="$((s1 - s0))" -v dr="$((d1 - d0))" -v st="$((t1 - t0))" \
      'BEGIN {printf "%-26s %9d %9s %12.1f %12.0f %9d/%-6d %14s\n", l, n, rps, c / hz * 1e6 / n, a / n, sc, dr, (sc > 0 ? sprintf("%.1f", st / hz * 1e6 / sc) : "-")}'
    rm -f "$work/c.csv"
  done
done
