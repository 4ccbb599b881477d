#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, with the address sanitizer) and runs each one for a bounded time over its
# committed seed corpus (Fuzz/Corpus/<target>/, read-only; new inputs go to a temporary directory). Any crash,
# timeout, memory blow-up or sanitizer report fails the run and leaves the input in $FUZZ_ARTIFACTS (default
# /tmp/chronoguard-fuzz), printed as Base64: turn it into a regression test next to the parser's own tests.
#   scripts/fuzz.sh [seconds-per-target] [target…]        (default: 15 s, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-15}"
shift || true
artifacts="${FUZZ_ARTIFACTS:-/tmp/chronoguard-fuzz}"
mkdir -p "$artifacts"
# Swift's -sanitize=fuzzer links libFuzzer; the coverage flags are given explicitly because SwiftPM's release build
# does not instrument Swift code with -sanitize=fuzzer alone (no counters, so the fuzzer would run blind).
(cd Fuzz && swift build -c release --sanitize fuzzer --sanitize address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table --scratch-path ../.build-fuzz >/dev/null)
binary=.build-fuzz/release/ChronoguardFuzz
if (($#)); then targets=("$@"); else mapfile -t targets < <(ls Fuzz/Corpus); fi
failed=0
for target in "${targets[@]}"; do
  work=$(mktemp -d /tmp/chronoguard-fuzz-corpus.XXXXXX)
  log="$artifacts/$target.log"
  # -detect_leaks=0: Swift keeps an enum's case in the spare bits of an indirect payload's pointer, so LeakSanitizer
  # cannot see that such a box is still referenced (ABIType's array boxes held by a global were "direct leaks").
  rm -f "$artifacts/$target"-*
  if ASAN_OPTIONS=detect_leaks=0 FUZZ_TARGET="$target" "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -detect_leaks=0 -max_len=8192 -artifact_prefix="$artifacts/$target-" -print_final_stats=1 "$work" "Fuzz/Corpus/$target" \
    >"$log" 2>&1; then
    echo "fuzz: $target: $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$') runs," \
      "$(grep -Eo 'cov: [0-9]+' "$log" | tail -1), no crash"
  else
    failed=1
    echo "fuzz: $target FAILED; log $log" >&2
    grep -E "ERROR|SUMMARY|Fatal error|==[0-9]+==" "$log" | head -5 >&2 || true
    for crash in "$artifacts/$target"-*; do
      [[ -f "$crash" ]] && echo "  input $crash: $(base64 -w0 "$crash" | head -c 2000)" >&2
    done
  fi
  rm -rf "$work"
done
exit "$failed"
