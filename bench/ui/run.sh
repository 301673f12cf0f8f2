#!/usr/bin/env bash
# Web UI first meaningful paint with 100,000 runs (issue 14). Seeds once into $folder (kept for
# re-runs; delete it to re-seed), starts keel server on it in-process, opens the pages in Debian's
# Chromium with a fresh browser context per sample, and prints the browser's performance timing.
# Usage: bench/ui/run.sh [runs=100000] [samples=7] [folder=/tmp/keel-ui-bench-<runs>]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-100000}
samples=${2:-7}
folder=${3:-/tmp/keel-ui-bench-$runs}
if [ ! -x /usr/bin/chromium ]; then
  apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y --no-install-recommends chromium; }
fi
dotnet build bench/Keel.Ui.Bench -c Release --nologo -v q
cd bench/Keel.Ui.Bench
dotnet bin/Release/net10.0/keel-ui-bench.dll --runs "$runs" --samples "$samples" --folder "$folder" 2> >(grep -v '^info\|^      ' >&2) | grep -v '^info\|^      '
