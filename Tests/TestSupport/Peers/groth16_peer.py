#!/usr/bin/env python3
"""Independent Groth16 verifier for Chronoguard's tests, on py_ecc (PyPI "py-ecc", optimized_bn128).

Reads one JSON request on stdin: {"cases": [case, ...]}, writes {"results": [result, ...]} on stdout.

  {"op": "verify", "vk": <verification_key.json>, "proof": <proof.json>, "public": <public.json>}
      -> true/false: points canonical, on their curves, B in G2, signals below r, and
         e(A, B) == e(alpha, beta) * e(IC0 + sum(s_i * IC_i), gamma) * e(C, delta)
         checked as prod e(...) == 1 with a single final exponentiation.
  {"op": "verify_calldata", "vk": <verification_key.json>, "calldata": "<zkey export soliditycalldata text>"}
      -> true/false: what the generated Solidity contract does with those arguments — the EIP-197 word order
         (pB = [[x.c1, x.c0], [y.c1, y.c0]]), -A, vk_x by ecMul/ecAdd, then the pairing check.
  {"op": "alphabeta", "vk": <verification_key.json>}
      -> e(alpha, beta) = f^((p^12 - 1)/r) as [[[c0, c1] x 3] x 2] in the Fq2/Fq6/Fq12 tower of
         verification_key.json's vk_alphabeta_12 (decimal strings).
"""
import json
import sys

try:
    from py_ecc import optimized_bn128 as bn
except ImportError:
    sys.stderr.write("py_ecc is not installed: run scripts/install-test-deps.sh (pip install py-ecc)\n")
    sys.exit(3)

P = bn.field_modulus
R = bn.curve_order


def field(text, modulus):
    value = int(text)
    if not 0 <= value < modulus or str(value) != text:
        raise ValueError(f"not a canonical field element: {text}")
    return value


def g1(coords):
    x, y, z = (field(c, P) for c in coords)
    if z == 0:
        return None
    if z != 1:
        raise ValueError("G1 point not in affine form")
    point = (bn.FQ(x), bn.FQ(y), bn.FQ.one())
    if not bn.is_on_curve(point, bn.b):
        raise ValueError("G1 point not on the curve")
    return point


def g2_from(x0, x1, y0, y1):
    point = (bn.FQ2([x0, x1]), bn.FQ2([y0, y1]), bn.FQ2.one())
    if not bn.is_on_curve(point, bn.b2):
        raise ValueError("G2 point not on the twist")
    if not bn.is_inf(bn.multiply(point, R)):
        raise ValueError("G2 point not in the order-r subgroup")
    return point


def g2(coords):
    (x0, x1), (y0, y1), (z0, z1) = ([field(c, P) for c in pair] for pair in coords)
    if (z0, z1) == (0, 0):
        return None
    if (z0, z1) != (1, 0):
        raise ValueError("G2 point not in affine form")
    return g2_from(x0, x1, y0, y1)


def neg(point):
    return None if point is None else bn.neg(point)


def pairing_product_is_one(pairs):
    """prod e(P_i, Q_i) == 1 for (G1, G2) pairs; None stands for the point at infinity."""
    f = bn.FQ12.one()
    for p, q in pairs:
        if p is None or q is None:
            continue
        f = f * bn.pairing(q, p, final_exponentiate=False)
    return bn.final_exponentiate(f) == bn.FQ12.one()


def vk_points(vk):
    return (g1(vk["vk_alpha_1"]), g2(vk["vk_beta_2"]), g2(vk["vk_gamma_2"]), g2(vk["vk_delta_2"]),
            [g1(p) for p in vk["IC"]])


def linear_combination(ic, signals):
    acc = ic[0]
    for s, point in zip(signals, ic[1:]):
        if point is not None and s % R != 0:
            term = bn.multiply(point, s)
            acc = term if acc is None else bn.add(acc, term)
    return acc


def check(alpha, beta, gamma, delta, ic, a, b, c, signals):
    if len(signals) != len(ic) - 1:
        return False
    if any(not 0 <= s < R for s in signals):
        return False
    vk_x = linear_combination(ic, signals)
    return pairing_product_is_one([(neg(a), b), (alpha, beta), (vk_x, gamma), (c, delta)])


def verify(case):
    try:
        alpha, beta, gamma, delta, ic = vk_points(case["vk"])
        proof = case["proof"]
        a, b, c = g1(proof["pi_a"]), g2(proof["pi_b"]), g1(proof["pi_c"])
        signals = [field(s, R) for s in case["public"]]
    except (ValueError, KeyError, TypeError):
        return False
    return check(alpha, beta, gamma, delta, ic, a, b, c, signals)


def verify_calldata(case):
    alpha, beta, gamma, delta, ic = vk_points(case["vk"])
    pa, pb, pc, pub = json.loads("[" + case["calldata"] + "]")
    words = lambda xs: [int(x, 16) for x in xs]
    ax, ay = words(pa)
    (bx1, bx0), (by1, by0) = words(pb[0]), words(pb[1])
    cx, cy = words(pc)
    signals = words(pub)
    if any(w >= P for w in (ax, ay, bx1, bx0, by1, by0, cx, cy)):
        return False
    try:
        a = None if (ax, ay) == (0, 0) else g1([str(ax), str(ay), "1"])
        b = None if (bx0, bx1, by0, by1) == (0, 0, 0, 0) else g2_from(bx0, bx1, by0, by1)
        c = None if (cx, cy) == (0, 0) else g1([str(cx), str(cy), "1"])
    except ValueError:
        return False
    return check(alpha, beta, gamma, delta, ic, a, b, c, signals)


def alphabeta(case):
    alpha, beta, _, _, _ = vk_points(case["vk"])
    f = bn.pairing(beta, alpha)
    c = [x if isinstance(x, int) else x.n for x in f.coeffs]
    # py_ecc: FQ12 = FQ[w]/(w^12 - 18 w^6 + 82). Tower: u = w^6 - 9, v = w^2, element
    # sum_{i<2, j<3} (x_ij + y_ij u) v^j w^i, so coefficient k = 2j + i gives x - 9y and k + 6 gives y.
    out = []
    for i in range(2):
        six = []
        for j in range(3):
            k = 2 * j + i
            y = c[k + 6]
            x = (c[k] + 9 * y) % P
            six.append([str(x), str(y)])
        out.append(six)
    return out


def main():
    request = json.load(sys.stdin)
    ops = {"verify": verify, "verify_calldata": verify_calldata, "alphabeta": alphabeta}
    results = [ops[case["op"]](case) for case in request["cases"]]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
