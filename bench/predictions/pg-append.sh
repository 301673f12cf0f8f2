#!/usr/bin/env bash
# Prediction log append rate, PostgreSQL next to SQLite (issue 15): 300,000 single-row records in
# batches of BATCH (default 200, the server writer's) through the real stores. PostgreSQL is a
# private cluster started here (Debian's postgresql; initdb in a temp folder, unix socket only) with
# its durable defaults (fsync and synchronous_commit on), as SQLite runs with synchronous=FULL.
#   bench/predictions/pg-append.sh [BATCH] [WRITERS]
# Prints one line per backend (records/s, wall and CPU us per record; for PostgreSQL the cluster's
# CPU as well) and PostgreSQL's disk bytes per record against the retention estimate.
set -euo pipefail
cd "$(dirname "$0")/../.."
batch=${1:-200}
writers=${2:-1}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL not found: apt-get install -y --no-install-recommends postgresql" >&2; exit 1; }
dotnet build -c Release --nologo -v q bench/Keel.PredictionLog.Bench >/dev/null
work=$(mktemp -d)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
cleanup() { as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$work/data" -U keel --auth=trust -E UTF8 --locale=C --no-instructions >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -o "-c listen_addresses='' -c unix_socket_directories='$work' -p $port" start >/dev/null
dll=bench/Keel.PredictionLog.Bench/bin/Release/net10.0/keel-predlog-bench.dll
KEEL_BATCH_SIZE=$batch KEEL_APPEND_COST=default dotnet $dll x "$work"
KEEL_BATCH_SIZE=$batch KEEL_WRITERS=$writers KEEL_APPEND_COST=default KEEL_PG="Host=$work;Port=$port;Username=keel;Database=postgres" dotnet $dll x "$work"
