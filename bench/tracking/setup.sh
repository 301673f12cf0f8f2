#!/usr/bin/env bash
# Installs the load tools the tracking benchmarks use (Debian packages).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  echo "wrk: $(command -v wrk)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y wrk
wrk --version 2>&1 | head -1 || true
