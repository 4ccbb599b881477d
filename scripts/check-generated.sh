#!/usr/bin/env bash
# Regenerates every generated file in a clean copy of the committed tree and fails if any differs from what is
# committed: a generated file edited by hand, or a generator changed without regenerating, is caught here.
#
#   Sources/OTP/Generation/SHA1Words+Unrolled.swift         scripts/generate-sha1-unrolled.py
#   Sources/Fields/Montgomery29+Generated.swift              scripts/generate-montgomery-29.py
#   Sources/Poseidon/PoseidonParameters+Generated.swift     scripts/generate-poseidon-constants.py (~20 s)
#   Tests/PoseidonTests/Resources/poseidon-constants.json   scripts/generate-poseidon-constants.py
#   Sources/Poseidon/PoseidonParameters+Embedded.swift      scripts/generate-poseidon-constants.py
#   Sources/BN254/Fq12+FrobeniusCoefficients.swift          scripts/generate-bn254-constants.py --swift
#   Tests/ZKTOTPTests/Resources/zktotp-vectors.json         scripts/generate-zktotp-vectors.py (light-poseidon)
#   Tests/ChainKitTests/Resources/ed25519_edge_vectors.json Tests/ChainKitTests/Resources/ed25519_edge_vectors.py (PyNaCl)
#   Sources/GuardianServer/OpenAPI/OpenAPIDocument+JSON.swift  scripts/embed-openapi.py
#   contracts/evm/Poseidon5{.bin,.runtime.bin,.abi.json}   scripts/generate-poseidon-evm.py
#   Sources/QRCode/Decoding/QRCharsets+Generated.swift      scripts/generate-qr-charsets.py
#   contracts/evm/build/*.json                              scripts/compile-contracts.py (vyper 0.4.3)
#   Sources/ChronoVaultEVM/ContractArtifacts+Generated.swift  scripts/embed-contract-artifacts.py
#
# Every generated file starts with (or, for JSON, names in its "source") the command that made it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/chronoguard-generated.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/tree"
cd "$work/tree"
python3 scripts/generate-sha1-unrolled.py >/dev/null
python3 scripts/generate-montgomery-29.py >/dev/null
python3 scripts/generate-poseidon-constants.py 2>/dev/null
python3 scripts/generate-bn254-constants.py --swift > Sources/BN254/Fq12+FrobeniusCoefficients.swift
python3 scripts/generate-zktotp-vectors.py >/dev/null
(cd Tests/ChainKitTests/Resources && python3 ed25519_edge_vectors.py > ed25519_edge_vectors.json)
python3 scripts/embed-openapi.py >/dev/null
python3 scripts/generate-poseidon-evm.py >/dev/null 2>&1
python3 scripts/compile-contracts.py >/dev/null
python3 scripts/embed-contract-artifacts.py >/dev/null
python3 scripts/generate-qr-charsets.py >/dev/null
if [[ -n $(git status --porcelain) ]]; then
  echo "check-generated: these generated files differ from their generators' output (regenerate and commit):" >&2
  git status --porcelain >&2
  git --no-pager diff --stat >&2
  exit 1
fi
echo "check-generated: every generated file matches its generator"
