#!/usr/bin/env python3
"""Generate the EVM Poseidon(5) contract (circomlib `Poseidon(5)`, width t = 6) as raw bytecode.

Why raw bytecode and not Vyper: the hash needs ~1,000 `mulmod`s. Vyper 0.4.3's default codegen keeps every local in
memory and, for a non-literal modulus, adds a zero-modulus check to each `uint256_mulmod` (~60 gas each), while a
literal modulus costs a 33-byte PUSH32 per `mulmod` (> 24,576 bytes in total); `--experimental-codegen` turns the
modulus back into a literal. So this script schedules the arithmetic on the EVM stack itself, as circomlibjs'
`poseidon_gencontract.js` does, and writes:

* contracts/evm/Poseidon5.bin          creation bytecode (hex, one line): deploy it as-is; it returns the runtime;
* contracts/evm/Poseidon5.runtime.bin  the runtime bytecode (hex), for inspection and code-hash pinning;
* contracts/evm/Poseidon5.abi.json     the ABI: `poseidon(uint256[5]) pure returns (uint256)`.

Interface and behaviour: `poseidon(uint256[5] inputs)` (selector 0x`keccak("poseidon(uint256[5])")[:4]`) returns
circomlib/circomlibjs `poseidon([in0, …, in4])`, i.e. lane 0 of the t = 6 permutation of `[0, in0, …, in4]`. It
reverts (empty data) when an input is >= r (circomlibjs would silently reduce it mod r; rejecting keeps the encoding
canonical, so a hash has one preimage encoding), on any other selector, on calldata shorter than 4 + 160 bytes and
on a non-zero call value. Uses PUSH0 (Shanghai or later). Reads only calldata, writes only memory.

The arithmetic (all of it checked below against the plain round-by-round definition before anything is written):
* full rounds as specified: add the round constants, x^5 on every lane, multiply by the MDS matrix M;
* round-constant forward sweep: in a partial round the lane-1..5 constants pass the S-box unchanged, so
  M·(S(s + c) ) = M·S(s + c0·e0) + M·(0, c1..c5); the second term is added to the next round's constants. Each
  partial round then adds one scalar k_j to lane 0, and the first second-half round gets modified constants;
* partial rounds in companion (Krylov) coordinates: write M = [[a, vᵀ], [w, M̂]] and T = [w, M̂w, …, M̂⁴w] (checked
  invertible). With the lanes 1..5 held as u = T⁻¹·y a partial round is
      x = (z + k_j)^5,  z' = a·x + gᵀu,  u' = x·e0 + C·u,
  where g = Tᵀv and C = T⁻¹M̂T is a companion matrix (ones below the diagonal, last column q): u'_0 = x + q_0·u_4,
  u'_i = u_{i−1} + q_i·u_4. That is 14 mulmods per round, like the sparse-matrix form, but only k_j changes from
  round to round, so the 11 shared constants (a, g, q) sit in memory and the 60 unrolled rounds fit in the size
  limit (the sparse form needs ~660 distinct constants, > 21 KB of PUSH32 data on its own). The last first-half
  round multiplies by diag(1, T⁻¹)·M to enter these coordinates; y = T·u leaves them before the second half;
* lazy reduction: every value carries an upper bound; a sum uses ADD while the bound stays below 2^256 and ADDMOD
  otherwise (mulmod accepts any 256-bit operands); constants known at generation time are folded (round 0's lane 0).

Usage: scripts/generate-poseidon-evm.py [--check] [--constants PATH] [--asm]
  --check   exit 1 if a committed output differs from a fresh generation (nothing is written)
  --asm     also print an assembly listing to stdout
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONSTANTS = ROOT / "Tests" / "PoseidonTests" / "Resources" / "poseidon-constants.json"
OUT_DIR = ROOT / "contracts" / "evm"

P = 21888242871839275222246405745257275088548364400416034343698204186575808495617
WORD_MAX = 2**256 - 1
T_WIDTH = 6
N_INPUTS = T_WIDTH - 1
FUNCTION_SIGNATURE = "poseidon(uint256[5])"
# keccak256("poseidon(uint256[5])")[:4]; verified against eth_utils when it is installed (see `selector()`).
SELECTOR = 0x4937A258

ABI = [
    {
        "type": "function",
        "name": "poseidon",
        "stateMutability": "pure",
        "inputs": [{"name": "inputs", "type": "uint256[5]", "internalType": "uint256[5]"}],
        "outputs": [{"name": "", "type": "uint256", "internalType": "uint256"}],
    }
]


# MARK: - Parameters and the plain reference


def load_parameters(path: pathlib.Path) -> tuple[list[list[int]], list[list[int]], int, int]:
    document = json.loads(path.read_text())
    if int(document["prime"], 16) != P:
        raise SystemExit(f"{path}: unexpected prime {document['prime']}")
    width = next(w for w in document["widths"] if w["t"] == T_WIDTH)
    full, partial = document["fullRounds"], width["partialRounds"]
    constants = [[int(x, 16) for x in row] for row in width["roundConstants"]]
    mds = [[int(x, 16) for x in row] for row in width["mds"]]
    assert (full, partial) == (8, 60), (full, partial)
    assert len(constants) == full + partial and all(len(row) == T_WIDTH for row in constants)
    assert len(mds) == T_WIDTH and all(len(row) == T_WIDTH for row in mds)
    assert all(0 <= x < P for row in constants + mds for x in row)
    return constants, mds, full, partial


def reference_poseidon(inputs: list[int], constants, mds, full: int, partial: int) -> int:
    """circomlib Poseidon, round by round: add constants, x^5 (all lanes or lane 0), multiply by M."""
    state = [0] + [x % P for x in inputs]
    for r in range(full + partial):
        state = [(x + c) % P for x, c in zip(state, constants[r])]
        if r < full // 2 or r >= full // 2 + partial:
            state = [pow(x, 5, P) for x in state]
        else:
            state[0] = pow(state[0], 5, P)
        state = [sum(m * x for m, x in zip(row, state)) % P for row in mds]
    return state[0]


# Published circomlibjs `poseidon([...])` values (circomlibjs test/poseidon.js and the go-iden3 vectors).
KNOWN_VECTORS = [
    ([1, 2, 3, 4, 5], 6183221330272524995739186171720101788151706631170188140075976616310159254464),
    ([0, 0, 0, 0, 0], 14655542659562014735865511769057053982292279840403315552050801315682099828156),
    ([1, 2, 0, 0, 0], 1018317224307729531995786483840663576608797660851238720571059489595066344487),
]


# MARK: - Linear algebra over GF(p)


def mat_vec(a, v):
    return [sum(x * y for x, y in zip(row, v)) % P for row in a]


def mat_mul(a, b):
    cols = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) % P for col in cols] for row in a]


def inverse(m):
    n = len(m)
    a = [row[:] + [int(i == j) for j in range(n)] for i, row in enumerate(m)]
    for c in range(n):
        pivot = next((r for r in range(c, n) if a[r][c]), None)
        if pivot is None:
            raise SystemExit("singular matrix: the Krylov basis of the MDS block is degenerate")
        a[c], a[pivot] = a[pivot], a[c]
        s = pow(a[c][c], P - 2, P)
        a[c] = [x * s % P for x in a[c]]
        for r in range(n):
            if r != c and a[r][c]:
                f = a[r][c]
                a[r] = [(x - f * y) % P for x, y in zip(a[r], a[c])]
    return [row[n:] for row in a]


def derive(constants, mds, full: int, partial: int) -> dict:
    """The companion-form parameters described in the module docstring."""
    half = full // 2
    a = mds[0][0]
    v = mds[0][1:]
    w = [mds[i][0] for i in range(1, T_WIDTH)]
    block = [row[1:] for row in mds[1:]]  # M̂
    krylov = [w]
    for _ in range(T_WIDTH - 2):
        krylov.append(mat_vec(block, krylov[-1]))
    basis = [list(row) for row in zip(*krylov)]  # T, column k = M̂^k·w
    basis_inv = inverse(basis)
    companion = mat_mul(basis_inv, mat_mul(block, basis))
    n = T_WIDTH - 1
    for i in range(n):  # C must be the companion matrix: ones below the diagonal in columns 0..n-2
        for j in range(n - 1):
            assert companion[i][j] == int(i == j + 1), "T⁻¹M̂T is not in companion form"
    q = [companion[i][n - 1] for i in range(n)]
    g = [sum(v[i] * basis[i][k] for i in range(n)) % P for k in range(n)]
    # Forward sweep of the lane-1..5 constants of the partial rounds.
    acc = constants[half][:]
    scalars = []
    for j in range(partial):
        scalars.append(acc[0])
        pushed = mat_vec(mds, [0] + acc[1:])
        acc = [(c + x) % P for c, x in zip(constants[half + j + 1], pushed)]
    entry = [mds[0][:]] + mat_mul(basis_inv, mds[1:])  # diag(1, T⁻¹)·M
    return {
        "half": half, "partial": partial, "full": full, "mds": mds, "constants": constants,
        "a": a, "g": g, "q": q, "basis": basis, "entry": entry, "scalars": scalars, "after_partial": acc,
    }


# MARK: - Straight-line program with bounds


class Expr:
    """A value: ('lit', v) | ('mem', name) | ('var', name) | ('mul'|'add'|'addmod', a, b) | ('pow5', a), with an
    upper bound on its integer value (< 2^256)."""

    __slots__ = ("op", "args", "bound")

    def __init__(self, op: str, args: tuple, bound: int) -> None:
        self.op, self.args, self.bound = op, args, bound

    @property
    def size(self) -> int:  # stack slots its evaluation needs beyond the result (for operand ordering)
        if self.op in ("lit", "mem", "var"):
            return 1
        return 1 + max(arg.size for arg in self.args)


class Program:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Expr]] = []
        self.memory: dict[str, int] = {}  # shared constants kept in memory: name -> value
        self.bounds: dict[str, int] = {}
        self.counter = 0

    # Leaves
    @staticmethod
    def lit(value: int) -> Expr:
        value %= P
        return Expr("lit", (value,), value)

    def mem(self, name: str, value: int) -> Expr:
        assert self.memory.setdefault(name, value) == value
        return Expr("mem", (name,), value)

    def input(self, index: int) -> Expr:
        name = f"in{index}"
        self.bounds[name] = P - 1  # inputs >= r revert
        return Expr("var", (name,), P - 1)

    # Operations, with constant folding and lazy reduction
    def mul(self, x: Expr, y: Expr) -> Expr:
        if x.op == "lit" and y.op == "lit":
            return self.lit(x.args[0] * y.args[0])
        return Expr("mul", (x, y), P - 1)

    def add(self, x: Expr, y: Expr) -> Expr:
        if x.op == "lit" and y.op == "lit":
            return self.lit(x.args[0] + y.args[0])
        if x.op == "lit" and x.args[0] == 0:
            return y
        if y.op == "lit" and y.args[0] == 0:
            return x
        if x.bound + y.bound <= WORD_MAX:
            return Expr("add", (x, y), x.bound + y.bound)
        return Expr("addmod", (x, y), P - 1)

    def sum(self, terms: list[Expr]) -> Expr:
        folded = sum(t.args[0] for t in terms if t.op == "lit") % P
        rest = [t for t in terms if t.op != "lit"]
        result = self.lit(folded)
        for term in rest:
            result = self.add(result, term)
        return result

    def reduced(self, x: Expr) -> Expr:
        if x.bound < P:
            return x
        return Expr("addmod", (x, self.lit(0)), P - 1)

    def let(self, x: Expr, hint: str = "v") -> Expr:
        """Materialise `x` as a named stack value (literals stay literals)."""
        if x.op in ("lit", "var", "mem"):
            return x
        self.counter += 1
        name = f"{hint}{self.counter}"
        self.statements.append((name, x))
        self.bounds[name] = x.bound
        return Expr("var", (name,), x.bound)

    def sbox(self, x: Expr) -> Expr:
        if x.op == "lit":
            return self.lit(pow(x.args[0], 5, P))
        return self.let(Expr("pow5", (x,), P - 1), "x")


def build_program(d: dict) -> Program:
    prog = Program()
    half, partial, full = d["half"], d["partial"], d["full"]
    constants, mds = d["constants"], d["mds"]
    state = [prog.lit(0)] + [prog.input(i) for i in range(N_INPUTS)]

    def full_round(state, round_constants, matrix, rows):
        boxed = [prog.sbox(prog.add(s, prog.lit(c))) for s, c in zip(state, round_constants)]
        return [prog.let(prog.sum([prog.mul(prog.lit(m), x) for m, x in zip(matrix[i], boxed)]), "s") for i in rows]

    for r in range(half):
        matrix = mds if r < half - 1 else d["entry"]
        state = full_round(state, constants[r], matrix, range(T_WIDTH))

    a = prog.mem("a", d["a"])
    g = [prog.mem(f"g{i}", x) for i, x in enumerate(d["g"])]
    q = [prog.mem(f"q{i}", x) for i, x in enumerate(d["q"])]
    z, u = state[0], state[1:]
    for j in range(partial):
        x = prog.sbox(prog.add(z, prog.lit(d["scalars"][j])))
        z_next = prog.let(prog.sum([prog.mul(a, x)] + [prog.mul(gi, ui) for gi, ui in zip(g, u)]), "z")
        top = u[-1]
        u = [prog.let(prog.add(prev, prog.mul(qi, top)), "u") for prev, qi in zip([x] + u[:-1], q)]
        z = z_next
    y = [prog.let(prog.sum([prog.mul(prog.lit(b), ui) for b, ui in zip(row, u)]), "y") for row in d["basis"]]
    state = [z] + y

    for r in range(half + partial, full + partial):
        round_constants = d["after_partial"] if r == half + partial else constants[r]
        last = r == full + partial - 1
        state = full_round(state, round_constants, mds, [0] if last else range(T_WIDTH))
    out = prog.let(prog.reduced(state[0]), "out")
    prog.output = out.args[0]
    return prog


def interpret(prog: Program, inputs: list[int]) -> int:
    """Evaluate the program with exact integers, asserting every bound and the 256-bit word size."""
    env = {f"in{i}": x for i, x in enumerate(inputs)}

    def ev(e: Expr) -> int:
        if e.op == "lit":
            value = e.args[0]
        elif e.op == "mem":
            value = prog.memory[e.args[0]]
        elif e.op == "var":
            value = env[e.args[0]]
        elif e.op == "mul":
            value = ev(e.args[0]) * ev(e.args[1]) % P
        elif e.op == "add":
            value = ev(e.args[0]) + ev(e.args[1])
        elif e.op == "pow5":
            value = pow(ev(e.args[0]), 5, P)
        else:
            value = (ev(e.args[0]) + ev(e.args[1])) % P
        assert 0 <= value <= e.bound <= WORD_MAX, (e.op, value, e.bound)
        return value

    for name, e in prog.statements:
        env[name] = ev(e)
    return env[prog.output]


# MARK: - EVM assembly


OPCODES = {
    "STOP": 0x00, "ADD": 0x01, "MULMOD": 0x09, "ADDMOD": 0x08, "LT": 0x10, "GT": 0x11, "EQ": 0x14,
    "ISZERO": 0x15, "SHR": 0x1C, "CALLVALUE": 0x34, "CALLDATALOAD": 0x35, "CALLDATASIZE": 0x36, "CODECOPY": 0x39,
    "POP": 0x50, "MLOAD": 0x51, "MSTORE": 0x52, "JUMPI": 0x57, "JUMPDEST": 0x5B, "PUSH0": 0x5F,
    "RETURN": 0xF3, "REVERT": 0xFD,
}
GAS = {  # static gas, for the listing only (memory expansion is not included)
    "ADD": 3, "MULMOD": 8, "ADDMOD": 8, "LT": 3, "GT": 3, "EQ": 3, "ISZERO": 3, "SHR": 3, "CALLVALUE": 2,
    "CALLDATALOAD": 3, "CALLDATASIZE": 2, "POP": 2, "MLOAD": 3, "MSTORE": 3, "JUMPI": 10, "JUMPDEST": 1,
    "PUSH0": 2, "RETURN": 0, "REVERT": 0,
}


class Assembler:
    """Emits bytes and tracks a symbolic stack (bottom first; None marks an anonymous temporary)."""

    def __init__(self) -> None:
        self.code = bytearray()
        self.listing: list[str] = []
        self.stack: list[str | None] = []
        self.labels: dict[str, int] = {}
        self.fixups: list[tuple[int, str]] = []
        self.static_gas = 0  # along the straight-line success path only

    def op(self, name: str, pops: int = 0, pushes: int = 0, result: str | None = None) -> None:
        self.listing.append(f"{len(self.code):04x}  {name}")
        self.code.append(OPCODES[name])
        self.static_gas += GAS.get(name, 0)
        assert len(self.stack) >= pops, name
        del self.stack[len(self.stack) - pops:]
        self.stack.extend([result] * pushes)

    def push(self, value: int, result: str | None = None) -> None:
        if value == 0:
            self.op("PUSH0", 0, 1, result)
            return
        n = max(1, (value.bit_length() + 7) // 8)
        self.listing.append(f"{len(self.code):04x}  PUSH{n} 0x{value:0{2 * n}x}")
        self.code.append(0x5F + n)
        self.code += value.to_bytes(n, "big")
        self.static_gas += 3
        self.stack.append(result)

    def push_label(self, label: str) -> None:
        self.listing.append(f"{len(self.code):04x}  PUSH2 @{label}")
        self.code.append(0x61)
        self.fixups.append((len(self.code), label))
        self.code += b"\0\0"
        self.static_gas += 3
        self.stack.append(None)

    def label(self, label: str) -> None:
        self.labels[label] = len(self.code)
        self.listing.append(f"{len(self.code):04x}  {label}:")
        self.op("JUMPDEST")

    def depth(self, name: str) -> int:
        """1-based depth from the top of the stack (DUP1 = top)."""
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] == name:
                return len(self.stack) - i
        raise KeyError(name)

    def dup(self, name: str) -> None:
        k = self.depth(name)
        assert k <= 16, f"{name} is {k} deep"
        self.listing.append(f"{len(self.code):04x}  DUP{k}    ; {name}")
        self.code.append(0x7F + k)
        self.static_gas += 3
        self.stack.append(name)

    def swap(self, k: int) -> None:
        assert 1 <= k <= 16 and len(self.stack) > k
        self.listing.append(f"{len(self.code):04x}  SWAP{k}")
        self.code.append(0x8F + k)
        self.static_gas += 3
        self.stack[-1], self.stack[-1 - k] = self.stack[-1 - k], self.stack[-1]

    def dup_temp(self, k: int) -> None:
        self.listing.append(f"{len(self.code):04x}  DUP{k}")
        self.code.append(0x7F + k)
        self.static_gas += 3
        self.stack.append(self.stack[-k])

    def drop(self, name: str) -> None:
        k = self.depth(name)
        if k > 1:
            self.swap(k - 1)
        self.op("POP", 1, 0)

    def finish(self) -> bytes:
        for position, label in self.fixups:
            self.code[position:position + 2] = self.labels[label].to_bytes(2, "big")
        return bytes(self.code)


def compile_program(prog: Program) -> tuple[bytes, list[str], int]:
    asm = Assembler()
    memory_slots = {name: 32 * i for i, name in enumerate(prog.memory)}

    # Dispatcher: selector, call value, calldata length.
    asm.op("PUSH0", 0, 1)
    asm.op("CALLDATALOAD", 1, 1)
    asm.push(0xE0)
    asm.op("SHR", 2, 1)
    asm.push(SELECTOR)
    asm.op("EQ", 2, 1)
    asm.op("ISZERO", 1, 1)
    asm.op("CALLVALUE", 0, 1)
    asm.op("ADD", 2, 1)  # non-zero if the selector differs or value was sent
    asm.push(4 + 32 * N_INPUTS)
    asm.op("CALLDATASIZE", 0, 1)
    asm.op("LT", 2, 1)
    asm.op("ADD", 2, 1)
    asm.push_label("revert")
    asm.op("JUMPI", 2, 0)

    # The modulus stays at the bottom of the stack for the whole hash.
    asm.push(P, "P")
    for name, value in prog.memory.items():
        asm.push(value)
        asm.push(memory_slots[name])
        asm.op("MSTORE", 2, 0)
    # Inputs, each checked < r (GT(P, x) == 1).
    for i in range(N_INPUTS):
        asm.push(4 + 32 * i)
        asm.op("CALLDATALOAD", 1, 1, f"in{i}")
        asm.dup(f"in{i}")
        asm.dup("P")
        asm.op("GT", 2, 1)
        asm.op("ISZERO", 1, 1)
        asm.push_label("revert")
        asm.op("JUMPI", 2, 0)

    # Last use of every named value (statement index); inputs are used by the first statements.
    last_use: dict[str, int] = {}

    def variables(e: Expr) -> list[str]:
        if e.op == "var":
            return [e.args[0]]
        if e.op in ("lit", "mem"):
            return []
        return [name for arg in e.args for name in variables(arg)]

    for index, (_, e) in enumerate(prog.statements):
        for name in variables(e):
            last_use[name] = index
    last_use[prog.output] = len(prog.statements)

    consumable: set[str] = set()  # variables that die in the current statement and occur in it once

    def take(e: Expr) -> bool:
        """Bring a dying variable to the top with SWAP instead of DUP-ing it and popping it later.

        Only while the top of the stack is a named value (never a temporary of the expression being evaluated,
        never the modulus), so the value swapped down stays addressable."""
        if e.op != "var" or e.args[0] not in consumable:
            return False
        k = asm.depth(e.args[0])
        if k > 1 and (k > 17 or asm.stack[-1] in (None, "P")):
            return False
        if k > 1:
            asm.swap(k - 1)
        asm.stack[-1] = None
        consumable.discard(e.args[0])
        return True

    def emit(e: Expr) -> None:
        if take(e):
            return
        if e.op == "lit":
            asm.push(e.args[0])
        elif e.op == "mem":
            asm.push(memory_slots[e.args[0]])
            asm.op("MLOAD", 1, 1)
        elif e.op == "var":
            asm.dup(e.args[0])
        elif e.op == "pow5":
            emit(e.args[0])  # [t]
            asm.dup("P")
            asm.dup_temp(2)
            asm.dup_temp(1)
            asm.op("MULMOD", 3, 1)  # [t, t^2]
            asm.dup("P")
            asm.swap(1)
            asm.dup_temp(1)
            asm.op("MULMOD", 3, 1)  # [t, t^4]
            asm.dup("P")
            asm.swap(2)
            asm.op("MULMOD", 3, 1)  # [t^5]
        else:
            x, y = e.args
            if x.size < y.size:  # evaluate the deeper operand first: fewer live temporaries
                x, y = y, x
            if take(y):  # a dying variable goes first, while the stack top is still a named value
                x, y = y, x
                taken = True
            else:
                taken = take(x)
            if e.op == "add":
                if not taken:
                    emit(x)
                emit(y)
                asm.op("ADD", 2, 1)
            else:
                asm.dup("P")
                if taken:
                    asm.swap(1)
                else:
                    emit(x)
                emit(y)
                asm.op("MULMOD" if e.op == "mul" else "ADDMOD", 3, 1)

    for index, (name, e) in enumerate(prog.statements):
        asm.listing.append(f"      ; {name} := {describe(e)}")
        names = variables(e)
        consumable.clear()
        consumable.update(v for v in names if last_use[v] == index and names.count(v) == 1)
        emit(e)
        asm.stack[-1] = name
        for dead in [v for v in asm.stack if v is not None and v != "P" and last_use.get(v, -1) <= index]:
            asm.drop(dead)

    # Return the output (memory constants are no longer needed).
    asm.dup(prog.output)
    asm.op("PUSH0", 0, 1)
    asm.op("MSTORE", 2, 0)
    asm.push(32)
    asm.op("PUSH0", 0, 1)
    asm.op("RETURN", 2, 0)
    asm.label("revert")
    asm.stack = []
    asm.op("PUSH0", 0, 1)
    asm.op("PUSH0", 0, 1)
    asm.op("REVERT", 2, 0)
    return asm.finish(), asm.listing, asm.static_gas


def describe(e: Expr) -> str:
    if e.op == "lit":
        return f"0x{e.args[0]:x}" if e.args[0] > 0xFFFF else str(e.args[0])
    if e.op in ("mem", "var"):
        return e.args[0]
    if e.op == "pow5":
        return f"pow5({describe(e.args[0])})"
    return f"{e.op}({describe(e.args[0])}, {describe(e.args[1])})"


def creation_code(runtime: bytes) -> bytes:
    """PUSH2 len DUP1 PUSH1 off PUSH0 CODECOPY PUSH0 RETURN, then the runtime."""
    assert len(runtime) <= 0xFFFF
    prefix_len = 3 + 1 + 2 + 1 + 1 + 1 + 1
    prefix = bytes([0x61]) + len(runtime).to_bytes(2, "big") + bytes([0x80, 0x60, prefix_len, 0x5F, 0x39, 0x5F, 0xF3])
    assert len(prefix) == prefix_len
    return prefix + runtime


def selector() -> int:
    try:
        from eth_utils import keccak
    except ImportError:
        return SELECTOR
    computed = int.from_bytes(keccak(text=FUNCTION_SIGNATURE)[:4], "big")
    assert computed == SELECTOR, f"selector constant is stale: 0x{computed:08x}"
    return computed


# MARK: - Main


def self_check(prog: Program, params) -> None:
    constants, mds, full, partial = params
    for inputs, expected in KNOWN_VECTORS:
        assert reference_poseidon(inputs, constants, mds, full, partial) == expected, inputs
        assert interpret(prog, inputs) == expected, inputs
    rng = random.Random(5)
    edge = [0, 1, P - 1, P - 2, 2**128 - 1, 2**160 - 1]
    vectors = [[P - 1] * 5, [0, P - 1, 0, P - 1, 0]] + [[rng.choice(edge) for _ in range(5)] for _ in range(10)]
    vectors += [[rng.randrange(P) for _ in range(5)] for _ in range(30)]
    for inputs in vectors:
        assert interpret(prog, inputs) == reference_poseidon(inputs, constants, mds, full, partial), inputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed outputs are stale")
    parser.add_argument("--constants", type=pathlib.Path, default=CONSTANTS)
    parser.add_argument("--out-dir", type=pathlib.Path, default=OUT_DIR)
    parser.add_argument("--asm", action="store_true", help="print the assembly listing")
    args = parser.parse_args()

    params = load_parameters(args.constants)
    selector()
    prog = build_program(derive(*params))
    self_check(prog, params)
    runtime, listing, static_gas = compile_program(prog)
    if len(runtime) > 24576:
        raise SystemExit(f"runtime is {len(runtime)} bytes, over the EIP-170 limit")
    if args.asm:
        print("\n".join(listing))
    outputs = {
        args.out_dir / "Poseidon5.bin": creation_code(runtime).hex() + "\n",
        args.out_dir / "Poseidon5.runtime.bin": runtime.hex() + "\n",
        args.out_dir / "Poseidon5.abi.json": json.dumps(ABI, indent=2) + "\n",
    }
    print(f"runtime {len(runtime)} bytes, {len(prog.statements)} statements, "
          f"static gas of the success path {static_gas} (+ memory expansion)", file=sys.stderr)
    if args.check:
        stale = [str(p) for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        for p in stale:
            print(f"stale: {p}", file=sys.stderr)
        return 1 if stale else 0
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for p, text in outputs.items():
        p.write_text(text)
        print(f"wrote {p}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
