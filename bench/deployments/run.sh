#!/usr/bin/env bash
# Deployment routing benchmark (issue 12): single-row requests at 64 connections to one Keel
# server, in one sitting, on four paths that score the same FastTree model:
#   direct       /serving/flights/invocations          (a served model, no deployment)
#   deployment   /deployments/plain/invocations        (idle deployment: 100% stable)
#   canary 10%   /deployments/canary/invocations       (stable v1, candidate v2 at weight 10)
#   shadow 100%  /deployments/shadow/invocations       (stable v1 answers; every request copied to v2)
# The four are measured in turn, REPS rounds, so drift on a shared machine hits them alike.
#   bench/deployments/run.sh     (DURATION=10s CONNS=64 REPS=3 WARMUP=8s by default)
# Prints one line per measurement (bench/serving/summarize.py) and the deployment metrics;
# docs/benchmarks.md has the results.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-10s}
conns=${CONNS:-64}
reps=${REPS:-3}
port=${PORT:-5090}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
store=(--backend-store-uri "sqlite:///$work/keel.db" --artifacts-uri "$work/artifacts")
export KEEL_ROWS="$root/bench/serving/rows.txt"
url="http://127.0.0.1:$port"

# Versions 1 and 2 of the serving benchmark's model.
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null

wait_up() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
post() { curl -sf -X POST -H "Content-Type: application/json" -d "$2" "$url/api/2.0/keel/deployments/$1" >/dev/null; }

$keel server --port "$port" "${store[@]}" > "$work/server.log" 2>&1 &
pids+=($!)
wait_up "$url/health"
$keel serving add flights models:/flights-bench/1 --tracking-uri "$url" >/dev/null
post create '{"spec": {"name": "plain", "model": "flights-bench", "version": "1", "alias": "plain", "steps": [{"set_weight": 10}, {"pause": {}}]}}'
post create '{"spec": {"name": "canary", "model": "flights-bench", "version": "1", "alias": "canary", "steps": [{"set_weight": 10}, {"pause": {}}]}}'
post apply '{"spec": {"name": "canary", "model": "flights-bench", "version": "2", "alias": "canary", "steps": [{"set_weight": 10}, {"pause": {}}]}}'
post create '{"spec": {"name": "shadow", "model": "flights-bench", "version": "1", "alias": "shadow", "strategy": "shadow"}}'
post apply '{"spec": {"name": "shadow", "model": "flights-bench", "version": "2", "alias": "shadow", "strategy": "shadow"}}'

labels=("direct /serving" "deployment (stable only)" "deployment canary 10%" "deployment shadow 100%")
paths=(/serving/flights/invocations /deployments/plain/invocations /deployments/canary/invocations /deployments/shadow/invocations)
for i in 0 1 2 3; do
  # Warm up each path (tiered JIT, dynamic PGO, and the deployment's first load).
  KEEL_PATH=${paths[$i]} KEEL_BATCH=1 wrk -t2 -c"$conns" -d"${WARMUP:-8s}" -s bench/serving/score.lua "$url" > /dev/null
done
for r in $(seq 1 "$reps"); do
  for i in 0 1 2 3; do
    KEEL_PATH=${paths[$i]} KEEL_BATCH=1 wrk -t2 -c"$conns" -d"$dur" --latency -s bench/serving/score.lua "$url" > "$work/wrk.txt"
    python3 bench/serving/summarize.py "${labels[$i]}" 1 < "$work/wrk.txt"
  done
done
curl -s "$url/metrics" | grep -E '^keel_deployment_(requests_total|request_errors_total|shadow_dropped_total)' | sed 's/^/  /'
