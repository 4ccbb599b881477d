// MARK: - ECDSASignature

/// A recoverable secp256k1 ECDSA signature as Ethereum carries it: `r`, `s` and the recovery id `yParity` (0 or 1,
/// the parity of the y-coordinate of the nonce point R; SEC 1 v2 §4.1.6).
///
/// Ethereum requires low s (`s ≤ n/2`, EIP-2 §1) for transactions; ``init(r:s:yParity:)`` refuses r or s outside
/// `[1, n)` and a yParity other than 0 or 1, while `s`'s half-order rule is checked where it applies (verification
/// and recovery refuse high s).
public struct ECDSASignature: Hashable, Sendable {
    /// The x-coordinate of the nonce point kG, reduced mod n.
    public let r: UInt256
    /// `k⁻¹ (z + r·d) mod n`, normalised to the lower half.
    public let s: UInt256
    /// 0 or 1: the parity of R's y-coordinate (R's x is r itself; r ≥ p − n never occurs in practice and is refused).
    public let yParity: UInt8

    /// The order n of secp256k1's group (SEC 2 v2 §2.4.1).
    public static let groupOrder = UInt256(
        limbs: .init(0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF))
    /// ⌊n / 2⌋: the largest s Ethereum accepts (EIP-2).
    public static let halfGroupOrder = UInt256(
        limbs: .init(0xDFE9_2F46_681B_20A0, 0x5D57_6E73_57A4_501D, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF))

    /// Checks 1 ≤ r, s < n and yParity ∈ {0, 1}.
    public init(r: UInt256, s: UInt256, yParity: UInt8) throws(EVMError) {
        guard !r.isZero, r < Self.groupOrder, !s.isZero, s < Self.groupOrder else {
            throw EVMError(.invalidSignature, "r and s must each be in [1, n) for secp256k1's group order n")
        }
        guard yParity <= 1 else {
            throw EVMError(.invalidSignature, "the recovery id (y parity) must be 0 or 1; got \(yParity)")
        }
        self.r = r
        self.s = s
        self.yParity = yParity
    }

    /// `true` when s ≤ n/2 (EIP-2's rule for transactions and `ecrecover`-based contracts that check it).
    public var hasLowS: Bool { !(Self.halfGroupOrder < s) }

    /// The 65-byte `r ‖ s ‖ v` form with `v = 27 + yParity` (`eth_sign`, `personal_sign`, EIP-191 signatures).
    public var rsv: [UInt8] { r.bigEndianBytes + s.bigEndianBytes + [27 + yParity] }

    /// Parses a 65-byte `r ‖ s ‖ v` signature; v may be 27/28 or 0/1.
    public init(rsv bytes: [UInt8]) throws(EVMError) {
        guard bytes.count == 65 else {
            throw EVMError(.invalidSignature, "an r ‖ s ‖ v signature is 65 bytes; got \(bytes.count)")
        }
        let v = bytes[64]
        guard v == 0 || v == 1 || v == 27 || v == 28 else {
            throw EVMError(.invalidSignature, "v must be 27 or 28 (or 0 or 1); got \(v)")
        }
        try self.init(
            r: UInt256(bigEndian: bytes[0..<32])!, s: UInt256(bigEndian: bytes[32..<64])!, yParity: v >= 27 ? v - 27 : v
        )
    }
}
