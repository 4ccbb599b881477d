// MARK: - Public key

/// A Solana account address: a 32-byte Ed25519 public key (or a program-derived address, which is
/// 32 bytes off the curve), shown as Base58 text.
///
/// Reference: Solana `solana-pubkey` crate, `Pubkey` (`PUBKEY_BYTES = 32`, Base58 `Display`).
public struct SolanaPublicKey: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// Length of a public key: an Ed25519 public key is 32 bytes (RFC 8032 §5.1.5).
    public static let byteCount = 32

    /// The 32 raw key bytes.
    public let bytes: [UInt8]

    /// Hashes the bytes as one block: keys are dictionary keys on the guardian's hot path (per-wallet gates, buckets),
    /// and the synthesized conformance feeds the hasher one byte at a time.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Creates a key from exactly 32 raw bytes.
    ///
    /// - Throws: ``SolanaValueError`` with code `wrong_length` for any other length.
    public init<Bytes: Collection>(bytes: Bytes) throws(SolanaValueError) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        guard array.count == Self.byteCount else {
            throw SolanaValueError(wrongLength: array.count, expected: Self.byteCount, kind: "public key")
        }
        self.bytes = array
    }

    /// Creates a key from its Base58 text (32–44 characters).
    ///
    /// - Throws: ``SolanaValueError`` wrapping the Base58 failure (naming the offending character
    ///   and position) or with code `wrong_length`.
    public init(base58 text: String) throws(SolanaValueError) {
        do {
            self.bytes = try Base58.decode(text, expectedCount: Self.byteCount)
        } catch {
            throw SolanaValueError(base58: error, kind: "public key")
        }
    }

    /// `LosslessStringConvertible`: parses Base58 text, returning `nil` when it is not a valid key.
    public init?(_ description: String) {
        guard let key = try? Self(base58: description) else { return nil }
        self = key
    }

    /// Unchecked initialiser for bytes whose length the caller has already verified.
    init(uncheckedBytes bytes: [UInt8]) {
        assert(bytes.count == Self.byteCount)
        self.bytes = bytes
    }

    /// The all-zero key (Base58 `11111111111111111111111111111111`), which is the System Program id.
    public static let zero = SolanaPublicKey(uncheckedBytes: [UInt8](repeating: 0, count: byteCount))

    /// The Base58 text of the key.
    public var base58: String { Base58.encode(bytes) }

    public var description: String { base58 }

    /// Orders keys by their raw bytes, lexicographically (the order of `Pubkey`'s `Ord`).
    public static func < (lhs: SolanaPublicKey, rhs: SolanaPublicKey) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
