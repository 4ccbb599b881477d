#!/usr/bin/env python3
"""Poseidon test peers for the Swift `Poseidon` target, driven over JSON on stdin/stdout.

Request:  {"peer": "reference" | "light-poseidon" | "reference-permutation", "cases": [["<decimal>", ...], ...]}
Response: {"outputs": [["<decimal>", ...], ...]} — one list per case: [hash] for the hash peers, the whole
          permuted state for "reference-permutation" (each case is then a full state of t = 2…17 lanes).

* "reference": a deliberately plain, stdlib-only transcription of circomlibjs' `poseidon_reference.js`
  (round r: add C[r·t + i] to every lane, x^5 on all lanes in full rounds or lane 0 in partial rounds, then
  state'[i] = Σ_j M[i][j]·state[j]), reading the constants that scripts/generate-poseidon-constants.py wrote to
  poseidon-constants.json next to this file. It shares no code with the Swift implementation, which uses the
  sparse-matrix form of the same permutation.
* "light-poseidon": the Rust `light-poseidon` crate (circom-compatible constants of its own) through the
  `light-poseidon` PyPI bindings; it supports 1…12 inputs.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def reference_permutation():
    document = json.loads((HERE / "poseidon-constants.json").read_text())
    prime = int(document["prime"], 16)
    full_rounds = document["fullRounds"]
    widths = {}
    for w in document["widths"]:
        constants = [int(x, 16) for row in w["roundConstants"] for x in row]
        mds = [[int(x, 16) for x in row] for row in w["mds"]]
        widths[w["t"]] = (w["partialRounds"], constants, mds)

    def permute(lanes):
        t = len(lanes)
        partial_rounds, constants, mds = widths[t]
        state = [x % prime for x in lanes]
        for r in range(full_rounds + partial_rounds):
            state = [(a + constants[r * t + i]) % prime for i, a in enumerate(state)]
            if r < full_rounds // 2 or r >= full_rounds // 2 + partial_rounds:
                state = [pow(a, 5, prime) for a in state]
            else:
                state[0] = pow(state[0], 5, prime)
            state = [sum(m * a for m, a in zip(row, state)) % prime for row in mds]
        return state

    return permute


def reference_hasher():
    permute = reference_permutation()
    # circomlib: capacity lane 0 starts at zero, the inputs fill lanes 1…n, the hash is lane 0.
    return lambda inputs: [permute([0] + inputs)[0]]


def light_poseidon_hasher():
    try:
        import light_poseidon_python  # PyPI package "light-poseidon"
    except ImportError:
        sys.stderr.write(
            "the Python package light-poseidon is not installed: run scripts/install-test-deps.sh "
            "(or `python3 -m pip install light-poseidon==0.1.1`)\n"
        )
        sys.exit(3)
    hashers = {}

    def hash_inputs(inputs):
        n = len(inputs)
        if n not in hashers:
            try:
                hashers[n] = light_poseidon_python.Hasher(n)
            except ValueError as error:
                # The unrelated PyPI package "light-poseidon-python" installs the same module name but only
                # supports two inputs.
                sys.stderr.write(
                    f"light_poseidon_python cannot hash {n} inputs ({error}): install `light-poseidon==0.1.1`, "
                    "not `light-poseidon-python` (run scripts/install-test-deps.sh)\n"
                )
                sys.exit(3)
        digest = hashers[n].hash_bytes_be([x.to_bytes(32, "big") for x in inputs])
        return [int(digest, 16)]

    return hash_inputs


def main():
    request = json.load(sys.stdin)
    peers = {
        "reference": reference_hasher,
        "reference-permutation": reference_permutation,
        "light-poseidon": light_poseidon_hasher,
    }
    function = peers[request["peer"]]()
    outputs = [[str(x) for x in function([int(x) for x in case])] for case in request["cases"]]
    json.dump({"outputs": outputs}, sys.stdout)


if __name__ == "__main__":
    main()
