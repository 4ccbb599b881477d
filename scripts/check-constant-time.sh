#!/usr/bin/env bash
# Checks that secp256k1 signing's secret-dependent core (k·G by the comb, k⁻¹·(z + r·d)) has no branch and no memory
# index that depends on the key or the nonce: Tests/ConstantTime runs it under Valgrind memcheck with the secrets
# marked undefined (the "ctgrind" method). A control run through a known leak (the validating key parser, which branches
# on key < n) must be caught first, so the check cannot pass vacuously. Release build (what users run: the optimiser must not introduce branches either).
# About 2–4 minutes cold (a release build of EVMKit and swift-crypto), seconds warm.
set -euo pipefail
cd "$(dirname "$0")/../Tests/ConstantTime"
command -v valgrind >/dev/null || { echo "check-constant-time: valgrind is missing (scripts/install-test-deps.sh installs it)" >&2; exit 1; }
swift build -c release -q
# Valgrind 3.19 cannot read the DWARF 5 the Swift toolchain emits: check a copy without debug information.
binary=$(mktemp /tmp/chronoguard-ct.XXXXXX)
trap 'rm -f "$binary"' EXIT
objcopy --strip-debug .build/release/ConstantTimeCheck "$binary"
if valgrind -q --error-exitcode=99 "$binary" --control >/tmp/ct-control.log 2>&1; then
  echo "check-constant-time: the control (a known secret-dependent branch) was not reported; the check is broken" >&2
  cat /tmp/ct-control.log >&2
  exit 1
fi
grep -q "Conditional jump or move depends on uninitialised value" /tmp/ct-control.log || {
  echo "check-constant-time: the control failed for another reason:" >&2; cat /tmp/ct-control.log >&2; exit 1; }
if ! valgrind -q --error-exitcode=99 "$binary" >/tmp/ct-check.log 2>&1; then
  echo "check-constant-time: secret-dependent branch or memory access in secp256k1 signing:" >&2
  cat /tmp/ct-check.log >&2
  exit 1
fi
echo "check-constant-time: secp256k1 k·G and the scalar arithmetic of signing run without secret-dependent branches or indices (valgrind memcheck, control caught)"
