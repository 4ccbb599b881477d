#!/usr/bin/env bash
# Times Chronoguard's TOTP verify (release build, one thread) against pyotp's in one run and prints the ratio.
# Both verify a wrong 6-digit SHA-1 code with a ±1 step window (three HMACs each), and both are measured per second of
# their own thread's CPU time, so the figures are per core even when other work shares the machine.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
SECONDS_PER_RUN="${1:-3}"
swift build -c release --product VerifyThroughput >/dev/null
ours=$(.build/release/VerifyThroughput "$SECONDS_PER_RUN" | awk '/verifies_per_cpu_second/ {print $2}')
theirs=$(python3 - "$SECONDS_PER_RUN" <<'PY'
import sys, time, pyotp
seconds = float(sys.argv[1])
totp = pyotp.TOTP(pyotp.random_base32(32))
base = 1_900_000_000
count = 0
start = time.thread_time()
while time.thread_time() - start < seconds:
    for i in range(1000):
        totp.verify("000000", for_time=base + (count + i) * 30, valid_window=1)
    count += 1000
print(int(count / (time.thread_time() - start)))
PY
)
echo "chronoguard verify ±1: ${ours}/s per core"
echo "pyotp verify ±1:       ${theirs}/s per core"
python3 -c "print(f'ratio: {${ours}/${theirs}:.1f}x')"
