#!/usr/bin/env python3
"""arkworks' Groth16 prover (through groth16py 0.2.0, in process) on zktotp.circom — the ZK-TOTP statement — for the
inputs of a public.json that `chronoguard zk prove` wrote, so both sides prove the same statement for the same values.
Prints one JSON line: the median and minimum of N in-process proofs (witness generation included, as groth16py's
`prove` does it) and the constraint count.

Usage: python3 prove.py PUBLIC_JSON SECRET N
"""
import json
import os
import sys
import time

import groth16py

here = os.path.dirname(os.path.abspath(__file__))
signals = [int(value) for value in json.load(open(sys.argv[1]))]
secret, count = int(sys.argv[2]), int(sys.argv[3])
pk, vk = groth16py.setup_circom(os.path.join(here, "zktotp.circom"), [groth16py.circomlib_path(2)])
inputs = {"totpCode": signals[0], "timeCounter": signals[1], "secretHash": signals[2], "txCommitment": signals[3],
          "secret": secret}
proof = groth16py.prove(pk, inputs)  # first proof: page faults, caches
if not groth16py.Verifier(vk).verify(proof, signals):
    raise SystemExit("arkworks' proof does not verify: the circuit or the inputs differ")
times = []
for _ in range(count):
    start = time.perf_counter()
    groth16py.prove(pk, inputs)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "min_ms": times[0], "count": count}))
