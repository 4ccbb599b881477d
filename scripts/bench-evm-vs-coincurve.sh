#!/usr/bin/env bash
# Times EVMKit's ECDSA sign / verify / recover and Keccak-256 (release build, one thread, CPU time) next to
# libsecp256k1 through coincurve, pycryptodome's Keccak and eth-abi's encoder, in one run, and prints the ratios (ours / theirs: < 1 means
# we are faster). The Python figures include the interpreter's call overhead, as a Python caller would see it.
#   scripts/bench-evm-vs-coincurve.sh [seconds-per-operation]
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
SECONDS_PER_RUN="${1:-2}"
swift build -c release --product EVMThroughput >/dev/null
ours=$(.build/release/EVMThroughput "$SECONDS_PER_RUN")
theirs=$(python3 - "$SECONDS_PER_RUN" <<'PY'
import sys, time
from coincurve import PrivateKey, PublicKey
from coincurve.ecdsa import cdata_to_der, deserialize_compact
from Crypto.Hash import keccak
seconds = float(sys.argv[1])
def measure(body, batch):
    for i in range(batch): body(i)
    calls, start = 0, time.thread_time()
    while time.thread_time() - start < seconds:
        for i in range(batch): body(i)
        calls += batch
    return (time.thread_time() - start) / calls * 1e6
keys = [PrivateKey() for _ in range(64)]
digests = [keccak.new(digest_bits=256, data=bytes([i])).digest() for i in range(64)]
sigs = [k.sign_recoverable(d, hasher=None) for k, d in zip(keys, digests)]
ders = [cdata_to_der(deserialize_compact(s[:64])) for s in sigs]
pubs = [k.public_key for k in keys]
print("ecdsa_sign_us %.2f" % measure(lambda i: keys[i & 63].sign_recoverable(digests[i & 63], hasher=None), 64))
print("ecdsa_verify_us %.2f" % measure(lambda i: pubs[i & 63].verify(ders[i & 63], digests[i & 63], hasher=None), 64))
print("ecdsa_recover_us %.2f" % measure(lambda i: PublicKey.from_signature_and_message(sigs[i & 63], digests[i & 63], hasher=None), 64))
word, kib = bytes(32), bytes(1024)
print("keccak256_32B_us %.3f" % measure(lambda i: keccak.new(digest_bits=256, data=word).digest(), 4096))
k1 = measure(lambda i: keccak.new(digest_bits=256, data=kib).digest(), 1024)
print("keccak256_1KiB_us %.3f" % k1)
print("keccak256_1KiB_MBps %.0f" % (1024 / k1))
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector
sig = "f(address,uint256,bytes32,bool,string,uint64[],(address,uint256))"
types = ["address", "uint256", "bytes32", "bool", "string", "uint64[]", "(address,uint256)"]
args = ["0x" + "11" * 20, 1_000_000, bytes(32), True, "chronoguard", [1, 2, 3], ("0x" + "22" * 20, 2**256 - 1)]
print("abi_encode_7_args_us %.3f" % measure(lambda i: function_signature_to_4byte_selector(sig) + encode(types, args), 64))
PY
)
printf "%-22s %12s %12s %8s\n" operation chronoguard "coincurve/pycryptodome" ratio
paste <(echo "$ours") <(echo "$theirs") | while read -r name a _ b; do
  ratio=$(python3 -c "print(f'{$a/$b:.2f}x' if '$name'.endswith('_us') else '')")
  printf "%-22s %12s %12s %8s\n" "$name" "$a" "$b" "$ratio"
done
