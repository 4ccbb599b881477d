#!/usr/bin/env python3
"""Groth16Verifier.vy (and the fixed-key template) against proofs from `chronoguard zk prove`, with py_ecc as the
independent referee: for every input the contract's verdict must equal py_ecc's (curve and subgroup checks plus the
pairing equation, computed with py_ecc's own arithmetic, not the EVM's precompile code).

Plain python3; exits 1 on any failure. Needs vyper==0.4.3, eth-tester[py-evm]==0.14.0b1, py_ecc, and chronoguard
(CHRONOGUARD=/path/to/chronoguard, or a built .build/{release,debug}/chronoguard).
    python3 contracts/evm/tests/test_verifier.py [--proofs 20]
"""

from __future__ import annotations

import argparse
import pathlib
import random
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from py_ecc import optimized_bn128 as bn  # noqa: E402

from evm_harness import EVM_DIR, P, R, Chain, Failures, ZK, compile_contract, verifier_constructor_args  # noqa: E402

TEMPLATE = EVM_DIR / "templates" / "Groth16VerifierFixedKey.vy.template"


# MARK: - py_ecc referee


def g1(p):
    x, y = p
    if x >= P or y >= P:
        return "bad"
    if x == 0 and y == 0:
        return None  # infinity
    point = (bn.FQ(x), bn.FQ(y), bn.FQ.one())
    return point if bn.is_on_curve(point, bn.b) else "bad"


def g2(p):
    (x1, x0), (y1, y0) = p
    if max(x1, x0, y1, y0) >= P:
        return "bad"
    if x1 == x0 == y1 == y0 == 0:
        return None
    point = (bn.FQ2([x0, x1]), bn.FQ2([y0, y1]), bn.FQ2.one())
    if not bn.is_on_curve(point, bn.b2):
        return "bad"
    if not bn.is_inf(bn.multiply(point, bn.curve_order)):
        return "bad"  # on the twist but outside G2
    return point


def py_ecc_verdict(vk_args, pA, pB, pC, signals) -> bool:
    alpha, beta, gamma, delta, ic = vk_args
    if any(s >= R for s in signals):
        return False
    a, b, c = g1(pA), g2(pB), g1(pC)
    if "bad" in (a, b, c):
        return False
    vk_x = g1(ic[0])
    for s, point in zip(signals, ic[1:]):
        term = bn.multiply(g1(point), s) if g1(point) is not None else None
        vk_x = term if vk_x is None else (vk_x if term is None else bn.add(vk_x, term))
    pairs = [(bn.neg(a) if a is not None else None, b), (g1(alpha), g2(beta)), (vk_x, g2(gamma)), (c, g2(delta))]
    acc = bn.FQ12.one()
    for p1, q2 in pairs:
        if p1 is None or q2 is None:
            continue
        acc = acc * bn.pairing(q2, p1, final_exponentiate=False)
    return bn.final_exponentiate(acc) == bn.FQ12.one()


# MARK: - fixed-key template


def substitute_template(vk_args) -> str:
    alpha, beta, gamma, delta, ic = vk_args
    values = {"ALPHA_X": alpha[0], "ALPHA_Y": alpha[1]}
    for name, point in (("BETA", beta), ("GAMMA", gamma), ("DELTA", delta)):
        values[f"{name}_X1"], values[f"{name}_X0"] = point[0]
        values[f"{name}_Y1"], values[f"{name}_Y0"] = point[1]
    for i, point in enumerate(ic):
        values[f"IC{i}_X"], values[f"IC{i}_Y"] = point
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        placeholder = "{{" + key + "}}"
        assert placeholder in text, f"template lacks {placeholder}"
        text = text.replace(placeholder, str(value))
    assert "{{" not in text, "unsubstituted placeholder left in the template"
    return text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proofs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20251204)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    f = Failures()

    zk = ZK()
    vk_args = verifier_constructor_args(zk.setup())
    chain = Chain()
    verifier = chain.deploy(compile_contract(EVM_DIR / "Groth16Verifier.vy"), *vk_args)
    with tempfile.TemporaryDirectory() as temporary:
        fixed_path = pathlib.Path(temporary) / "Groth16VerifierFixedKey.vy"
        fixed_path.write_text(substitute_template(vk_args), encoding="utf-8")
        fixed = chain.deploy(compile_contract(fixed_path))

    f.check(verifier.call("ALPHA", 0) == vk_args[0][0], "ALPHA getter")
    f.check(verifier.call("IC", 4, 1) == vk_args[4][4][1], "IC getter")

    agreements = 0
    gas = []

    def judge(label, pA, pB, pC, signals, expected=None):
        nonlocal agreements
        got = verifier.call("verifyProof", pA, pB, pC, signals)
        got_fixed = fixed.call("verifyProof", pA, pB, pC, signals)
        reference = py_ecc_verdict(vk_args, pA, pB, pC, signals)
        f.check(got == reference, f"{label}: contract {got} vs py_ecc {reference}")
        f.check(got_fixed == got, f"{label}: fixed-key {got_fixed} vs immutable-key {got}")
        if expected is not None:
            f.check(got == expected, f"{label}: expected {expected}, got {got}")
        agreements += got == reference
        return got

    secret, _ = zk.secret()
    base_time = 1_700_000_000
    proofs = []
    for k in range(arguments.proofs):
        commitment = rng.randrange(R)
        proof = zk.prove(secret, commitment, base_time + 30 * k)
        proofs.append(proof)
        judge(f"valid proof {k}", *proof, expected=True)
        if k == 0:
            data = verifier.encode("verifyProof", *proof)
            receipt = chain.transact(verifier.address, data)
            gas.append(receipt["gas_used"])
            data = fixed.encode("verifyProof", *proof)
            gas.append(chain.transact(fixed.address, data)["gas_used"])

    # Every single-field tampering of the first proofs (8 coordinates + 4 signals, +1 and +p/+r), and one random
    # tampering of each of the others.
    def tampered(proof, field, delta):
        pA, pB, pC, s = [list(x) if not isinstance(x[0], list) else [list(y) for y in x] for x in proof]
        if field < 2:
            pA[field] = (pA[field] + delta)
        elif field < 6:
            pB[(field - 2) // 2][(field - 2) % 2] += delta
        elif field < 8:
            pC[field - 6] += delta
        else:
            s[field - 8] += delta
        return pA, pB, pC, s

    for k, proof in enumerate(proofs):
        fields = range(12) if k < 3 else [rng.randrange(12)]
        for field in fields:
            judge(f"proof {k} field {field} +1", *tampered(proof, field, 1), expected=False)
            modulus = R if field >= 8 else P
            judge(f"proof {k} field {field} +modulus", *tampered(proof, field, modulus), expected=False)

    pA, pB, pC, s = proofs[0]
    judge("A negated", [pA[0], (P - pA[1]) % P], pB, pC, s, expected=False)
    judge("B in snarkjs order (c0 first)", pA, [[pB[0][1], pB[0][0]], [pB[1][1], pB[1][0]]], pC, s, expected=False)
    judge("A at infinity", [0, 0], pB, pC, s, expected=False)
    judge("C at infinity", pA, pB, [0, 0], s, expected=False)
    judge("B at infinity", pA, [[0, 0], [0, 0]], pC, s, expected=False)
    judge("another proof's signals", pA, pB, pC, proofs[1][3], expected=False)
    judge("signal 3 negated", pA, pB, pC, [s[0], s[1], s[2], (R - s[3]) % R], expected=False)
    judge("A = generator", [1, 2], pB, pC, s, expected=False)

    # Truncated calldata (a malformed proof at the ABI level) must not verify: Vyper reverts on short calldata.
    data = verifier.encode("verifyProof", pA, pB, pC, s)
    try:
        output = chain.call(verifier.address, data[:-32])
        f.check(output[-1:] != b"\x01", "truncated calldata accepted")
    except Exception:
        f.check(True, "truncated calldata reverts")

    print(f"verifier: {agreements} verdicts equal to py_ecc's; verifyProof gas (transaction incl. 21000 + calldata): "
          f"immutable key {gas[0]}, fixed key {gas[1]}")
    return f.finish("test_verifier")


if __name__ == "__main__":
    sys.exit(main())
