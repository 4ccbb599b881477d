#!/usr/bin/env bash
# Runs every Chronoguard test on a fresh machine: installs the interop peers (idempotently), checks the formatting
# (`swift format lint --strict` with the repository's .swift-format, ~3 s), regenerates and diffs every
# generated file (scripts/check-generated.sh, ~20 s), checks that the libraries are consumable from a version tag
# (scripts/check-consumer.sh, ~1–2 min), then runs the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
scripts/lint.sh
scripts/check-generated.sh
scripts/check-consumer.sh
swift test "$@"
