#!/usr/bin/env bash
# Disk cost of the prediction log per million predictions (issue 10): writes PREDICTIONS (default
# 1,000,000) breast-cancer-shaped predictions (30 features) through the real SQLite store, as
# single-row and 100-row requests, with inputs in full, hashed and left out; prints the file sizes.
#   bench/predictions/disk-cost.sh [PREDICTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release --nologo -v q bench/Keel.PredictionLog.Bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet bench/Keel.PredictionLog.Bench/bin/Release/net10.0/keel-predlog-bench.dll examples/breast-cancer/breast_cancer_wdbc.csv "$work" "${1:-1000000}"
