#!/usr/bin/env bash
# Cosign throughput and latency of a release `chronoguard serve` on SQLite with durable commits (WAL, synchronous=FULL).
#
#   Benchmarks/run-cosign-benchmark.sh [WALLETS] [FIXED_RATES] [SECONDS] [WRK_CONNECTIONS]
#
# 1. Builds release binaries (the load generator and, from the parent package, chronoguard-dev).
# 2. Seeds WALLETS enrolled, signed-in wallets into a fresh data directory through the domain (as the HTTP API would),
#    then syncs, so the seeding's writeback does not land in the measured phases.
# 3. Starts the server on a loopback port with the per-IP and per-API-key buckets off (one client address sends
#    everything); the per-wallet bucket stays on. Every request uses a fresh wallet: a wallet may cosign once per 30 s
#    step, so WALLETS must cover Σ rate × SECONDS over the fixed-rate phases plus the wrk phase (up to ~6,000/s ×
#    SECONDS); wrk's repeats of a spent wallet show up as non-2xx responses.
# 4. Fixed rates (open loop, our generator: one NIO event loop that writes, reads and times every request, as wrk2
#    does): latency measured from each request's due time.
# 5. Maximum throughput (closed loop): wrk with cosign.lua, WRK_CONNECTIONS connections, two threads.
# SERVER_ARGS adds options to `chronoguard serve` (e.g. SERVER_ARGS="--verify-present-signatures off").
# Bounded: each phase stops after SECONDS; the server is stopped and the data deleted at the end.
set -euo pipefail

WALLETS=${1:-100000}
FIXED_RATES=${2:-1000,2000}
SECONDS_PER_PHASE=${3:-10}
WRK_CONNECTIONS=${4:-64}
PORT=${PORT:-18080}

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/chronoguard-bench.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

# One command per line: under `set -e` a failure inside an `a && b` list that is not the last command would be ignored,
# and the run would measure whatever binaries an earlier build left behind.
(cd "$here" && swift build -c release --product GuardianLoad >/dev/null)
(cd "$here/.." && swift build -c release --product chronoguard >/dev/null)
load="$here/.build/release/GuardianLoad"
server="$here/../.build/release/chronoguard"

"$load" seed --data-dir "$work/data" --wallets "$WALLETS" --out "$work/wallets.json"
# Flush the seeding's dirty pages (tens of MB) now: written back during the first phase, they stalled its fsyncs by
# 100–350 ms and made the p99 measure the seeding, not the server.
sync

"$server" serve --port "$PORT" --data-dir "$work/data" --ip-rate-limit off --api-key-rate-limit off --log-level warning ${SERVER_ARGS:-} &
server_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

echo "machine: $(nproc) cores, $(uname -sr); durable SQLite in $work/data"
"$load" run --url "http://127.0.0.1:$PORT" --wallets-file "$work/wallets.json" --rates "$FIXED_RATES" \
  --duration "$SECONDS_PER_PHASE" --connections 64 | tee "$work/run.log"
next=$(awk '/^next wallet:/ {print $3}' "$work/run.log")

"$load" requests --wallets-file "$work/wallets.json" --skip "$next" --out "$work/requests.tsv" >/dev/null
echo "wrk: $WRK_CONNECTIONS connections, 2 threads, ${SECONDS_PER_PHASE} s, one fresh wallet per request"
wrk -t2 -c"$WRK_CONNECTIONS" -d"${SECONDS_PER_PHASE}s" -s "$here/cosign.lua" "http://127.0.0.1:$PORT" -- "$work/requests.tsv" 2 | tail -1
curl -fs "http://127.0.0.1:$PORT/metrics" | grep -E '^chronoguard_cosign_total\{outcome="completed"\}' || true
