#!/usr/bin/env bash
# `chronoguard zk prove` — the whole process, as a user meets it: start, read and check the proving key, build the
# witness, prove, write proof.json — next to arkworks proving the same statement (Benchmarks/arkworks/zktotp.circom,
# through groth16py, in process), for the same inputs, in one run (issue 14's comparison). Release build.
#
#   Benchmarks/run-zk-prove-vs-arkworks.sh [N]     (N runs per side, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20}
work=$(mktemp -d /tmp/chronoguard-zk-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 -c "import groth16py" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore groth16py==0.2.0
swift build -c release --product chronoguard >/dev/null
cg="$(swift build -c release --show-bin-path)/chronoguard"
"$cg" zk setup --out "$work/keys" >/dev/null
secret=$("$cg" zk secret | sed -n 's/^secret: //p')
commitment=$("$cg" zk commitment --chain-id 1337 --wallet 0x0707070707070707070707070707070707070707 \
  --tx-hash 0x0909090909090909090909090909090909090909090909090909090909090909 --nonce 0 2>/dev/null | tail -1)
prove() { "$cg" zk prove --keys "$work/keys" --secret "$secret" --commitment "$commitment" --time 1770000000 --out "$work/proof" >/dev/null; }
prove
native=$(python3 - "$count" <<PY
import json, subprocess, sys, time
count = int(sys.argv[1])
times = []
for _ in range(count):
    start = time.perf_counter()
    subprocess.run(["$cg", "zk", "prove", "--keys", "$work/keys", "--secret", "$secret", "--commitment", "$commitment",
                    "--time", "1770000000", "--out", "$work/proof"], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0]}))
PY
)
arkworks=$(python3 Benchmarks/arkworks/prove.py "$work/proof/public.json" "$secret" "$count" | tail -1)
python3 - "$native" "$arkworks" <<'PY'
import json, sys
native, arkworks = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ZK-TOTP prove, median of {arkworks['count']} (min):")
print(f"  chronoguard zk prove, whole process:   {native['median_ms']:7.1f} ms ({native['min_ms']:.1f})")
print(f"  arkworks (groth16py 0.2.0), in process: {arkworks['median_ms']:7.1f} ms ({arkworks['min_ms']:.1f})")
print(f"  ratio: {native['median_ms'] / arkworks['median_ms']:.2f}x (issue 14's target: <= 0.25x)")
PY
