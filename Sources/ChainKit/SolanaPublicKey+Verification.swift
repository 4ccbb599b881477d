import Crypto

// MARK: - Strict verification

extension SolanaPublicKey {
    /// Verifies an Ed25519 signature by this key over `message` (RFC 8032 §5.1.7), strictly.
    ///
    /// RFC 8032 leaves several checks to the verifier, and implementations differ (Chalkias et al., "Taming the many
    /// EdDSAs", 2020). This one follows libsodium's `crypto_sign_verify_detached`, so a signature is accepted only
    /// when all of these hold:
    ///
    /// - `S` is canonical: `S < L`, the group order (RFC 8032 §5.1.7 step 1; without it a signature is malleable);
    /// - the public key `A` and the commitment `R` are canonical encodings (`y < p`) of points not of small order
    ///   (``Ed25519Encoding/isStrictPoint(_:)``). With a small-order `A`, `S = 0` and a small-order `R` verify for
    ///   about 1 in 8 messages with no private key at all — the all-zero address `11111111111111111111111111111111`
    ///   is such a point;
    /// - the cofactorless equation `[S]B = R + [k]A` holds, compared by `R`'s encoding (swift-crypto / BoringSSL).
    ///
    /// Returns `false` — never throws — for a malformed key or signature. Every signature the guardian checks (sign-in,
    /// governance challenges, off-chain messages, present transaction signatures) goes through this one function.
    public func isValidSignature<Bytes: Collection>(_ signature: SolanaSignature, for message: Bytes) -> Bool
    where Bytes.Element == UInt8 {
        let s = signature.bytes[32..<64]
        let r = signature.bytes[0..<32]
        guard Ed25519Encoding.isCanonicalScalar(s), Ed25519Encoding.isStrictPoint(bytes[...]),
            Ed25519Encoding.isStrictPoint(r),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else { return false }
        return key.isValidSignature(signature.bytes, for: Array(message))
    }

    /// Whether the key is a canonical encoding of a point that is not of small order: the only keys for which a
    /// signature can prove possession of a private key (see ``isValidSignature(_:for:)``). Addresses that fail this —
    /// the all-zero System Program id among them — cannot sign in or enroll with the guardian. It does not check that
    /// the bytes decode to a curve point at all (program-derived addresses do not); verification does.
    public var isStrictSigningKey: Bool {
        Ed25519Encoding.isStrictPoint(bytes[...])
    }
}

// MARK: - Encodings

/// Checks on Ed25519 encodings (RFC 8032 §5.1.2–5.1.3) that need no curve arithmetic. Public data only, so plain
/// comparisons are fine here.
enum Ed25519Encoding {
    /// L = 2^252 + 27742317777372353535851937790883648493, the order of the base point (RFC 8032 §5.1), little-endian.
    static let groupOrder: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// p = 2^255 - 19, little-endian (the field prime, RFC 8032 §5.1).
    static let fieldPrime: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// The y-coordinates of the 8 points of small order (the torsion subgroup E[8]), little-endian, sign bit clear.
    /// Each y stands for the point(s) with that y: y = 1 the identity (order 1), y = p − 1 the point of order 2,
    /// y = 0 the two points of order 4 (x = ±√−1), and the two y values (one the negative of the other) of the four
    /// points of order 8 — the list libsodium's `ge25519_has_small_order` checks.
    static let smallOrderY: [[UInt8]] = [
        // y = 0: order 4
        [UInt8](repeating: 0, count: 32),
        // y = 1: the identity, order 1
        [0x01] + [UInt8](repeating: 0, count: 31),
        // order 8: y = 2707385501144840649318225287225658788936804267575313519463743609750303402022
        [
            0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
            0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        ],
        // order 8: y = 55188659117513257062467267217118295137698188065244968500265048394206261417927 (p − the above)
        [
            0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
            0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
        ],
        // y = p − 1: order 2
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// `value < bound`, both 32 bytes little-endian, `value` read through `byte` (no copy: this runs for every wallet
    /// address a request names).
    static func isLess(_ byte: (Int) -> UInt8, than bound: [UInt8]) -> Bool {
        for index in stride(from: 31, through: 0, by: -1) where byte(index) != bound[index] {
            return byte(index) < bound[index]
        }
        return false
    }

    /// `S < L` (RFC 8032 §5.1.7: "If S ≥ L, the signature is invalid"; libsodium `sc25519_is_canonical`).
    static func isCanonicalScalar(_ s: ArraySlice<UInt8>) -> Bool {
        s.count == 32 && isLess({ s[s.startIndex + $0] }, than: groupOrder)
    }

    /// A canonical encoding (RFC 8032 §5.1.3 step 1: y < p) of a point not of small order — libsodium's
    /// `ge25519_is_canonical` and `ge25519_has_small_order` together.
    ///
    /// With y < p required, the small-order points have exactly the five y values of ``smallOrderY`` (their
    /// non-canonical spellings y + p are refused by the first check). The sign bit needs no rule of its own: a set sign
    /// bit on x = 0 is only possible for y = ±1, which are both on that list.
    static func isStrictPoint(_ encoding: ArraySlice<UInt8>) -> Bool {
        guard encoding.count == 32 else { return false }
        let base = encoding.startIndex
        func y(_ index: Int) -> UInt8 { index == 31 ? encoding[base + 31] & 0x7f : encoding[base + index] }
        guard isLess(y, than: fieldPrime) else { return false }
        return !smallOrderY.contains { candidate in candidate.indices.allSatisfy { y($0) == candidate[$0] } }
    }
}
