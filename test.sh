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

# The S3-protocol server the S3 artifact-store tests run against (npm package s3rver 3.7.1, with the
# listing fixes of tests/s3/fix-s3rver.cjs applied by its postinstall; see docs/s3.md).
if command -v npm >/dev/null 2>&1 && ! grep -qs "Patched by Keel" tests/s3/node_modules/s3rver/lib/stores/filesystem.js; then
  (cd tests/s3 && npm ci --no-audit --no-fund --silent >/dev/null 2>&1) || echo "warning: npm ci for tests/s3 failed (the S3 tests will fail; KEEL_TEST_S3=off skips them)" >&2
fi

# promtool (Debian package prometheus) validates /metrics in the serving tests.
if ! command -v promtool >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends prometheus >/dev/null 2>&1; }) || echo "warning: installing promtool (apt-get install prometheus) failed" >&2
fi

# Debian's Chromium drives the web UI's browser tests (tests/Keel.Ui.Tests, Playwright with ExecutablePath=/usr/bin/chromium).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; }) || echo "warning: installing chromium (apt-get install chromium) failed" >&2
fi

# Debian's nginx is the load balancer in front of three keel serve --deployment replicas in the
# rolling-deployment test (tests/Keel.Cli.Tests/Serve/RollingDeploymentNginxTests.cs), and in front of
# three keel server replicas in the replica tests (tests/Keel.Cli.Tests/Replicas, with deploy/nginx.conf).
# The tests run their own nginx as a child process; the package's system service is not started.
if [ ! -x /usr/sbin/nginx ] && command -v apt-get >/dev/null 2>&1; then
  # A policy-rc.d answering 101 keeps the package from starting its system service on port 80
  # (Debian's container images ship one; a full system does not).
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ] && [ -w /usr/sbin ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  (apt-get install -y --no-install-recommends nginx >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends nginx >/dev/null 2>&1; }) || echo "warning: installing nginx (apt-get install nginx) failed" >&2
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# Debian's PostgreSQL: the PostgreSQL store tests start a private cluster of their own (initdb into a
# temp folder, a free loopback port, run as the postgres user when root; tests/Shared/Postgres).
# KEEL_TEST_POSTGRES=off skips those tests; otherwise a missing PostgreSQL fails them.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && [ "${KEEL_TEST_POSTGRES:-}" != "off" ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; }) || echo "warning: installing PostgreSQL (apt-get install postgresql) failed" >&2
fi

dotnet build Keel.slnx -c Release --nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
dotnet test --solution Keel.slnx -c Release --no-build --results-directory "$results" --report-xunit-trx 2>&1 | tee "$results/dotnet-test.log"
status=${PIPESTATUS[0]}

# The counts come from the test platform's own summary (total/failed/succeeded/skipped over every
# test assembly). TRX files are kept in $results, but two assemblies finishing in the same second
# can be given the same TRX name, so they are not counted from.
python3 - "$results/dotnet-test.log" "$status" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
def last(name):
    found = re.findall(r"^\s*" + name + r":\s+(\d+)\s*$", text, re.M)
    return int(found[-1]) if found else None
total, failed, passed, skipped = last("total"), last("failed"), last("succeeded"), last("skipped")
if total is None or passed is None:
    # No summary: the run did not get as far as reporting (a crash or a build problem).
    print("0 passed, 1 failed, 0 skipped")
else:
    failed = (failed or 0) + (1 if sys.argv[2] != "0" and not failed else 0)
    print(f"{passed} passed, {failed} failed, {skipped or 0} skipped")
PY
if [ $status -ne 0 ]; then exit $status; fi
