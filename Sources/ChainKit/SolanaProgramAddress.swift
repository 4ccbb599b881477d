import Crypto
import Fields

// MARK: - Program-derived addresses

extension SolanaPublicKey {
    /// Most seeds a program address takes: 16 (`MAX_SEEDS`, `solana-pubkey`), the bump seed of
    /// ``findProgramAddress(seeds:programID:)`` included.
    public static let maxSeeds = 16

    /// Longest seed: 32 bytes (`MAX_SEED_LEN`, `solana-pubkey`).
    public static let maxSeedLength = 32

    /// The domain separator hashed after the seeds and the program id (`PDA_MARKER`, `solana-pubkey`).
    static let programDerivedAddressMarker: [UInt8] = Array("ProgramDerivedAddress".utf8)

    /// Whether the 32 bytes decode to a point of the Ed25519 curve — the check that separates keys that may have a
    /// private key from program-derived addresses, which must not (`bytes_are_curve_point`, `solana-pubkey`:
    /// curve25519-dalek's `CompressedEdwardsY::decompress().is_some()`).
    ///
    /// As dalek does, the y-coordinate is the low 255 bits reduced modulo p (a non-canonical y ≥ p is accepted) and
    /// the sign bit is ignored; the bytes are a point exactly when x² = (y² − 1) / (d·y² + 1) has a solution (RFC 8032
    /// §5.1.3), that is when (y² − 1)·(d·y² + 1) is a square modulo p (Euler's criterion; d·y² + 1 is never zero
    /// because −1/d is not a square).
    public var isOnCurve: Bool {
        var limbs: [UInt64] = [0, 0, 0, 0]
        for index in 0..<SolanaPublicKey.byteCount {
            limbs[index >> 3] |= UInt64(bytes[index]) << UInt64((index & 7) * 8)
        }
        limbs[3] &= 0x7FFF_FFFF_FFFF_FFFF  // the sign of x
        let y = Ed25519BaseField(reducing: FieldLimbs(limbs[0], limbs[1], limbs[2], limbs[3]))
        let ySquared = y.squared()
        let u = ySquared - .one
        let v = Ed25519BaseField.d * ySquared + .one
        let product = u * v
        if product.isZero { return true }
        return product.pow(Ed25519BaseField.halfOrderMinusOne) == .one
    }

    /// The program-derived address of `seeds` under `programID` (`Pubkey::create_program_address`, `solana-pubkey`):
    /// `SHA-256(seed₀ ‖ … ‖ seedₙ ‖ programID ‖ "ProgramDerivedAddress")`, which must be off the curve.
    ///
    /// - Throws: ``SolanaBuildError`` — `too_many_seeds` (more than 16), `seed_too_long` (a seed over 32 bytes),
    ///   `address_on_curve` (the hash is a curve point: try another bump seed, or use
    ///   ``findProgramAddress(seeds:programID:)``).
    public static func createProgramAddress(seeds: [[UInt8]], programID: SolanaPublicKey) throws(SolanaBuildError)
        -> SolanaPublicKey
    {
        try checkSeeds(seeds, limit: maxSeeds)
        let candidate = programAddressHash(seeds, programID)
        guard !candidate.isOnCurve else {
            throw SolanaBuildError(
                .addressOnCurve,
                "The seeds hash to \(candidate), a point on the Ed25519 curve, which cannot be a program address; add a bump seed (findProgramAddress searches for one)."
            )
        }
        return candidate
    }

    /// The canonical program-derived address of `seeds` under `programID` and its bump seed
    /// (`Pubkey::find_program_address`, `solana-pubkey`): the first bump from 255 down to 1 for which
    /// `seeds + [[bump]]` is off the curve.
    ///
    /// - Throws: ``SolanaBuildError`` — `too_many_seeds` (more than 15, leaving room for the bump), `seed_too_long`,
    ///   or `no_viable_bump` (no bump works; probability about 2⁻²⁵⁵).
    public static func findProgramAddress(seeds: [[UInt8]], programID: SolanaPublicKey) throws(SolanaBuildError)
        -> (address: SolanaPublicKey, bump: UInt8)
    {
        try checkSeeds(seeds, limit: maxSeeds - 1)
        for bump in stride(from: UInt8.max, to: 0, by: -1) {
            let candidate = programAddressHash(seeds + [[bump]], programID)
            if !candidate.isOnCurve { return (candidate, bump) }
        }
        throw SolanaBuildError(
            .noViableBump,
            "No bump seed from 255 to 1 gives an address off the curve for these seeds; change the seeds.")
    }

    private static func checkSeeds(_ seeds: [[UInt8]], limit: Int) throws(SolanaBuildError) {
        guard seeds.count <= limit else {
            throw SolanaBuildError(
                .tooManySeeds,
                "\(seeds.count) seeds were given but a program address takes at most \(limit) (16 in all, the bump seed included); hash or combine seeds."
            )
        }
        if let index = seeds.firstIndex(where: { $0.count > maxSeedLength }) {
            throw SolanaBuildError(
                .seedTooLong,
                "Seed \(index) is \(seeds[index].count) bytes but a seed is at most \(maxSeedLength); hash longer values first."
            )
        }
    }

    private static func programAddressHash(_ seeds: [[UInt8]], _ programID: SolanaPublicKey) -> SolanaPublicKey {
        var hasher = SHA256()
        for seed in seeds { hasher.update(data: seed) }
        hasher.update(data: programID.bytes)
        hasher.update(data: programDerivedAddressMarker)
        return SolanaPublicKey(uncheckedBytes: Array(hasher.finalize()))
    }
}

// MARK: - The Ed25519 base field

/// 𝔽ₚ with p = 2²⁵⁵ − 19, the field of Ed25519's coordinates (RFC 8032 §5.1), on the Montgomery arithmetic of
/// `Fields`. Used only for the public curve-membership check of ``SolanaPublicKey/isOnCurve``.
struct Ed25519BaseField: MontgomeryPrimeField {
    @usableFromInline var storage: FieldLimbs

    @inlinable @inline(__always)
    init(montgomery: FieldLimbs) { storage = montgomery }

    @inlinable @inline(__always)
    var montgomery: FieldLimbs { storage }

    /// p = 2²⁵⁵ − 19, little-endian limbs.
    @inlinable @inline(__always)
    static var modulus: FieldLimbs {
        FieldLimbs(0xFFFF_FFFF_FFFF_FFED, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF)
    }

    /// −p⁻¹ mod 2⁶⁴.
    @inlinable @inline(__always)
    static var montgomeryInverse: UInt64 { 0x86BC_A1AF_286B_CA1B }

    /// 2²⁵⁶ mod p = 38.
    @inlinable @inline(__always)
    static var montgomeryR: FieldLimbs { FieldLimbs(38, 0, 0, 0) }

    /// 2⁵¹² mod p = 38² = 1444.
    @inlinable @inline(__always)
    static var montgomeryR2: FieldLimbs { FieldLimbs(1444, 0, 0, 0) }

    /// (p − 1) / 2 = 2²⁵⁴ − 10: Euler's criterion exponent.
    static let halfOrderMinusOne = FieldLimbs(
        0xFFFF_FFFF_FFFF_FFF6, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x3FFF_FFFF_FFFF_FFFF)

    /// d = −121665 / 121666 mod p (RFC 8032 §5.1).
    static let d = Ed25519BaseField(
        reducing: FieldLimbs(0x75EB_4DCA_1359_78A3, 0x0070_0A4D_4141_D8AB, 0x8CC7_4079_7779_E898, 0x5203_6CEE_2B6F_FE73)
    )
}
