#!/usr/bin/env bash
# Builds the WebAssembly module (Embedded Swift, wasm32-unknown-none-wasm) from the very sources the native targets
# use: Fields → Curves → BN254 → Poseidon → Circuit → Groth16 → ZKTOTP, QRCode, UR and the chain-free part of EVMKit and
# ChronoVaultEVM (the two-device flow's messages), each compiled as its own module
# (whole-module, one after another), then Sources/ChronoguardWasm (the C-ABI surface, the allocator and the WASI
# imports) and linked by the toolchain's wasm-ld into Sources/GuardianServer/App/chronoguard.wasm (committed; `--check` rebuilds it in a
# scratch directory and fails unless the bytes are identical; scripts/test.sh runs it).
#
# Embedded Swift cannot take Foundation, swift-crypto or existentials; what needs them is guarded with
# `#if hasFeature(Embedded)` in the shared files, or left out by name below (docs/wasm.md). SwiftPM cannot build Embedded Wasm for a target of
# this package, hence a script.
#
#   scripts/build-wasm.sh [--check] [--out FILE]
#
# Environment: SWIFT_BIN (default /opt/swift/usr/bin), WASM_COMPILE_TIMEOUT (seconds per module, default 300: a
# module taking longer means LLVM is stuck on 64-bit arithmetic lowered for wasm32 again — see
# FieldLimbs.wideMultiply — and the build fails instead of running for tens of minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${SWIFT_BIN:-/opt/swift/usr/bin}
limit=${WASM_COMPILE_TIMEOUT:-300}
out="$root/Sources/GuardianServer/App/chronoguard.wasm"
check=0
while (($#)); do
  case $1 in
    --check) check=1 ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--check] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

if [[ -n ${WASM_WORK_DIR:-} ]]; then
  # Development: keep the intermediate modules and recompile only a module whose sources (or an earlier module)
  # changed since. --check always starts from scratch.
  work=$WASM_WORK_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/chronoguard-wasm.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
# Reproducible: fixed relative paths in the work directory (no absolute source paths in the output), no debug
# info, a fixed module order, and no incremental LLVM code generation: with it each object carries a 16-byte
# `.swift_modhash` data segment that differs from one compile of the same sources to the next (even a one-line module's
# does), which made two builds of this module differ.
flags=(
  -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -wmo -parse-as-library
  -enable-experimental-feature Extern -package-name chronoguard -Xfrontend -disable-stack-protector
  -Xfrontend -disable-incremental-llvm-codegen -I "$work/modules" -module-cache-path "$work/cache"
  -file-prefix-map "$root=."
)
mkdir -p "$work/modules" "$work/objects"

# compile MODULE OPT FILES...: one whole-module compilation (OPT: -O for the prover's arithmetic, -Osize elsewhere)
# to an object file and a .swiftmodule.
compile() {
  local module=$1 opt=$2
  shift 2
  local start=$SECONDS
  local object="$work/objects/$module.o"
  local inputs=()
  for arg in "$@"; do [[ $arg == *.swift || $arg == *.h ]] && inputs+=("$arg"); done
  if [[ -n ${WASM_WORK_DIR:-} && -f $object && -z ${rebuilt:-} ]] && ! find "${inputs[@]}" "$0" -newer "$object" | grep -q .; then
    return
  fi
  rebuilt=1  # every later module imports this one's interface: recompile them too
  if ! timeout "$limit" "$bin/swiftc" "${flags[@]}" "$opt" -module-name "$module" \
    -emit-module -emit-module-path "$work/modules/$module.swiftmodule" \
    -c -o "$work/objects/$module.o" "$@"; then
    echo "build-wasm: compiling $module failed or took longer than ${limit}s (WASM_COMPILE_TIMEOUT)" >&2
    exit 1
  fi
  echo "build-wasm: $module compiled in $((SECONDS - start)) s" >&2
}

# Every Swift file of a target, except those that need Foundation (left out of the Wasm build, not copied):
#   Groth16/SnarkJSON.swift — snarkjs' JSON files (JSONSerialization); the module speaks binary.
# and the hex-string Poseidon tables of all sixteen widths (Poseidon/PoseidonParameters+Embedded.swift has the
# widths the module uses as binary limbs; the hex file is also guarded by `#if !hasFeature(Embedded)`).
excluded=$'Sources/Groth16/SnarkJSON.swift\nSources/Poseidon/PoseidonParameters+Generated.swift'
sources() { find "Sources/$1" -maxdepth 2 -name '*.swift' | LC_ALL=C sort | grep -vxF "$excluded"; }

compile Fields -O $(sources Fields)
compile Curves -O $(sources Curves)
compile BN254 -O $(sources BN254)
compile Poseidon -O $(sources Poseidon)
compile Circuit -Osize $(sources Circuit)
# Groth16's key checksum and matrix digest are SHA-256: UR's own implementation, compiled in (swift-crypto is native only).
compile Groth16 -O $(sources Groth16) Sources/UR/SHA256.swift
compile ZKTOTP -O $(sources ZKTOTP)
compile QRCode -Osize $(sources QRCode)
compile UR -Osize $(sources UR)
# The part of EVMKit and ChronoVaultEVM that needs no chain, no keystore and no Codable: Keccak-256, addresses, uint256,
# the ABI coder, and the two-device flow's messages, approval screen and commitment (the pages bind a proof to a call
# with the CLI's own code). Listed by name: the rest of both targets is native only.
compile EVMKit -Osize Sources/EVMKit/{ABICoding,ABIFunction,ABIType,ABIValue,EVMError,EthereumAddress,Hex,Keccak256,KeccakF1600,UInt256}.swift
compile ChronoVaultEVM -Osize Sources/ChronoVaultEVM/{ChronoVault+Binding,ChronoVaultError}.swift \
  Sources/ChronoVaultEVM/TwoDevice/{ApprovalScreen,TwoDeviceFlow+CBOR,TwoDeviceMessages}.swift
compile ChronoguardWasm -Osize -import-objc-header Sources/ChronoguardWasm/WasmHost.h $(sources ChronoguardWasm)

# Link: no entry point (a reactor the host calls into), exports from @_expose(wasm), unused code dropped, 1 MiB of
# stack. Embedded Swift's runtime needs only the allocator the module defines (Allocator.swift).
mkdir -p "$(dirname "$out")"
"$bin/wasm-ld" --no-entry --gc-sections --strip-all -z stack-size=1048576 \
  -o "$work/chronoguard.wasm" \
  "$work"/objects/{Fields,Curves,BN254,Poseidon,Circuit,Groth16,ZKTOTP,QRCode,UR,EVMKit,ChronoVaultEVM,ChronoguardWasm}.o \
  "$bin/../lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a"
# Binaryen's optimizer (Debian's binaryen, installed by scripts/install-test-deps.sh) on the linked module: -O3 makes
# it 16 % smaller (1,036,599 → 874,355 bytes) and slightly faster (prove 96 → 94 ms in node); deterministic. The
# features are exactly those swiftc's wasm32 target emits, so the optimizer introduces no instruction a host may lack.
if ! command -v wasm-opt >/dev/null; then
  echo "build-wasm: wasm-opt not found; install Debian's binaryen (scripts/install-test-deps.sh does)" >&2
  exit 1
fi
wasm-opt -O3 --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
  "$work/chronoguard.wasm" -o "$work/chronoguard.opt.wasm"
mv "$work/chronoguard.opt.wasm" "$work/chronoguard.wasm"
size=$(wc -c <"$work/chronoguard.wasm")
if ((check)); then
  if cmp -s "$work/chronoguard.wasm" "$out"; then
    echo "build-wasm: $out is up to date ($size bytes)" >&2
  else
    echo "build-wasm: $out differs from a fresh build; run scripts/build-wasm.sh and commit it" >&2
    exit 1
  fi
else
  cp "$work/chronoguard.wasm" "$out"
  echo "build-wasm: wrote $out ($size bytes)" >&2
fi
