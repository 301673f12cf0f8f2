#!/usr/bin/env bash
# Tracking store benchmarks on SQLite and PostgreSQL, side by side, through ITrackingStore in one
# process (keel-tracking-bench store-bench; no HTTP): log-metric at 1/8/64 in flight, log-batch
# (1000 metrics a call, 8 in flight), search over RUNS runs, a POINTS-point history.
#
# PostgreSQL: PG_URI (postgresql://...) if set; otherwise a private cluster is started here from
# Debian's postgresql package (initdb in WORK, loopback port PG_PORT, durable settings: fsync and
# synchronous_commit on, as SQLite's synchronous=FULL) and stopped at the end.
# Knobs [defaults]: DURATION_S [10], RUNS [100000], POINTS [100000], REPS [20], PG_PORT [55432],
# BACKENDS ["sqlite postgresql"], WORK [mktemp -d under /var/tmp], SKIP (e.g. "write,search";
# "log-metric" leaves out only the log-metric figures).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SECONDS_EACH=${DURATION_S:-10}
RUNS=${RUNS:-100000}
POINTS=${POINTS:-100000}
REPS=${REPS:-20}
PG_PORT=${PG_PORT:-55432}
BACKENDS=${BACKENDS:-"sqlite postgresql"}
SKIP=${SKIP:-}
WORK=${WORK:-$(mktemp -d /var/tmp/keel-store-bench.XXXXXX)}
mkdir -p "$WORK"

dotnet build bench/Keel.Tracking.Bench -c Release --nologo -v q >/dev/null
tool=(dotnet "$root/bench/Keel.Tracking.Bench/bin/Release/net10.0/keel-tracking-bench.dll")
echo "== machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); work folder $WORK"

pgdata=""
stop_pg() {
  if [ -n "$pgdata" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
    pgdata=""
  fi
}
trap stop_pg EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

for backend in $BACKENDS; do
  case $backend in
    sqlite) uri="sqlite:///$WORK/bench.db" ;;
    postgresql)
      if [ -n "${PG_URI:-}" ]; then
        uri=$PG_URI
      else
        pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
        pgdata="$WORK/pg"
        mkdir -p "$pgdata"
        [ "$(id -u)" = 0 ] && chown postgres "$WORK" "$pgdata"
        as_pg "$pgbin/initdb" -D "$pgdata" -U keel --auth=trust --locale=C >/dev/null
        as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -l "$pgdata/server.log" \
          -o "-p $PG_PORT -k $pgdata -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
        as_pg "$pgbin/psql" -h 127.0.0.1 -p "$PG_PORT" -U keel -d postgres -qc "CREATE DATABASE keel_bench" >/dev/null
        uri="postgresql://keel@127.0.0.1:$PG_PORT/keel_bench"
      fi
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  echo "== $backend"
  "${tool[@]}" store-bench --backend "$uri" --seconds "$SECONDS_EACH" --runs "$RUNS" --points "$POINTS" --reps "$REPS" --skip "${SKIP:-none}" | sed "s/^RESULT /RESULT backend=$backend /"
  stop_pg
done
