#!/usr/bin/env bash
# Replica benchmark (issue 15): the same keel server behind nginx (deploy/nginx.conf) as two
# replicas, as one replica, and reached directly with no nginx, at 64 connections, for
#   - serving: POST /serving/flights/invocations, one row (bench/serving/score.lua, the flights FastTree),
#   - a tracking write: POST /api/2.0/mlflow/runs/log-metric (bench/tracking/log-metric.lua),
# all replicas on one store and one artifact folder, wrk -t2 -c64 as everywhere else.
#   bench/replicas/run.sh   (DURATION=10s WARMUP=10s REPS=3 CONNS=64 PORT=5090 NGINX_WORKERS=1
#                            PREDICTION_LOG=off: the serving replicas do not log predictions;
#                            BACKEND=sqlite: one shared SQLite file, or BACKEND=postgresql: a private
#                            durable cluster started here on PG_PORT=55433, as a scale-out deployment runs)
# After each run it prints the CPU time the keel processes and nginx's workers used per request
# (from /proc), the figure that survives a busy machine. On one machine every replica and nginx
# share the same cores, so this shows what nginx and a second process cost, not scaling;
# docs/scale-out.md models N machines from per-request costs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dur=${DURATION:-10s}
warm=${WARMUP:-10s}
reps=${REPS:-3}
conns=${CONNS:-64}
port=${PORT:-5090}
lb_port=$((port + 10))
work=$(mktemp -d /var/tmp/keel-replicas-bench.XXXXXX)
pids=()
keels=()
nginx_pid=""
source bench/lib/pg-cluster.sh
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pg_cluster_stop; rm -rf "$work"; }
trap cleanup EXIT

bench/tracking/setup.sh >/dev/null
[ -x /usr/sbin/nginx ] || { echo "nginx is not installed (apt-get install -y nginx)" >&2; exit 1; }
dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
case ${BACKEND:-sqlite} in
  sqlite) store_uri="sqlite:///$work/keel.db" ;;
  postgresql) pg_cluster_start "$work" "${PG_PORT:-55433}" keel_bench; store_uri=$pg_cluster_uri ;;
  *) echo "BACKEND is sqlite or postgresql" >&2; exit 2 ;;
esac
store=(--backend-store-uri "$store_uri" --artifacts-uri "$work/artifacts")
export KEEL_ROWS="$root/bench/serving/rows.txt"
echo "== backend ${BACKEND:-sqlite}; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); CPU pressure $(grep some /proc/pressure/cpu 2>/dev/null)"

# The CLI opens a local SQLite store itself; on PostgreSQL it trains through the first replica.
trained=""
train_model() { # tracking option...
  [ -n "$trained" ] && return 0
  $keel train bench/serving/pipeline.yaml "$@" >/dev/null 2>"$work/train.log" || { cat "$work/train.log" >&2; exit 1; }
  trained=yes
}
[ "${BACKEND:-sqlite}" = sqlite ] && train_model "${store[@]}"

wait_up() { for _ in $(seq 1 150); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }

start_replica() { # index
  local p=$((port + $1)) env=()
  [ "${PREDICTION_LOG:-off}" = off ] && env=(Keel__PredictionLog__Enabled=false)
  env "${env[@]}" $keel server --host 127.0.0.1 --port "$p" "${store[@]}" >"$work/replica-$1.log" 2>&1 &
  pids+=($!)
  keels+=($!)
  wait_up "http://127.0.0.1:$p/health"
  train_model --tracking-uri "http://127.0.0.1:$p"
  $keel serving add flights models:/flights-bench@champion --tracking-uri "http://127.0.0.1:$p" >/dev/null 2>&1
}

start_nginx() { # replica count
  mkdir -p "$work/nginx"
  python3 - "$root/deploy/nginx.conf" "$port" "$1" "$lb_port" >"$work/nginx/site.conf" <<'PY'
import re, sys
text, port, count, lb = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
servers = re.findall(r"^[ \t]*server[ \t]+[^\s;]+:\d+([^;\n]*);[ \t]*\n", text, re.M)
lines = "".join(f"    server 127.0.0.1:{port + i}{servers[0]};\n" for i in range(count))
text = re.sub(r"^[ \t]*server[ \t]+[^\s;]+:\d+[^;\n]*;[ \t]*\n", lambda m, s=[lines]: s.pop() if s else "", text, flags=re.M)
print(re.sub(r"^[ \t]*listen[ \t]+80;", f"    listen 127.0.0.1:{lb};", text, flags=re.M))
PY
  local user=""; [ "$(id -u)" = 0 ] && user="user root;"
  cat >"$work/nginx/nginx.conf" <<CONF
$user
daemon off;
worker_processes ${NGINX_WORKERS:-1};
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/client_body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/site.conf;
}
CONF
  /usr/sbin/nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
  pids+=($!)
  nginx_pid=$!
  wait_up "http://127.0.0.1:$lb_port/health"
}

stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); keels=(); nginx_pid=""; }

# CPU time (user + system, clock ticks) of the given processes so far; nginx's is its workers'.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
nginx_workers() { [ -n "$nginx_pid" ] && pgrep -P "$nginx_pid" || true; }
hz=$(getconf CLK_TCK)

# run LABEL WRK-ARGS...: one recorded wrk run, its summary line, then the CPU each side used per request.
run() {
  local label=$1; shift
  local k0 n0 k1 n1
  k0=$(ticks "${keels[@]}"); n0=$(ticks $(nginx_workers))
  "$@" --latency >"$work/wrk.txt"
  k1=$(ticks "${keels[@]}"); n1=$(ticks $(nginx_workers))
  python3 bench/serving/summarize.py "$label" 1 <"$work/wrk.txt"
  python3 - "$work/wrk.txt" "$((k1 - k0))" "$((n1 - n0))" "$hz" "${#keels[@]}" <<'PY'
import re, sys
requests = int(re.search(r"(\d+) requests in", open(sys.argv[1]).read()).group(1))
keel, nginx, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
us = lambda ticks: ticks / hz / max(requests, 1) * 1e6
print(f"    CPU per request: keel ({sys.argv[5]} process(es)) {us(keel):6.1f} us, nginx {us(nginx):6.1f} us")
PY
}

new_run() {
  curl -fs -X POST "$1/api/2.0/mlflow/runs/create" -H 'Content-Type: application/json' \
    -d '{"experiment_id":"0","run_name":"replica-bench"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])'
}

measure() { # label, base url
  KEEL_PATH=/serving/flights/invocations KEEL_BATCH=1 wrk -t2 -c"$conns" -d"$warm" -s bench/serving/score.lua "$2" >/dev/null
  for _ in $(seq 1 "$reps"); do
    KEEL_PATH=/serving/flights/invocations KEEL_BATCH=1 run "$1 serving" wrk -t2 -c"$conns" -d"$dur" -s bench/serving/score.lua "$2"
  done
  KEEL_RUN_ID=$(new_run "$2") wrk -t2 -c"$conns" -d"$warm" -s bench/tracking/log-metric.lua "$2" >/dev/null
  for _ in $(seq 1 "$reps"); do
    KEEL_RUN_ID=$(new_run "$2") run "$1 log-metric" wrk -t2 -c"$conns" -d"$dur" -s bench/tracking/log-metric.lua "$2"
  done
}

echo "== one replica, direct (no nginx)"
start_replica 0
measure "1 replica direct" "http://127.0.0.1:$port"
echo "== one replica behind nginx"
start_nginx 1
measure "1 replica via nginx" "http://127.0.0.1:$lb_port"
stop_all
echo "== two replicas behind nginx"
start_replica 0
start_replica 1
start_nginx 2
measure "2 replicas via nginx" "http://127.0.0.1:$lb_port"
stop_all
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
