#!/usr/bin/env bash
# Runs every Chronoguard test on a fresh machine: installs the interop peers (idempotently), checks that the libraries
# are consumable from a version tag (scripts/check-consumer.sh, ~1–2 min), then runs the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
scripts/check-consumer.sh
swift test "$@"
