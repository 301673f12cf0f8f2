#!/usr/bin/env bash
# Runs every Keel test from a fresh clone: installs what the tests need, builds, tests,
# and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# Third-party MLflow client used by the interoperability tests (npm package mlflow@2.0.7).
if command -v npm >/dev/null 2>&1 && [ ! -d tests/interop/node_modules/mlflow ]; then
  (cd tests/interop && npm install --no-audit --no-fund --silent >/dev/null 2>&1) || echo "warning: npm install for tests/interop failed" >&2
fi

# promtool (Debian package prometheus) validates /metrics in the serving tests.
if ! command -v promtool >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1; }) || echo "warning: installing promtool (apt-get install prometheus) failed" >&2
fi

dotnet build Keel.slnx -c Release --nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
dotnet test --solution Keel.slnx -c Release --no-build --results-directory "$results" --report-xunit-trx
status=$?

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
if [ $status -ne 0 ]; then exit $status; fi
