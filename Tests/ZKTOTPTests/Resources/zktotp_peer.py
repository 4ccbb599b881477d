#!/usr/bin/env python3
"""Independent Poseidon-TOTP values for Chronoguard's ZKTOTP tests, on light-poseidon (PyPI "light-poseidon",
the Rust light-poseidon crate, circomlib-compatible BN254 parameters) and Python integers.

Reads {"cases": [case, ...]} on stdin, writes {"results": [...]} on stdout:
  {"op": "code", "secret": "<dec>", "counter": <int>} -> {"code": "<6 digits>", "hash": "<dec>"}
      hash = Poseidon(secret, counter); code = hash mod 10^6, zero-padded to six digits.
  {"op": "secretHash", "secret": "<dec>"} -> "<dec>" = Poseidon(secret)
  {"op": "commitment", "chainId": <int>, "wallet": "<40 hex>", "txHash": "<64 hex>", "nonce": <int>} -> "<dec>"
      Poseidon(chainId, wallet, txHash[:16], txHash[16:], nonce) with big-endian integers.
"""
import json
import sys

try:
    import light_poseidon_python
except ImportError:
    sys.stderr.write("light-poseidon is not installed: run scripts/install-test-deps.sh "
                     "(pip install light-poseidon==0.1.1)\n")
    sys.exit(3)

_hashers = {}


def poseidon(inputs):
    n = len(inputs)
    if n not in _hashers:
        _hashers[n] = light_poseidon_python.Hasher(n)
    return int(_hashers[n].hash_bytes_be([x.to_bytes(32, "big") for x in inputs]), 16)


def run(case):
    op = case["op"]
    if op == "code":
        h = poseidon([int(case["secret"]), int(case["counter"])])
        return {"code": "%06d" % (h % 10**6), "hash": str(h)}
    if op == "secretHash":
        return str(poseidon([int(case["secret"])]))
    if op == "commitment":
        tx = bytes.fromhex(case["txHash"])
        inputs = [int(case["chainId"]), int(case["wallet"], 16), int.from_bytes(tx[:16], "big"),
                  int.from_bytes(tx[16:], "big"), int(case["nonce"])]
        return str(poseidon(inputs))
    raise ValueError(f"unknown op {op}")


def main():
    request = json.load(sys.stdin)
    json.dump({"results": [run(case) for case in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
