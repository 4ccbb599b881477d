#!/usr/bin/env bash
# Runs every Chronoguard test on a fresh machine: installs the interop peers (idempotently), checks the formatting
# (`swift format lint --strict` with the repository's .swift-format, ~3 s), regenerates and diffs every
# generated file (scripts/check-generated.sh, ~20 s), rebuilds the WebAssembly module and compares it with the committed
# one (scripts/build-wasm.sh --check, ~2 min), checks that the libraries are consumable from a version tag
# (scripts/check-consumer.sh, ~1–2 min) and that secp256k1 signing is constant time under Valgrind
# (scripts/check-constant-time.sh, ~2 min cold), starts the EVM and Solana test chains and a PostgreSQL test cluster,
# runs the Swift tests, fuzzes every parser of outside input for 15 s each (scripts/fuzz.sh, ~6 min cold build + ~4
# min) and the API with schemathesis, then the registry smoke run, the browser pages in Chromium (scripts/browser-test.py,
# ~1 min) and the EVM contracts' py-evm test scripts (scripts/check-contracts.sh, ~5 min).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
scripts/lint.sh
scripts/check-generated.sh
# The WebAssembly module (Sources/GuardianServer/App/chronoguard.wasm) rebuilt from the sources and compared byte for byte (~2 min).
scripts/build-wasm.sh --check
scripts/check-consumer.sh
scripts/check-constant-time.sh
# One EVM test chain for every suite that needs a JSON-RPC endpoint (eth-tester + py-evm on loopback; test support,
# not a node). It reads our pipe as its stdin, so it exits when this script does.
coproc EVM_CHAIN { exec python3 scripts/evm-test-chain.py --port 0; }
read -r line <&"${EVM_CHAIN[0]}"
export CHRONOGUARD_EVM_RPC_URL="${line#listening }"
echo "test: EVM test chain at $CHRONOGUARD_EVM_RPC_URL"
# The Solana test chain: LiteSVM (the real SVM and SPL programs) behind JSON-RPC, test scaffolding like the EVM one.
coproc SOLANA_CHAIN { exec python3 scripts/solana-test-chain.py --port 0; }
read -r line <&"${SOLANA_CHAIN[0]}"
export CHRONOGUARD_SOLANA_RPC_URL="${line#listening }"
echo "test: Solana test chain at $CHRONOGUARD_SOLANA_RPC_URL"
# PostgreSQL for the GuardianPostgres suites and the domain suites' PostgreSQL cases: one throwaway cluster (initdb as an
# unprivileged user into a temporary directory, 127.0.0.1, a free port, TLS; ~1 s), stopped and removed at exit.
export CHRONOGUARD_POSTGRES_TEST_DIR="${TMPDIR:-/tmp}/chronoguard-postgres-test-$$"
trap 'scripts/postgres-test-cluster.sh stop' EXIT
CHRONOGUARD_POSTGRES_URL=$(scripts/postgres-test-cluster.sh start)
export CHRONOGUARD_POSTGRES_URL
echo "test: PostgreSQL test cluster at postgres://…@${CHRONOGUARD_POSTGRES_URL#*@}"
if (($#)); then
  swift test "$@"
else
  # Seven passes in one build: the EVM suites (Python peers, in-process proving, the CLI as a subprocess) block
  # cooperative threads for seconds at a time, which starves the live-socket server tests if both run together on a
  # 2-core machine. The first pass runs everything else; a later one, the EVM suites.
  evm_suites='EVMKitTests\.|ChronoVaultEVMTests\.|CLITests\.EVMCommandTests|CLITests\.TwoDevice|ChainKitTests\.SolanaVault'
  # The QR decoder's suites (detector, corpus against zxing-cpp) keep both cores busy for minutes: a third pass, so
  # they starve neither the live-socket tests nor the RPC timeouts. The guardian's vault suite runs there too: it shares
  # the Solana test chain with ChainKit's suite, whose blockhash-expiry test ages every blockhash; and the registry's,
  # whose expiry test mines blocks ahead of wall time on the shared EVM chain (ChronoVault's freshness tests use now).
  cpu_suites='QRCodeTests\.|URTests\.|GuardianTests\.SolanaVaultTests|CLITests\.SolanaVaultCommand|OTPRegistryTests\.'
  # The RPC client's deadline tests measure wall time: alone, since the test helpers (CLI.run, ExternalPeer) still wait
  # synchronously and can hold both cooperative threads for seconds.
  timed_suites='EVMKitTests\.RPCClient'
  # The WebAssembly module under WasmKit's interpreter (a debug build: one Wasm proof is minutes of one core): alone
  # last, so that it starves nothing with a deadline.
  wasm_suites='ChronoguardWasmTests\.'
  # The PostgreSQL store's own suites (races of hundreds of transactions over several pools, a provoked deadlock, TLS,
  # deadlines; ~15 s), the store suites parameterised over every store (restarts, rotations, races between nodes) and
  # the CLI on PostgreSQL (serve processes, a database refusing connections) in a pass of their own, so their load does
  # not stretch the live-socket tests' timings. The other domain suites' PostgreSQL cases stay in the first pass.
  pg_suites='GuardianPostgresTests\.|GuardianTests\.Store(Guardian|Policy|Governance)Tests|CLITests\.PostgresCommandTests'
  # Three `chronoguard serve` processes on one PostgreSQL database under faults (a 1,000-cosign race, SIGKILLed nodes,
  # wrong codes on every node), the primary SIGKILLed under them with a synchronous and an asynchronous standby, and a
  # node cut off from its database in a network namespace (root: ip, tc); ~5 minutes, a pass of their own.
  multinode_suites='CLITests\.MultiNodeFaultTests|CLITests\.PostgresFailoverTests|CLITests\.NetworkCutTests'
  swift test --skip "$evm_suites|$cpu_suites|$timed_suites|$pg_suites|$multinode_suites|$wasm_suites"
  swift test --skip-build --filter "$pg_suites"
  CHRONOGUARD_MULTINODE_TESTS=1 swift test --skip-build --filter "$multinode_suites"
  swift test --skip-build --filter "$evm_suites" --skip "$timed_suites"
  swift test --skip-build --filter "$cpu_suites"
  swift test --skip-build --filter "$timed_suites"
  swift test --skip-build --filter "$wasm_suites"
fi
# schemathesis against the OpenAPI document, signed in with SIWS, every phase, on SQLite and on PostgreSQL (~30 s each).
api_log=$(mktemp /tmp/chronoguard-api-fuzz-log.XXXXXX)
scripts/api-fuzz.sh 50 >"$api_log" 2>&1 || { tail -150 "$api_log"; exit 1; }
grep -E "generated|No issues" "$api_log" || true
CHRONOGUARD_API_FUZZ_POSTGRES_URL="$CHRONOGUARD_POSTGRES_URL" scripts/api-fuzz.sh 50 >"$api_log" 2>&1 ||
  { tail -150 "$api_log"; exit 1; }
grep -E "PostgreSQL|generated|No issues" "$api_log" || true
# Every parser of outside input under libFuzzer + AddressSanitizer, 15 s each over the committed seed corpora.
scripts/fuzz.sh 15
# The registry CLI end to end (deploy, serve, enroll, confirm, request, verify, replay) on a fresh py-evm chain.
scripts/registry-smoke.sh >/dev/null
# The /app pages in two Chromium browsers that see each other only through fake-camera video of the other's screenshots:
# secret, request, approval, proof in a Web Worker, executeWithProof mined on the py-evm chain, replay refused (~1 min).
python3 scripts/browser-test.py
scripts/check-contracts.sh
