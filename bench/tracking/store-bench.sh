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

source bench/lib/pg-cluster.sh
trap pg_cluster_stop EXIT

for backend in $BACKENDS; do
  case $backend in
    sqlite) uri="sqlite:///$WORK/bench.db" ;;
    postgresql)
      if [ -n "${PG_URI:-}" ]; then
        uri=$PG_URI
      else
        pg_cluster_start "$WORK" "$PG_PORT" keel_bench
        uri=$pg_cluster_uri
      fi
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  echo "== $backend"
  "${tool[@]}" store-bench --backend "$uri" --seconds "$SECONDS_EACH" --runs "$RUNS" --points "$POINTS" --reps "$REPS" --skip "${SKIP:-none}" | sed "s/^RESULT /RESULT backend=$backend /"
  pg_cluster_stop
done
