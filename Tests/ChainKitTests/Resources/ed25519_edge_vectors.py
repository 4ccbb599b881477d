#!/usr/bin/env python3
"""Generate ed25519_edge_vectors.json (Ed25519 edge cases for a strict verifier).

Usage:  python3 ed25519_edge_vectors.py > ed25519_edge_vectors.json
Needs:  PyNaCl (pip install pynacl); tested with PyNaCl 1.6.2 (bundled libsodium 1.0.20).

The output is deterministic: the only key pair comes from a fixed seed and Ed25519
signing is deterministic.

Every case's `libsodium` field is the verdict of libsodium's
crypto_sign_verify_detached (0 -> true) as computed here, never copied from a paper.
PyNaCl does not wrap crypto_sign_verify_detached in nacl.bindings, but its bundled
libsodium exports the symbol, so it is called through ctypes. As a cross-check the
script also asks nacl.bindings.crypto_sign_open (same internal routine,
_crypto_sign_ed25519_verify_detached) and aborts if the two disagree.

The `note` of each case also states facts computed by the small pure-Python Edwards
arithmetic below (order of A and R, canonicity, whether the cofactorless and the
cofactored equations hold when the encodings are decoded leniently). These explain
*why* libsodium decides as it does; they are not inputs to the verdict.
"""

import ctypes
import hashlib
import json
import os
import sys

import nacl
import nacl.bindings
import nacl.exceptions

# --------------------------------------------------------------------------------------
# libsodium (the one bundled with PyNaCl)
# --------------------------------------------------------------------------------------

_SO = ctypes.CDLL(os.path.join(os.path.dirname(nacl.__file__), "_sodium.abi3.so"))
if _SO.sodium_init() < 0:
    raise SystemExit("sodium_init failed")
_verify = _SO.crypto_sign_verify_detached
_verify.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p]
_verify.restype = ctypes.c_int


def libsodium_verify(message: bytes, public_key: bytes, signature: bytes) -> bool:
    assert len(public_key) == 32 and len(signature) == 64
    detached = _verify(signature, message, len(message), public_key) == 0
    try:
        nacl.bindings.crypto_sign_open(signature + message, public_key)
        combined = True
    except nacl.exceptions.BadSignatureError:
        combined = False
    if detached != combined:
        raise SystemExit("crypto_sign_verify_detached and crypto_sign_open disagree")
    return detached


# --------------------------------------------------------------------------------------
# Minimal Edwards25519 arithmetic (for notes only)
# --------------------------------------------------------------------------------------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def _add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k, pt):
    q = IDENTITY
    while k:
        if k & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        k >>= 1
    return q


def _neg(pt):
    x, y, z, t = pt
    return ((-x) % P, y, z, (-t) % P)


def _eq(p1, p2):
    x1, y1, z1, _ = p1
    x2, y2, z2, _ = p2
    return (x1 * z2 - x2 * z1) % P == 0 and (y1 * z2 - y2 * z1) % P == 0


def _encode(pt):
    x, y, z, _ = pt
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def decode_lenient(s: bytes):
    """Decode like libsodium's ge25519_frombytes: y taken mod p, a zero x with the
    sign bit set is accepted. Returns None when no x exists."""
    v = int.from_bytes(s, "little")
    sign = v >> 255
    y = (v & ((1 << 255) - 1)) % P
    u = (y * y - 1) % P
    w = (D * y * y + 1) % P
    x2 = u * pow(w, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = (-x) % P
    return (x, y, 1, x * y % P)


def is_canonical_encoding(s: bytes) -> bool:
    """RFC 8032 strict: y < p and not (x == 0 with sign bit set)."""
    v = int.from_bytes(s, "little")
    y = v & ((1 << 255) - 1)
    if y >= P:
        return False
    pt = decode_lenient(s)
    return pt is not None and not (pt[0] == 0 and (v >> 255) == 1)


def order_class(pt) -> str:
    if pt is None:
        return "not on curve"
    if _eq(_mul(8, pt), IDENTITY):
        for n in (1, 2, 4, 8):
            if _eq(_mul(n, pt), IDENTITY):
                return "small (order %d)" % n
    return "prime order" if _eq(_mul(L, pt), IDENTITY) else "mixed order"


B = decode_lenient(bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666"))


def analyse(message: bytes, public_key: bytes, signature: bytes) -> str:
    r_enc, s_enc = signature[:32], signature[32:]
    s = int.from_bytes(s_enc, "little")
    a, r = decode_lenient(public_key), decode_lenient(r_enc)
    parts = [
        "S %s L" % ("<" if s < L else ">="),
        "A %s, %s" % (order_class(a), "canonical" if is_canonical_encoding(public_key) else "NON-canonical"),
        "R %s, %s" % (order_class(r), "canonical" if is_canonical_encoding(r_enc) else "NON-canonical"),
    ]
    if a is not None and r is not None:
        k = int.from_bytes(hashlib.sha512(r_enc + public_key + message).digest(), "little") % L
        lhs = _mul(s, B)  # s taken as-is (not reduced), as a lenient verifier would
        rhs = _add(r, _mul(k, a))
        cofactorless = _eq(lhs, rhs)
        cofactored = _eq(_mul(8, lhs), _mul(8, rhs))
        by_encoding = _encode(_add(_mul(s, B), _neg(_mul(k, a)))) == r_enc
        parts.append(
            "with k=H(R||A||M) over the given bytes: [S]B==R+[k]A %s, [8][S]B==[8](R+[k]A) %s, "
            "encode([S]B-[k]A)==R bytes %s"
            % ("holds" if cofactorless else "fails", "holds" if cofactored else "fails",
               "yes" if by_encoding else "no")
        )
    return "; ".join(parts)


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------

# novifinancial/ed25519-speccheck, cases.json (the 12-vector set, indices 0..11, as of
# upstream commit 65519336fda78a3d016e947df6d82848aca0c9da). Fields: message, pub_key,
# signature (hex). Copied as test data; no expectations copied.
SPECCHECK = [
    ("8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
     "0000000000000000000000000000000000000000000000000000000000000000"),
    ("9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43"
     "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
    ("aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"
     "8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e"),
    ("9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
     "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
     "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f"
     "87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009"),
    ("e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
     "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
     "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed512"
     "5ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09"),
    ("e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
     "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
     "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7"
     "e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405"),
    ("85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
     "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
     "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e"
     "547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514"),
    ("85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
     "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
     "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa1942"
     "7e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22"),
    ("9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
     "03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f"),
    ("9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
     "ca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908"),
    ("e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dc"
     "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
    ("39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dc"
     "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
]

# The 8 points of order dividing 8, canonical encodings (RFC 8032).
SMALL_ORDER_CANONICAL = [
    ("identity (y=1, x=0), order 1", "0100000000000000000000000000000000000000000000000000000000000000"),
    ("y=p-1 (x=0), order 2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ("y=0, x=+sqrt(-1) (even x), order 4", "0000000000000000000000000000000000000000000000000000000000000000"),
    ("y=0, x=-sqrt(-1) (odd x), order 4", "0000000000000000000000000000000000000000000000000000000000000080"),
    ("order 8, y=2707385501144840649318225287225658788936804267575313519463743609750303402022, even x",
     "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    ("order 8, y=2707385501144840649318225287225658788936804267575313519463743609750303402022, odd x",
     "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    ("order 8, y=55188659117513257062467267217118295137698188065244968500265048394206261417927, even x",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    ("order 8, y=55188659117513257062467267217118295137698188065244968500265048394206261417927, odd x",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
]

# All other 32-byte spellings of those points. Only y in {0, 1} has a second
# representative y+p below 2^255; sign-bit flips are spellings only where x == 0.
SMALL_ORDER_NONCANONICAL = [
    ("identity with sign bit set (y=1, 'negative zero' x), order 1",
     "0100000000000000000000000000000000000000000000000000000000000080"),
    ("y=p-1 with sign bit set ('negative zero' x), order 2",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    ("y=p (== 0), sign bit clear -> x=+sqrt(-1), order 4",
     "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ("y=p (== 0), sign bit set -> x=-sqrt(-1), order 4",
     "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    ("y=p+1 (== 1), sign bit clear -> identity, order 1",
     "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ("y=p+1 (== 1) with sign bit set ('negative zero' x) -> identity, order 1",
     "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
]


def _self_check_small_order():
    seen = []
    for name, h in SMALL_ORDER_CANONICAL + SMALL_ORDER_NONCANONICAL:
        pt = decode_lenient(bytes.fromhex(h))
        assert pt is not None and order_class(pt).startswith("small"), name
        seen.append(pt)
    canon = [decode_lenient(bytes.fromhex(h)) for _, h in SMALL_ORDER_CANONICAL]
    for i in range(8):  # eight distinct points
        for j in range(i + 1, 8):
            assert not _eq(canon[i], canon[j])
    for _, h in SMALL_ORDER_CANONICAL:
        assert is_canonical_encoding(bytes.fromhex(h)) and _encode(decode_lenient(bytes.fromhex(h))).hex() == h
    for _, h in SMALL_ORDER_NONCANONICAL:
        assert not is_canonical_encoding(bytes.fromhex(h))


def build():
    _self_check_small_order()
    cases = []

    def add(name, message, public_key, signature, note):
        verdict = libsodium_verify(message, public_key, signature)
        cases.append({
            "name": name,
            "message": message.hex(),
            "public_key": public_key.hex(),
            "signature": signature.hex(),
            "libsodium": verdict,
            "note": note + " | computed: " + analyse(message, public_key, signature),
        })

    for i, (m, a, s) in enumerate(SPECCHECK):
        add("speccheck #%d" % i, bytes.fromhex(m), bytes.fromhex(a), bytes.fromhex(s),
            "novifinancial/ed25519-speccheck cases.json index %d" % i)

    # (a) valid signature from a fixed-seed key.
    seed = hashlib.sha256(b"Chronoguard ed25519_edge_vectors fixed seed v1").digest()
    pk, sk = nacl.bindings.crypto_sign_seed_keypair(seed)
    msg = b"Chronoguard ed25519 edge vector message"
    sig = nacl.bindings.crypto_sign(msg, sk)[:64]
    add("constructed: valid signature", msg, pk, sig,
        "key from seed SHA-256('Chronoguard ed25519_edge_vectors fixed seed v1'), message is UTF-8 text")

    s = int.from_bytes(sig[32:], "little")
    # (b) S + L (same point equation modulo L, non-canonical scalar).
    add("constructed: S replaced by S+L", msg, pk, sig[:32] + (s + L).to_bytes(32, "little"),
        "same as 'constructed: valid signature' with S+L (< 2^253); malleated non-canonical scalar")
    # extra boundary: S = L exactly.
    add("constructed: S = L", msg, pk, sig[:32] + L.to_bytes(32, "little"),
        "R of the valid signature, S = L exactly (boundary of the S < L check)")
    # extra: tampered message.
    add("constructed: valid signature, message altered", msg + b"!", pk, sig,
        "signature of 'constructed: valid signature' over a different message")

    # (c) A = 32 zero bytes (y=0, order 4), S = 0, R = each small-order point.
    fixed = b"Chronoguard small-order test message"
    zero_a = bytes(32)
    for name, h in SMALL_ORDER_CANONICAL:
        add("constructed: A=0x00*32 (order 4), S=0, R=" + name, fixed, zero_a,
            bytes.fromhex(h) + bytes(32),
            "small-order A and small-order R with S=0; a verifier without the small-order "
            "blocklist accepts exactly when R == -[k]A")

    # (d) A = identity, R = identity, S = 0: the equation holds for every message.
    ident = bytes.fromhex(SMALL_ORDER_CANONICAL[0][1])
    add("constructed: A=identity, R=identity, S=0", fixed, ident, ident + bytes(32),
        "[0]B == O == O + [k]O for any message: passes any verifier that lacks the small-order checks")

    return {
        "source": (
            "Cases 'speccheck #0'..'#11': message/pub_key/signature copied from "
            "novifinancial/ed25519-speccheck cases.json (https://github.com/novifinancial/ed25519-speccheck, "
            "12-vector set as of commit 65519336fda78a3d016e947df6d82848aca0c9da), the artifact of "
            "K. Chalkias, F. Garillot, V. Nikolaenko, 'Taming the many EdDSAs', SSR 2020 "
            "(IACR ePrint 2020/1244). Cases 'constructed: ...' built by ed25519_edge_vectors.py. "
            "Every 'libsodium' verdict was computed by calling crypto_sign_verify_detached of the "
            "libsodium bundled with PyNaCl (libsodium 1.0.20, PyNaCl 1.6.2), not copied; 'note' "
            "facts after 'computed:' come from the generator's own Edwards25519 arithmetic."
        ),
        "cases": cases,
        "small_order_encodings": (
            [{"name": n, "hex": h, "canonical": True} for n, h in SMALL_ORDER_CANONICAL]
            + [{"name": n, "hex": h, "canonical": False} for n, h in SMALL_ORDER_NONCANONICAL]
        ),
    }


if __name__ == "__main__":
    json.dump(build(), sys.stdout, indent=2)
    sys.stdout.write("\n")
