#!/usr/bin/env bash
# Formatting check: the toolchain's swift-format with the repository's .swift-format (4 spaces, 120 columns, a few
# mechanical rules). Fails on any finding. To fix: scripts/lint.sh --fix (formats in place, then re-checks).
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks Fuzz/Package.swift Fuzz/Sources)
if [[ "${1:-}" == "--fix" ]]; then
  swift format format --in-place --recursive --parallel "${paths[@]}"
fi
swift format lint --strict --recursive --parallel "${paths[@]}"
echo "lint: swift-format finds nothing"
