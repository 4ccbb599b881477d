#!/usr/bin/env bash
# The EVM contracts' own test scripts (contracts/evm/tests), run after `swift build` by scripts/test.sh:
#   test_poseidon5.py  — the generated Poseidon(5) bytecode equals circomlib's Poseidon on 200 vectors (py-evm)
#   test_verifier.py   — the Groth16 verifiers (deploy-time key and `zk vyper`'s fixed key) accept exactly the proofs
#                        py_ecc's pairing check accepts (20 proofs, 134 verdicts)
#   test_wallet.py     — TOTPWallet: every action (execute, rotateSecret, transferOwnership, validateUserOp) and every
#                        attack of seed 004 / SEEDS-NOTES 5–6 incl. re-entrancy; 200 random single-field tamperings
#   test_registry.py   — OTPRegistry (sound seed 002): setOtp/verify, every attack with its named error and state
#                        unchanged, roles, the packed record in raw storage; seed 002's unsalted commitment inverted
#                        from chain state by a 10^6-code search, ours not (~20 s; needs no chronoguard binary)
# They drive the chronoguard CLI for keys and proofs (CHRONOGUARD, else .build/debug/chronoguard). ~5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHRONOGUARD="${CHRONOGUARD:-$(pwd)/.build/debug/chronoguard}"
[[ -x "$CHRONOGUARD" ]] || swift build --product chronoguard
for test in test_poseidon5 test_verifier test_wallet test_registry; do
  echo "check-contracts: $test"
  python3 "contracts/evm/tests/$test.py" >"/tmp/chronoguard-$test.log" 2>&1 || {
    echo "check-contracts: $test failed:" >&2
    tail -40 "/tmp/chronoguard-$test.log" >&2
    exit 1
  }
  tail -3 "/tmp/chronoguard-$test.log"
done
echo "check-contracts: Poseidon(5), the verifiers, the wallet and the OTP registry pass their py-evm tests"
