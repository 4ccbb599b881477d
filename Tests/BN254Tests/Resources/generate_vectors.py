#!/usr/bin/env python3
"""Regenerates bn254_vectors.json from py_ecc (Ethereum Foundation), independently of the Swift code.

    python3 Tests/BN254Tests/Resources/generate_vectors.py > Tests/BN254Tests/Resources/bn254_vectors.json

Encodings follow the EVM precompiles: G1 points as EIP-196 (x ‖ y, 32-byte big-endian each, all zeros for
infinity), G2 points as EIP-197 (x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0), scalars as 32-byte big-endian. A fixed seed
keeps the file reproducible.
"""
import json
import random

from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.optimized_bn128 import (
    FQ12, G1, G2, Z1, Z2, add, b2, curve_order, field_modulus, final_exponentiate, is_on_curve, multiply,
    neg, normalize,
)
from py_ecc.optimized_bn128.optimized_pairing import cast_point_to_fq12, miller_loop, twist

P = field_modulus
rng = random.Random(20260601)


def be32(n):
    return n.to_bytes(32, "big").hex()


def g1_hex(pt):
    if pt[2] == pt[2].zero():
        return "00" * 64
    x, y = normalize(pt)
    return be32(x.n) + be32(y.n)


def g2_hex(pt):
    if pt[2] == pt[2].zero():
        return "00" * 128
    x, y = normalize(pt)
    return be32(x.coeffs[1]) + be32(x.coeffs[0]) + be32(y.coeffs[1]) + be32(y.coeffs[0])


def scalar():
    return rng.randrange(1, curve_order)


def pairing_product_is_one(pairs):
    f = FQ12.one()
    for p1, p2 in pairs:
        if p1[2] == p1[2].zero() or p2[2] == p2[2].zero():
            continue
        f = f * miller_loop(twist(p2), cast_point_to_fq12(p1), final_exponentiate=False)
    return final_exponentiate(f) == FQ12.one()


def fq2_sqrt(a):
    """Adj–Rodríguez-Henríquez Algorithm 9 (p ≡ 3 mod 4); None for non-squares."""
    a1 = a ** ((P - 3) // 4)
    alpha = a1 * a1 * a
    a0 = FQ2([alpha.coeffs[0], -alpha.coeffs[1]]) * alpha
    if a0 == FQ2([-1, 0]):
        return None
    x0 = a1 * a
    if alpha == FQ2([-1, 0]):
        x = FQ2([0, 1]) * x0
    else:
        x = (alpha + FQ2([1, 0])) ** ((P - 1) // 2) * x0
    return x if x * x == a else None


def twist_point_outside_g2():
    while True:
        x = FQ2([rng.randrange(P), rng.randrange(P)])
        y = fq2_sqrt(x * x * x + b2)
        if y is None:
            continue
        pt = (x, y, FQ2.one())
        assert is_on_curve(pt, b2)
        if multiply(pt, curve_order)[2] != FQ2.zero():
            return pt


def main():
    vectors = {"g1_add": [], "g1_mul": [], "g2_mul": [], "pairing_check": [], "invalid_g1": [], "invalid_g2": []}

    points = [multiply(G1, scalar()) for _ in range(8)]
    cases = [(points[i], points[i + 1]) for i in range(0, 8, 2)]
    cases += [(points[0], points[0]), (points[1], neg(points[1])), (points[2], Z1), (Z1, Z1), (G1, G1)]
    for a, b in cases:
        vectors["g1_add"].append({"a": g1_hex(a), "b": g1_hex(b), "sum": g1_hex(add(a, b))})

    # Scalars of any 256-bit size are allowed by EIP-196 (not reduced mod r).
    for k in [scalar() for _ in range(6)] + [0, 1, curve_order - 1, curve_order, curve_order + 1, 2**256 - 1]:
        base = multiply(G1, scalar())
        vectors["g1_mul"].append({"point": g1_hex(base), "scalar": be32(k), "product": g1_hex(multiply(base, k))})

    for k in [scalar() for _ in range(4)] + [1, curve_order - 1]:
        vectors["g2_mul"].append({"scalar": be32(k), "product": g2_hex(multiply(G2, k))})

    # Pairing checks: ∏ e(aᵢ·G1, bᵢ·G2) = 1 exactly when Σ aᵢbᵢ ≡ 0 (mod r).
    for count in (1, 2, 3, 4):
        for balanced in (True, False):
            a = [scalar() for _ in range(count)]
            b = [scalar() for _ in range(count)]
            if balanced:
                if count == 1:
                    a[0] = 0  # e(O, Q) = 1
                else:
                    partial = sum(x * y for x, y in zip(a[:-1], b[:-1])) % curve_order
                    a[-1] = (-partial * pow(b[-1], -1, curve_order)) % curve_order
            pairs = [(multiply(G1, x), multiply(G2, y)) for x, y in zip(a, b)]
            expected = pairing_product_is_one(pairs)
            assert expected == (sum(x * y for x, y in zip(a, b)) % curve_order == 0)
            vectors["pairing_check"].append({
                "input": "".join(g1_hex(p) + g2_hex(q) for p, q in pairs),
                "success": expected,
            })
    vectors["pairing_check"].append({"input": "", "success": True})
    vectors["pairing_check"].append({"input": g1_hex(G1) + g2_hex(Z2), "success": True})

    x, y = normalize(multiply(G1, scalar()))
    vectors["invalid_g1"] = [
        {"bytes": be32(x.n) + be32((y.n + 1) % P), "code": "point_not_on_curve"},
        {"bytes": be32(1) + be32(3), "code": "point_not_on_curve"},
        {"bytes": be32(x.n + P) + be32(y.n), "code": "invalid_point_encoding"},
        {"bytes": be32(x.n) + be32(y.n)[:-2], "code": "invalid_point_encoding"},
    ]
    outside = twist_point_outside_g2()
    gx, gy = normalize(G2)
    swapped = (FQ2([gx.coeffs[1], gx.coeffs[0]]), FQ2([gy.coeffs[1], gy.coeffs[0]]), FQ2.one())
    assert not is_on_curve(swapped, b2)
    vectors["invalid_g2"] = [
        {"bytes": g2_hex(outside), "code": "point_not_in_subgroup"},
        {"bytes": be32(gx.coeffs[1]) + be32(gx.coeffs[0]) + be32(gy.coeffs[1]) + be32((gy.coeffs[0] + 1) % P),
         "code": "point_not_on_curve"},
        {"bytes": be32(gx.coeffs[1] + P) + be32(gx.coeffs[0]) + be32(gy.coeffs[1]) + be32(gy.coeffs[0]),
         "code": "invalid_point_encoding"},
        # EIP-197 order matters: swapping c0 and c1 gives a point that is not on the twist.
        {"bytes": be32(gx.coeffs[0]) + be32(gx.coeffs[1]) + be32(gy.coeffs[0]) + be32(gy.coeffs[1]),
         "code": "point_not_on_curve"},
    ]
    print(json.dumps(vectors, indent=1))


if __name__ == "__main__":
    main()
