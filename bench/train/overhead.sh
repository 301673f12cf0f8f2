#!/usr/bin/env bash
# Keel's training overhead on flights_2001h1_200k with FastTree (issue 5's benchmark):
# `keel train` end to end on the embedded store (hash, load, split, fit, evaluate, importance,
# package, tracking, artifact upload, registration) against bare ML.NET (TextLoader + one-hot +
# FastTree, same trees, leaves and single thread) fitted on the same 140,000 training rows.
# Both are whole processes timed by /usr/bin/time; medians of REPS runs.
#   bench/train/overhead.sh [flights_2001h1_200k.csv] [REPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
data=$(realpath "${1:-../shared/data/flights_2001h1_200k.csv}")
reps=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build -c Release --nologo -v q src/Keel.Cli >/dev/null
dotnet build -c Release --nologo -v q bench/Keel.ML.Bench >/dev/null
keel="dotnet $root/src/Keel.Cli/bin/Release/net10.0/keel.dll"
bare="$root/bench/Keel.ML.Bench/bin/Release/net10.0/Keel.ML.Bench"
sed "s#path: flights_2001h1_50k.csv#path: $data#" examples/flights/pipeline.yaml > "$work/pipeline.yaml"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in $(seq 1 "$reps"); do
  /usr/bin/time -f "%e %U %S" -o "$work/keel.$i.time" $keel train "$work/pipeline.yaml" \
    --backend-store-uri "sqlite:///$work/store$i/keel.db" --artifacts-uri "$work/store$i/artifacts" --json > "$work/keel.$i.json"
  /usr/bin/time -f "%e %U %S" -o "$work/bare.$i.time" $bare bare "$data" 140000 > "$work/bare.$i.out"
done

kw=$(cat "$work"/keel.*.time | awk '{print $1}' | median)
kc=$(cat "$work"/keel.*.time | awk '{print $2+$3}' | median)
bw=$(cat "$work"/bare.*.time | awk '{print $1}' | median)
bc=$(cat "$work"/bare.*.time | awk '{print $2+$3}' | median)
echo "bare ML.NET (140k rows, load+fit, whole process): wall ${bw}s cpu ${bc}s   [$(head -1 "$work/bare.1.out")]"
echo "keel train  (whole process, local store):        wall ${kw}s cpu ${kc}s"
python3 - "$kw" "$bw" "$kc" "$bc" <<'PY'
import sys
kw, bw, kc, bc = map(float, sys.argv[1:])
print(f"overhead: wall {kw-bw:.2f}s = {100*(kw-bw)/bw:.0f}% of bare; cpu {kc-bc:.2f}s = {100*(kc-bc)/bc:.0f}% of bare")
PY
