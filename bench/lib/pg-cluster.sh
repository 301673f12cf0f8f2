# Sourced by benchmark scripts: a private, durable PostgreSQL cluster from Debian's postgresql
# package (initdb in a given folder, loopback port, fsync and synchronous_commit on as SQLite's
# synchronous=FULL), and its stop.
#   pg_cluster_start FOLDER PORT DATABASE   -> sets pg_cluster_uri=postgresql://keel@127.0.0.1:PORT/DATABASE
#                                              (not in a $(...) subshell: the stop needs the folder)
#   pg_cluster_stop                         (safe to call twice; call it from the script's EXIT trap)
pg_cluster_data=""
pg_cluster_bin=""
pg_cluster_uri=""

pg_cluster_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_cluster_start() {
  local folder=$1 port=$2 database=$3
  pg_cluster_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pg_cluster_bin/initdb" ] || { echo "PostgreSQL not found: apt-get install -y --no-install-recommends postgresql" >&2; return 1; }
  pg_cluster_data="$folder/pg"
  mkdir -p "$pg_cluster_data"
  [ "$(id -u)" = 0 ] && chown postgres "$folder" "$pg_cluster_data"
  pg_cluster_as "$pg_cluster_bin/initdb" -D "$pg_cluster_data" -U keel --auth=trust --locale=C >/dev/null
  pg_cluster_as "$pg_cluster_bin/pg_ctl" -D "$pg_cluster_data" -w -l "$pg_cluster_data/server.log" \
    -o "-p $port -k $pg_cluster_data -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
  pg_cluster_as "$pg_cluster_bin/psql" -h 127.0.0.1 -p "$port" -U keel -d postgres -qc "CREATE DATABASE $database" >/dev/null
  pg_cluster_uri="postgresql://keel@127.0.0.1:$port/$database"
}

pg_cluster_stop() {
  if [ -n "$pg_cluster_data" ]; then
    pg_cluster_as "$pg_cluster_bin/pg_ctl" -D "$pg_cluster_data" -m fast stop >/dev/null 2>&1 || true
    pg_cluster_data=""
  fi
}
