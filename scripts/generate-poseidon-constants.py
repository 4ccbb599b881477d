#!/usr/bin/env python3
"""Generate the circomlib-compatible Poseidon parameters for the BN254 scalar field.

This is a stdlib-only re-implementation of the Poseidon authors' reference script
`generate_parameters_grain.sage` (hadeshash, the version circomlibjs cites:
`sage generate_parameters_grain.sage 1 0 254 <t> 8 <R_P> 0x30644e72…f0000001`):

* an 80-bit Grain LFSR seeded with the parameter bits (field, s-box, n, t, R_F, R_P, thirty 1s),
  160 warm-up clocks, then the self-shrinking output rule (Poseidon paper, eprint 2019/458, Appendix F);
* round constants: (R_F + R_P) * t samples of n = 254 bits, each resampled while >= p;
* MDS matrix: Cauchy matrix M[i][j] = 1 / (x_i + y_j) from 2t further samples (all distinct, no x_i + y_j = 0),
  redrawn until it passes the reference's three "no invariant subspace trail" checks (algorithms 1, 2 and 3
  of the script, from Grassi–Rechberger–Schofnegger, eprint 2020/500).

Outputs (both committed; `--check` fails when either differs from a fresh generation):
* Sources/Poseidon/PoseidonParameters+Generated.swift — canonical hex strings the Swift library parses once;
* Tests/PoseidonTests/Resources/poseidon-constants.json — the same numbers for the Python reference peer;
* Sources/Poseidon/PoseidonParameters+Embedded.swift — the widths the WebAssembly build uses (EMBEDDED_WIDTHS) as
  canonical 64-bit limbs, compiled only under Embedded Swift (the hex strings of all sixteen widths would be most of
  the module).

Usage: scripts/generate-poseidon-constants.py [--check] [--self-test]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import sys

# BN254 scalar field order r (EIP-196 "curve order"; circom's default prime).
PRIME = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
FIELD = 1  # 1 = GF(p) in the reference script's encoding (0 would be GF(2^n)).
SBOX = 0  # 0 = x^alpha (here alpha = 5, the smallest alpha with gcd(alpha, p - 1) = 1).
FIELD_SIZE = 254  # n = ceil(log2 p).
FULL_ROUNDS = 8  # R_F, circomlib's N_ROUNDS_F.
# R_P for t = 2..17, circomlib's N_ROUNDS_P (paper's Table 2/8 numbers, rounded up as circomlib did).
PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68]
WIDTHS = range(2, 18)

ROOT = pathlib.Path(__file__).resolve().parent.parent
SWIFT_OUT = ROOT / "Sources" / "Poseidon" / "PoseidonParameters+Generated.swift"
JSON_OUT = ROOT / "Tests" / "PoseidonTests" / "Resources" / "poseidon-constants.json"
EMBEDDED_OUT = ROOT / "Sources" / "Poseidon" / "PoseidonParameters+Embedded.swift"
# The widths the WebAssembly module (Sources/ChronoguardWasm) needs: Poseidon(1) for the secret hash, Poseidon(2) for
# the code and Poseidon(5) for the transaction commitment.
EMBEDDED_WIDTHS = (2, 3, 6)


# MARK: - Grain LFSR


class Grain:
    """The reference script's `grain_sr_generator`, with the 80-bit state kept in an int.

    Bit k of `state` is `bit_sequence[k]` of the script: clocking drops index 0 and appends the feedback bit
    b62 ^ b51 ^ b38 ^ b23 ^ b13 ^ b0 at index 79.
    """

    def __init__(self, t: int, partial_rounds: int) -> None:
        fields = [(FIELD, 2), (SBOX, 4), (FIELD_SIZE, 12), (t, 12), (FULL_ROUNDS, 10), (partial_rounds, 10)]
        bits = "".join(format(value, f"0{width}b") for value, width in fields) + "1" * 30
        assert len(bits) == 80
        self.state = sum(int(bit) << k for k, bit in enumerate(bits))
        for _ in range(160):  # warm-up clocks, output discarded
            self._clock()

    def _clock(self) -> int:
        s = self.state
        bit = ((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s) & 1
        self.state = (s >> 1) | (bit << 79)
        return bit

    def next_bit(self) -> int:
        # Self-shrinking: clock pairs (a, b); emit b when a == 1, drop the pair otherwise.
        while True:
            if self._clock() == 1:
                return self._clock()
            self._clock()

    def random_bits(self, count: int) -> int:
        """`grain_random_bits`: the first bit drawn is the most significant."""
        value = 0
        for _ in range(count):
            value = (value << 1) | self.next_bit()
        return value


# MARK: - Linear algebra over GF(p)


def inv(a: int) -> int:
    return pow(a % PRIME, PRIME - 2, PRIME)


def mat_mul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    cols = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) % PRIME for col in cols] for row in a]


def mat_vec(a: list[list[int]], v: list[int]) -> list[int]:
    return [sum(x * y for x, y in zip(row, v)) % PRIME for row in a]


def identity(n: int) -> list[list[int]]:
    return [[int(i == j) for j in range(n)] for i in range(n)]


def rref(rows: list[list[int]]) -> list[list[int]]:
    """Reduced row echelon form without zero rows: a canonical basis of the row space."""
    m = [[x % PRIME for x in row] for row in rows]
    pivot_row = 0
    ncols = len(m[0]) if m else 0
    for col in range(ncols):
        pivot = next((r for r in range(pivot_row, len(m)) if m[r][col]), None)
        if pivot is None:
            continue
        m[pivot_row], m[pivot] = m[pivot], m[pivot_row]
        scale = inv(m[pivot_row][col])
        m[pivot_row] = [x * scale % PRIME for x in m[pivot_row]]
        for r in range(len(m)):
            if r != pivot_row and m[r][col]:
                factor = m[r][col]
                m[r] = [(x - factor * y) % PRIME for x, y in zip(m[r], m[pivot_row])]
        pivot_row += 1
    return m[:pivot_row]


def kernel(a: list[list[int]], ncols: int) -> list[list[int]]:
    """Basis of the right kernel {x : a·x = 0} (Sage's `right_kernel`, up to the choice of basis)."""
    reduced = rref(a) if a else []
    pivots = []
    for row in reduced:
        pivots.append(next(c for c, x in enumerate(row) if x))
    free = [c for c in range(ncols) if c not in pivots]
    basis = []
    for f in free:
        v = [0] * ncols
        v[f] = 1
        for row, p in zip(reduced, pivots):
            v[p] = (-row[f]) % PRIME
        basis.append(v)
    return basis


def subspace(vectors: list[list[int]], dim: int) -> tuple[tuple[int, ...], ...]:
    """Canonical, comparable form of span(vectors) in GF(p)^dim."""
    return tuple(tuple(row) for row in rref(vectors)) if vectors else ()


# MARK: - Polynomials over GF(p) (coefficient lists, lowest degree first)


def poly_trim(f: list[int]) -> list[int]:
    while f and f[-1] == 0:
        f.pop()
    return f


def poly_mod(f: list[int], g: list[int]) -> list[int]:
    f = poly_trim([x % PRIME for x in f])
    lead_inv = inv(g[-1])
    while len(f) >= len(g):
        factor = f[-1] * lead_inv % PRIME
        shift = len(f) - len(g)
        for i, c in enumerate(g):
            f[shift + i] = (f[shift + i] - factor * c) % PRIME
        poly_trim(f)
    return f


def poly_mul_mod(a: list[int], b: list[int], m: list[int]) -> list[int]:
    product = [0] * (len(a) + len(b) - 1) if a and b else []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            product[i + j] += x * y
    return poly_mod(product, m)


def poly_pow_mod(base: list[int], exponent: int, m: list[int]) -> list[int]:
    result = [1]
    base = poly_mod(base, m)
    while exponent:
        if exponent & 1:
            result = poly_mul_mod(result, base, m)
        base = poly_mul_mod(base, base, m)
        exponent >>= 1
    return result


def poly_sub(a: list[int], b: list[int]) -> list[int]:
    n = max(len(a), len(b))
    return poly_trim([((a[i] if i < len(a) else 0) - (b[i] if i < len(b) else 0)) % PRIME for i in range(n)])


def poly_gcd(a: list[int], b: list[int]) -> list[int]:
    a, b = poly_trim(list(a)), poly_trim(list(b))
    while b:
        a, b = b, poly_mod(a, b)
    scale = inv(a[-1])
    return [x * scale % PRIME for x in a]


def roots_in_field(f: list[int], rng: random.Random) -> list[int]:
    """Distinct roots in GF(p) of f: gcd with x^p - x, then Cantor–Zassenhaus equal-degree splitting."""
    f = poly_gcd(f, f)  # monic copy
    split = poly_gcd(f, poly_sub(poly_pow_mod([0, 1], PRIME, f), [0, 1]))
    found: list[int] = []
    pending = [split]
    while pending:
        g = pending.pop()
        if len(g) <= 1:
            continue
        if len(g) == 2:
            found.append((-g[0]) % PRIME)
            continue
        while True:
            a = rng.randrange(PRIME)
            h = poly_gcd(g, poly_sub(poly_pow_mod([a, 1], (PRIME - 1) // 2, g), [1]))
            if 1 < len(h) < len(g):
                break
        quotient = poly_div_exact(g, h)
        pending += [h, quotient]
    return sorted(found)


def poly_div_exact(f: list[int], g: list[int]) -> list[int]:
    f = list(f)
    quotient = [0] * (len(f) - len(g) + 1)
    lead_inv = inv(g[-1])
    for shift in range(len(quotient) - 1, -1, -1):
        factor = f[shift + len(g) - 1] * lead_inv % PRIME
        quotient[shift] = factor
        for i, c in enumerate(g):
            f[shift + i] = (f[shift + i] - factor * c) % PRIME
    assert not poly_trim(f), "division was not exact"
    return quotient


def characteristic_polynomial(a: list[list[int]]) -> list[int]:
    """det(xI - a) by Faddeev–LeVerrier (valid since p > n), lowest degree first."""
    n = len(a)
    coefficients = [0] * (n + 1)
    coefficients[n] = 1
    m = [[0] * n for _ in range(n)]
    for k in range(1, n + 1):
        m = mat_mul(a, m)
        for i in range(n):
            m[i][i] = (m[i][i] + coefficients[n - k + 1]) % PRIME
        am = mat_mul(a, m)
        trace = sum(am[i][i] for i in range(n))
        coefficients[n - k] = (-trace * inv(k)) % PRIME
    return coefficients


# MARK: - Reference security checks for the MDS matrix (s = 1 partial S-box)


def invariant_subspace(t: int, index: int, powers: list[list[list[int]]]) -> list[list[int]]:
    """`generate_vectorspace(index, …)`: the subspace S of inputs whose first `index` rounds stay inactive."""
    if index == 1:
        return [[int(j == i) for j in range(t)] for i in range(1, t)]
    rows = [powers[k][0][1:] for k in range(index - 1)]  # first row of M^(k+1), inactive lanes only
    return [[0] + v for v in kernel(rows, t - 1)]


def algorithm_1(m: list[list[int]], t: int, rng: random.Random) -> bool:
    powers = [m]
    for _ in range(t):
        powers.append(mat_mul(powers[-1], m))  # powers[j] = M^(j+1)
    for i in range(1, t):  # r = floor((t - s) / s) = t - 1
        m_i = powers[i - 1]
        scalar = m_i[0][0]
        if all(m_i[a][b] == (scalar if a == b else 0) for a in range(t) for b in range(t)):
            return False
        s_basis = invariant_subspace(t, i, powers)
        # Intersect S with every eigenspace of M^i whose eigenvalue lies in GF(p); eigenvalues only in an
        # extension field are skipped, as the script does with `eigenspaces_right(format='galois')`.
        intersection_vectors: list[list[int]] = []
        for eigenvalue in roots_in_field(characteristic_polynomial(m_i), rng):
            shifted = [[(m_i[a][b] - (eigenvalue if a == b else 0)) % PRIME for b in range(t)] for a in range(t)]
            # x = B^T c lies in the eigenspace iff (M^i - λI) B^T c = 0.
            b_transpose = [list(col) for col in zip(*s_basis)]
            for c in kernel(mat_mul(shifted, b_transpose), len(s_basis)):
                intersection_vectors.append(mat_vec(b_transpose, c))
        dimension = len(rref(intersection_vectors)) if intersection_vectors else 0
        if 1 <= dimension < t:
            return False
        canonical = subspace(s_basis, t)
        for j in range(1, i + 1):
            image = [mat_vec(powers[j - 1], v) for v in s_basis]
            if subspace(image, t) == canonical:
                return False
    return True


def algorithm_2(m: list[list[int]], t: int) -> bool:
    """With s = 1: the Krylov space of e_0 under M must be the whole space (no invariant subspace trail)."""
    vectors = [[int(j == 0) for j in range(t)]]
    v = vectors[0]
    dimension = 1
    while True:
        v = mat_vec(m, v)
        vectors.append(v)
        new_dimension = len(rref(vectors))
        if new_dimension == t:
            return True
        if new_dimension <= dimension:
            return False
        dimension = new_dimension


def algorithm_3(m: list[list[int]], t: int) -> bool:
    power = mat_mul(m, m)
    for _ in range(2, 4 * t + 1):
        if not algorithm_2(power, t):
            return False
        power = mat_mul(power, m)
    return True


# MARK: - Parameter generation


def generate(t: int, partial_rounds: int) -> dict:
    grain = Grain(t, partial_rounds)
    constants = []
    for _ in range((FULL_ROUNDS + partial_rounds) * t):
        value = grain.random_bits(FIELD_SIZE)
        while value >= PRIME:
            value = grain.random_bits(FIELD_SIZE)
        constants.append(value)

    rng = random.Random(f"roots-{t}")  # only steers root finding; the roots found do not depend on it
    rejected = 0
    while True:
        samples = [grain.random_bits(FIELD_SIZE) % PRIME for _ in range(2 * t)]
        while len(set(samples)) != len(samples):
            samples = [grain.random_bits(FIELD_SIZE) % PRIME for _ in range(2 * t)]
        xs, ys = samples[:t], samples[t:]
        if any((x + y) % PRIME == 0 for x in xs for y in ys):
            rejected += 1
            continue
        mds = [[inv(x + y) for y in ys] for x in xs]
        if algorithm_1(mds, t, rng) and algorithm_2(mds, t) and algorithm_3(mds, t):
            break
        rejected += 1

    rounds = [constants[r * t:(r + 1) * t] for r in range(FULL_ROUNDS + partial_rounds)]
    return {"t": t, "partialRounds": partial_rounds, "roundConstants": rounds, "mds": mds, "rejected": rejected}


def self_test() -> None:
    """Show that the checks can fail: each hand-made matrix has exactly the weakness named next to it."""
    rng = random.Random(0)
    # (x-1)(x-2)(x-3) and x^2 + 1 (p = 1 mod 4, so i = sqrt(-1) exists)
    assert roots_in_field([PRIME - 6, 11, PRIME - 6, 1], rng) == [1, 2, 3]
    roots = roots_in_field([1, 0, 1], rng)
    assert len(roots) == 2 and all((x * x + 1) % PRIME == 0 for x in roots)
    assert characteristic_polynomial([[1, 2], [3, 4]]) == [PRIME - 2, PRIME - 5, 1]
    # span(e1, e2) is invariant: a trail of inactive partial rounds of any length -> algorithm 1 rejects.
    assert not algorithm_1([[1, 0, 0], [2, 4, 5], [3, 6, 7]], 3, rng)
    # e0 is an eigenvector: its Krylov space is 1-dimensional -> algorithm 2 rejects.
    assert not algorithm_2([[1, 2, 3], [0, 4, 5], [0, 6, 7]], 3)
    # M^2 = I: algorithm 2 on M^2 rejects, so algorithm 3 does, while algorithms 1 and 2 accept M.
    swap = [[0, 1], [1, 0]]
    assert algorithm_1(swap, 2, rng) and algorithm_2(swap, 2) and not algorithm_3(swap, 2)
    print("self-test passed: the MDS checks reject the three weak matrices", file=sys.stderr)


def hex_element(value: int) -> str:
    return f"0x{value:064x}"


# MARK: - Emitters


def emit_json(widths: list[dict]) -> str:
    document = {
        "generator": "scripts/generate-poseidon-constants.py",
        "prime": hex_element(PRIME),
        "fullRounds": FULL_ROUNDS,
        "widths": [
            {
                "t": w["t"],
                "partialRounds": w["partialRounds"],
                "roundConstants": [[hex_element(x) for x in row] for row in w["roundConstants"]],
                "mds": [[hex_element(x) for x in row] for row in w["mds"]],
            }
            for w in widths
        ],
    }
    return json.dumps(document, indent=1) + "\n"


def emit_swift(widths: list[dict]) -> str:
    out = [
        "// GENERATED by scripts/generate-poseidon-constants.py — DO NOT EDIT",
        "// swift-format-ignore-file",
        "//",
        "// Poseidon parameters for the BN254 scalar field, bit-compatible with circomlib's poseidon.circom and",
        "// circomlibjs. Produced by the Grain LFSR of the Poseidon reference script generate_parameters_grain.sage",
        f"// (field = 1, sbox = 0 (x^5), n = {FIELD_SIZE}, R_F = {FULL_ROUNDS}, t = 2…17, R_P = {PARTIAL_ROUNDS}).",
        "// Every value is a canonical field element in big-endian hex; one line is one round (round constants) or",
        "// one row (MDS). Regenerate with `python3 scripts/generate-poseidon-constants.py`.",
        "",
        "#if !hasFeature(Embedded)",
        "extension PoseidonParameters {",
        "    /// Round constants per width (index `t − 2`): `R_F + R_P` lines of `t` values, lane order, in the order",
        "    /// the reference permutation adds them (`C[t − 2][r·t + i]` in circomlibjs' `poseidon_constants.js`).",
        "    static let generatedRoundConstants: [String] = [",
    ]
    for w in widths:
        out.append(f"        // t = {w['t']}, R_P = {w['partialRounds']}")
        out.append('        """')
        out += ["        " + " ".join(hex_element(x) for x in row) for row in w["roundConstants"]]
        out.append('        """,')
    out += [
        "    ]",
        "",
        "    /// Cauchy MDS matrices per width (index `t − 2`): `t` rows of `t` values, `M[i][j] = 1 / (x_i + y_j)`;",
        "    /// the linear layer computes `state'[i] = Σ_j M[i][j] · state[j]`.",
        "    static let generatedMDS: [String] = [",
    ]
    for w in widths:
        out.append(f"        // t = {w['t']}")
        out.append('        """')
        out += ["        " + " ".join(hex_element(x) for x in row) for row in w["mds"]]
        out.append('        """,')
    out += ["    ]", "}", "#endif", ""]
    return "\n".join(out)


def limbs(value: int) -> list[str]:
    return [f"0x{(value >> (64 * i)) & (2**64 - 1):016x}" for i in range(4)]


def emit_embedded_swift(widths: list[dict]) -> str:
    out = [
        "// GENERATED by scripts/generate-poseidon-constants.py — DO NOT EDIT",
        "// swift-format-ignore-file",
        "//",
        f"// The Poseidon parameters of PoseidonParameters+Generated.swift for the widths t = {', '.join(map(str, EMBEDDED_WIDTHS))} only, as",
        "// canonical field elements in four little-endian 64-bit limbs each, row after row. Compiled only by Embedded",
        "// Swift (the WebAssembly module), where the hex strings of all sixteen widths would be most of the binary.",
        "// Regenerate with `python3 scripts/generate-poseidon-constants.py`.",
        "",
        "#if hasFeature(Embedded)",
        "extension PoseidonParameters {",
        "    /// Round constants (`R_F + R_P` rows of `t` values) and MDS matrix (`t` rows) of width `t`, canonical",
        "    /// little-endian limbs; `nil` for a width this build does not ship.",
        "    static func generatedLimbs(width: Int) -> (roundConstants: [UInt64], mds: [UInt64])? {",
        "        switch width {",
    ]
    for t in EMBEDDED_WIDTHS:
        out.append(f"        case {t}: (roundConstants{t}, mds{t})")
    out += ["        default: nil", "        }", "    }"]
    for w in widths:
        if w["t"] not in EMBEDDED_WIDTHS:
            continue
        for name, rows in (("roundConstants", w["roundConstants"]), ("mds", w["mds"])):
            out += ["", f"    private static let {name}{w['t']}: [UInt64] = ["]
            for row in rows:
                for x in row:
                    out.append("        " + ", ".join(limbs(x)) + ",")
            out.append("    ]")
    out += ["}", "#endif", ""]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed outputs differ")
    parser.add_argument("--self-test", action="store_true", help="check the MDS checks on weak matrices, then exit")
    arguments = parser.parse_args()
    if arguments.self_test:
        self_test()
        return 0

    widths = []
    for t, partial_rounds in zip(WIDTHS, PARTIAL_ROUNDS):
        w = generate(t, partial_rounds)
        print(f"t = {t:2}: R_P = {partial_rounds}, MDS candidates rejected: {w['rejected']}", file=sys.stderr)
        widths.append(w)

    outputs = {
        SWIFT_OUT: emit_swift(widths),
        JSON_OUT: emit_json(widths),
        EMBEDDED_OUT: emit_embedded_swift(widths),
    }
    if arguments.check:
        stale = [str(path) for path, text in outputs.items() if not path.exists() or path.read_text() != text]
        if stale:
            print("out of date (run scripts/generate-poseidon-constants.py): " + ", ".join(stale), file=sys.stderr)
            return 1
        print("generated Poseidon constants are up to date", file=sys.stderr)
        return 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
