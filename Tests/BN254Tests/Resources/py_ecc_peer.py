#!/usr/bin/env python3
"""Independent BN254 peer for BN254Tests, backed by the Ethereum Foundation's py_ecc.

Reads one JSON request on stdin and writes one JSON response on stdout:

  request:  {"g1": ["<scalar>", ...], "g2": ["<scalar>", ...], "pairings": [["<a>", "<b>"], ...]}
  response: {"g1": [null | ["x", "y"], ...],
             "g2": [null | ["x.c0", "x.c1", "y.c0", "y.c1"], ...],
             "pairings": [["d0", ..., "d11"], ...]}

Scalars and coordinates are decimal strings. g1[i] = scalar·G1 and g2[i] = scalar·G2 in affine form
(null for the point at infinity). pairings[i] = e(a·G1, b·G2) computed by py_ecc.optimized_bn128,
given as the 12 coefficients of py_ecc's FQ12 = FQ[w]/(w¹² − 18w⁶ + 82), lowest power first.
"""
import json
import sys

try:
    from py_ecc.optimized_bn128 import G1, G2, multiply, normalize, pairing
except ImportError:
    sys.stderr.write("py_ecc is not installed: run scripts/install-test-deps.sh (pip install py-ecc)\n")
    sys.exit(3)


def main():
    request = json.load(sys.stdin)
    response = {"g1": [], "g2": [], "pairings": []}
    for scalar in request.get("g1", []):
        point = multiply(G1, int(scalar))
        if point[2] == point[2].zero():
            response["g1"].append(None)
        else:
            x, y = normalize(point)
            response["g1"].append([str(x.n), str(y.n)])
    for scalar in request.get("g2", []):
        point = multiply(G2, int(scalar))
        if point[2] == point[2].zero():
            response["g2"].append(None)
        else:
            x, y = normalize(point)
            response["g2"].append([str(c) for c in (x.coeffs[0], x.coeffs[1], y.coeffs[0], y.coeffs[1])])
    for a, b in request.get("pairings", []):
        value = pairing(multiply(G2, int(b)), multiply(G1, int(a)))
        response["pairings"].append([str(int(c)) for c in value.coeffs])
    json.dump(response, sys.stdout)


if __name__ == "__main__":
    main()
