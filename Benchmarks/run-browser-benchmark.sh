#!/usr/bin/env bash
# ZK-TOTP prove in Chromium (chronoguard.wasm in a Web Worker, as the authenticator page proves) next to native Swift in
# one run, with the same proving key; plus the module's size and the QR decode time per 960×720 camera frame in the page.
# Release builds; the native prover once on one core (taskset: the page has one thread) and once on all cores.
#
#   Benchmarks/run-browser-benchmark.sh [N]      (N proofs per side, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20}
work=$(mktemp -d /tmp/chronoguard-browser-bench.XXXXXX)
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product chronoguard >/dev/null
bin=$(swift build -c release --show-bin-path)
(cd Benchmarks && swift build -c release --product ProveLatency >/dev/null)
prove_latency="$(cd Benchmarks && swift build -c release --show-bin-path)/ProveLatency"
"$bin/chronoguard" zk setup --out "$work/keys" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/chronoguard" serve --port "$port" --data-dir "$work/data" --zk-keys "$work/keys" --log-level error &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

browser=$(python3 Benchmarks/browser-prove.py "http://127.0.0.1:$port" "$count")
one_core=$(taskset -c 0 "$prove_latency" "$work/keys" "$count")
all_cores=$("$prove_latency" "$work/keys" "$count")
size=$(wc -c <Sources/GuardianServer/App/chronoguard.wasm)
python3 - "$browser" "$one_core" "$all_cores" "$size" "$(nproc)" <<'PY'
import json, sys
browser, one, every = (json.loads(a) for a in sys.argv[1:4])
size, cores = int(sys.argv[4]), sys.argv[5]
print(f"ZK-TOTP prove, median of {browser['count']} (min):")
print(f"  Chromium {browser['version']}, Wasm in a Web Worker: {browser['prove_median_ms']:7.1f} ms ({browser['prove_min_ms']:.1f}); "
      f"first proof in a fresh worker {browser['prove_first_ms']:.1f} ms")
print(f"  native Swift, one core:                     {one['median_ms']:7.1f} ms ({one['min_ms']:.1f})")
print(f"  native Swift, {cores} cores:                        {every['median_ms']:7.1f} ms ({every['min_ms']:.1f})")
print(f"  Chromium / native one core: {browser['prove_median_ms'] / one['median_ms']:.2f}x")
print(f"chronoguard.wasm: {size:,} bytes; QR decode of a 960x720 frame in the page: {browser['decode_median_ms']:.1f} ms")
PY
