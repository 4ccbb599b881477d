#!/usr/bin/env bash
# Runs every Chronoguard test on a fresh machine: installs the interop peers (idempotently), then the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
swift test "$@"
