#!/usr/bin/env bash
# Serving benchmark (issue 6): Keel's main server serving a registered FastTree model, against a
# bare Kestrel + ML.NET PredictionEngine baseline over the same model.zip, in one sitting.
#   bench/serving/run.sh            (DURATION=10s CONNS=64 BATCH_CONNS=16 REPS=3 by default)
# Prints one line per measurement; docs/benchmarks-serving.md has the results and how to read them.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-10s}
conns=${CONNS:-64}
batch_conns=${BATCH_CONNS:-16}
reps=${REPS:-3}
port=${PORT:-5080}
bare_port=$((port + 1))
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
dotnet build -c Release --nologo -v q bench/Keel.Serving.Bench >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
store=(--backend-store-uri "sqlite:///$work/keel.db" --artifacts-uri "$work/artifacts")
export KEEL_ROWS="$root/bench/serving/rows.txt"
url="http://127.0.0.1:$port"

# Two versions of the same pipeline (v2 gets @champion; the hot swap moves it back and forth).
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null
package=$(dirname "$(find "$work/artifacts" -name model.zip | head -1)")

wait_up() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
measure() { # label, path, batch, conns, base url
  # Warm up first (tiered JIT and dynamic PGO take a few seconds of load to settle).
  KEEL_PATH=$2 KEEL_BATCH=$3 wrk -t2 -c"$4" -d"${WARMUP:-8s}" -s bench/serving/score.lua "$5" > /dev/null
  for i in $(seq 1 "$reps"); do
    KEEL_PATH=$2 KEEL_BATCH=$3 wrk -t2 -c"$4" -d"$dur" --latency -s bench/serving/score.lua "$5" > "$work/wrk.txt"
    python3 bench/serving/summarize.py "$1" "$3" < "$work/wrk.txt"
  done
}

start_keel() { # extra env for the server
  env "$@" $keel server --port "$port" "${store[@]}" > "$work/server.log" 2>&1 &
  pids+=($!)
  wait_up "$url/health"
  $keel serving add flights models:/flights-bench@champion --tracking-uri "$url" >/dev/null
}
stop_keel() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

# 1. Bare baseline.
"$root/bench/Keel.Serving.Bench/bin/Release/net10.0/keel-serving-bench" "$package" "$bare_port" > "$work/bare.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$bare_port/ping"
measure "bare single-row" /invocations 1 "$conns" "http://127.0.0.1:$bare_port"
measure "bare 100-row" /invocations 100 "$batch_conns" "http://127.0.0.1:$bare_port"
kill "${pids[-1]}"; unset 'pids[-1]'

# 2. Keel with metrics and the prediction log off, then on (sample rate 1.0).
for log in off on; do
  if [ "$log" = off ]; then start_keel Keel__PredictionLog__Enabled=false; else start_keel; fi
  measure "keel single-row (log $log)" /serving/flights/invocations 1 "$conns" "$url"
  measure "keel 100-row (log $log)" /serving/flights/invocations 100 "$batch_conns" "$url"
  [ "$log" = on ] || stop_keel
done

# 3. Hot swap under load: the alias moves 2 -> 1 -> 2 -> 1 -> 2 with an explicit reload each time.
KEEL_PATH=/serving/flights/invocations KEEL_BATCH=1 wrk -t2 -c"$conns" -d24s --latency -s bench/serving/score.lua "$url" > "$work/swap.txt" &
wrk_pid=$!
for v in 1 2 1 2; do
  sleep 4
  $keel models alias flights-bench champion "$v" --tracking-uri "$url" >/dev/null
  curl -sf -X POST -H "Content-Type: application/json" -d "{}" "$url/api/2.0/keel/serving/models/flights/reload" >/dev/null
done
wait "$wrk_pid"
python3 bench/serving/summarize.py "keel single-row during 4 hot swaps" 1 < "$work/swap.txt"
curl -s "$url/api/2.0/keel/serving/models" | python3 -c "import json,sys; m=json.load(sys.stdin)['models'][0]; print('  after swaps: version', m['version'], 'generation', m.get('generation'), 'loads', m.get('load_count'), 'failures', m.get('load_failures'))"
curl -s "$url/metrics" | grep -E '^keel_serving_(requests_total|errors_total|prediction_log_(writes|drops)_total)' | sed 's/^/  /'
