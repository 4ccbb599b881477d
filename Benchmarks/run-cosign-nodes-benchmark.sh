#!/usr/bin/env bash
# Cosigns per second and latency over HTTP for three set-ups in one run: one node on SQLite, one node on PostgreSQL,
# three nodes on one PostgreSQL database — release `chronoguard serve`, durable commits everywhere (SQLite WAL with
# synchronous=FULL; PostgreSQL fsync=on, synchronous_commit=on), the same load generator and fixed rates.
#
#   Benchmarks/run-cosign-nodes-benchmark.sh [WALLETS] [FIXED_RATES] [SECONDS]     (default 15000 200,400,800 10)
#
# 1. Builds release binaries (the load generator, and chronoguard from the parent package).
# 2. Starts a private PostgreSQL cluster (scripts/postgres-test-cluster.sh into a temporary directory).
# 3. For each set-up: seeds WALLETS enrolled, signed-in wallets into a fresh SQLite data directory through the domain;
#    for PostgreSQL moves them with `chronoguard store migrate` into a database of its own, then starts the node(s)
#    with the data directory's master key (`--master-key-file`) and runs the fixed-rate phases, open loop (latency from
#    each request's due time), 64 connections spread round-robin over the nodes. WALLETS must cover Σ rate × SECONDS.
# Bounded: each phase stops after SECONDS; servers and the cluster are stopped and everything deleted at the end.
set -euo pipefail

WALLETS=${1:-15000}
FIXED_RATES=${2:-200,400,800}
SECONDS_PER_PHASE=${3:-10}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$(mktemp -d /tmp/chronoguard-nodes-bench.XXXXXX)
chmod 755 "$work"
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_servers
  CHRONOGUARD_POSTGRES_TEST_DIR="$work/pg" "$root/scripts/postgres-test-cluster.sh" stop || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$here" && swift build -c release --product GuardianLoad >/dev/null)
(cd "$root" && swift build -c release --product chronoguard >/dev/null)
load="$here/.build/release/GuardianLoad"
server="$root/.build/release/chronoguard"

cluster=$(CHRONOGUARD_POSTGRES_TEST_DIR="$work/pg" "$root/scripts/postgres-test-cluster.sh" start)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run LABEL NODES STORE(sqlite|postgres)
run() {
  local label=$1 nodes=$2 store=$3 dir="$work/$1" urls=() args=()
  mkdir -p "$dir"
  "$load" seed --data-dir "$dir/data" --wallets "$WALLETS" --out "$dir/wallets.json" >/dev/null
  if [[ $store == postgres ]]; then
    local database="bench_${label//-/_}"
    psql "$cluster" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database" >/dev/null
    local url
    url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$cluster" "$database")
    "$server" store migrate --from "$dir/data" --to "$url" >/dev/null
    args=(--store "$url" --master-key-file "$dir/data/master.key")
  fi
  sync
  for index in $(seq 1 "$nodes"); do
    local port
    port=$(free_port)
    if [[ $store == postgres ]]; then
      "$server" serve --port "$port" --data-dir "$dir/node$index" "${args[@]}" --ip-rate-limit off \
        --api-key-rate-limit off --log-level warning &
    else
      "$server" serve --port "$port" --data-dir "$dir/data" --ip-rate-limit off --api-key-rate-limit off \
        --log-level warning &
    fi
    pids+=($!)
    urls+=("http://127.0.0.1:$port")
    for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  done
  echo "== $label: $nodes node(s) on $store"
  local joined
  joined=$(IFS=,; echo "${urls[*]}")
  "$load" run --url "$joined" --wallets-file "$dir/wallets.json" --rates "$FIXED_RATES" \
    --duration "$SECONDS_PER_PHASE" --connections 64 | grep -v '^next wallet'
  stop_servers
}

echo "machine: $(nproc) cores, $(uname -sr); PostgreSQL $(psql --version | awk '{print $3}') on loopback, fsync=on"
run sqlite-1 1 sqlite
run postgres-1 1 postgres
run postgres-3 3 postgres
