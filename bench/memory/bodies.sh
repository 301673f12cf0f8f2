#!/usr/bin/env bash
# Issue 10, item 3: 40 concurrent ~29 MB JSON bodies; peak and settled resident memory of keel server.
# Usage: bench/memory/bodies.sh [path/to/Keel.Server.dll] [extra bodies.py args...]
# Builds src/Keel.Server (Release) when no dll is given; starts it on a fresh store in a temp folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dll=${1:-}
if [ -z "$dll" ]; then
  dotnet build "$root/src/Keel.Server" -c Release --nologo -v q >/dev/null
  dll="$root/src/Keel.Server/bin/Release/net10.0/Keel.Server.dll"
else
  dll=$(realpath "$dll")
  shift
fi
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work" && exec dotnet "$dll" --Keel:Port="$port" --Keel:BackendStoreUri="sqlite:///$work/keel.db" --Keel:ArtifactsUri="$work/artifacts") >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "server did not start:"; cat "$work/server.log"; exit 1; }
python3 "$root/bench/memory/bodies.py" "$port" "$pid" "$@"
