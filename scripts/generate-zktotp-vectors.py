#!/usr/bin/env python3
"""Writes Tests/ZKTOTPTests/Resources/zktotp-vectors.json: Poseidon-TOTP codes, secret hashes and transaction
commitments computed with light-poseidon (PyPI "light-poseidon==0.1.1", circomlib-compatible) and Python integers —
independently of the Swift code under test. Deterministic (seeded), so re-running reproduces the file."""
import json
import pathlib
import random

import light_poseidon_python

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
rng = random.Random(20261122)
_h = {}


def poseidon(xs):
    if len(xs) not in _h:
        _h[len(xs)] = light_poseidon_python.Hasher(len(xs))
    return int(_h[len(xs)].hash_bytes_be([x.to_bytes(32, "big") for x in xs]), 16)


secrets = [0, 1, R - 1, 2**253, 2**253 + 12345, 10**20 - 1] + [rng.randrange(R) for _ in range(14)]
times = [0, 29, 30, 1_700_000_000, 1_700_000_029, 4_102_444_800, 2**32 - 1]
codes = []
for i, secret in enumerate(secrets):
    for time in ([times[i % len(times)], rng.randrange(2**32)]):
        h = poseidon([secret, time // 30])
        codes.append({"secret": str(secret), "unixTime": time, "timeCounter": time // 30,
                      "secretHash": str(poseidon([secret])), "codeHash": str(h), "code": "%06d" % (h % 10**6)})
commitments = []
for i in range(12):
    wallet = bytes(rng.randrange(256) for _ in range(20))
    tx = bytes([0xFF] * 32) if i == 0 else bytes(rng.randrange(256) for _ in range(32))
    chain = [1, 10, 137, 8453, 11155111, 2**64 - 1][i % 6]
    nonce = [0, 1, 2**64 - 1][i % 3] if i < 3 else rng.randrange(2**64)
    c = poseidon([chain, int.from_bytes(wallet, "big"), int.from_bytes(tx[:16], "big"), int.from_bytes(tx[16:], "big"),
                  nonce])
    commitments.append({"chainId": str(chain), "wallet": wallet.hex(), "txHash": tx.hex(), "nonce": str(nonce),
                        "commitment": str(c)})
out = pathlib.Path(__file__).resolve().parent.parent / "Tests/ZKTOTPTests/Resources/zktotp-vectors.json"
out.write_text(json.dumps({"source": "light-poseidon 0.1.1 (circomlib Poseidon), scripts/generate-zktotp-vectors.py",
                           "codes": codes, "commitments": commitments}, indent=1) + "\n")
print(f"wrote {out} ({len(codes)} codes, {len(commitments)} commitments)")
