#!/usr/bin/env bash
# What scoring tokens cost a scoring request (issue 16). Single-row requests at 64 connections (wrk,
# 2 threads) to the serving benchmark's FastTree flights model, prediction log off so the check is
# the only difference:
#   keel server  /serving/flights-bench/invocations  without a scoring token (the gate finds the
#                served model unguarded), then with one (the gate reads the token from the store
#                on every request, compares its hash, touches its last use once a minute)
#   keel serve   /invocations  without KEEL_SERVE_TOKENS, then with it (the set in memory)
# Rounds alternate (REPS, default 3; DURATION default 20s; WARMUP default 8s). Prints one line per
# measurement; every request must answer 200 (failures are counted).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-20s}; reps=${REPS:-3}; conns=${CONNS:-64}; port=${PORT:-5093}
work=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
export KEEL_ROWS="$root/bench/serving/rows.txt"
url="http://127.0.0.1:$port"
store=(--backend-store-uri "sqlite:///$work/keel.db" --artifacts-uri "$work/artifacts")
wait_up() { for _ in $(seq 1 150); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
$keel train bench/serving/pipeline.yaml "${store[@]}" >/dev/null
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
measure() { # label path [bearer]
  KEEL_PATH=$2 KEEL_BEARER=${3:-} KEEL_BATCH=1 wrk -t2 -c"$conns" -d"${WARMUP:-8s}" -s bench/serving/score.lua "$url" > /dev/null
  KEEL_PATH=$2 KEEL_BEARER=${3:-} KEEL_BATCH=1 wrk -t2 -c"$conns" -d"$dur" --latency -s bench/serving/score.lua "$url" > "$work/wrk.txt"
  python3 bench/serving/summarize.py "$1" 1 < "$work/wrk.txt"
}
secret="bench-$(openssl rand -hex 24)"
for r in $(seq 1 "$reps"); do
  # keel server, a fresh served model each round (no token), then a token for it.
  env Keel__PredictionLog__Enabled=false $keel server --port "$port" "${store[@]}" > "$work/server.log" 2>&1 &
  pid=$!; wait_up "$url/health"
  $keel serving add "fb$r" models:/flights-bench/1 --tracking-uri "$url" >/dev/null
  measure "server, no scoring token (round $r)" "/serving/fb$r/invocations"
  token=$(curl -sf -X POST -H 'Content-Type: application/json' -d "{\"name\": \"fb$r\", \"token_name\": \"bench\"}" "$url/api/2.0/keel/auth/served-models/scoring-tokens/create" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  measure "server, scoring token (round $r)" "/serving/fb$r/invocations" "$token"
  stop
  # keel serve, without and with KEEL_SERVE_TOKENS.
  for mode in open tokens; do
    if [ $mode = tokens ]; then export KEEL_SERVE_TOKENS=$secret; else unset KEEL_SERVE_TOKENS; fi
    env KEEL_ARTIFACTS_URI="$work/artifacts" $keel serve models:/flights-bench/1 --port "$port" --tracking-uri "sqlite:///$work/keel.db" > "$work/serve.log" 2>&1 &
    pid=$!; wait_up "$url/ping"
    measure "keel serve, $mode (round $r)" /invocations "$([ $mode = tokens ] && echo "$secret" || true)"
    stop
  done
  unset KEEL_SERVE_TOKENS
done
