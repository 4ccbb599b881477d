// MARK: - Blockhash

/// A Solana blockhash (SHA-256 bank hash, 32 bytes) as used in a message's `recent_blockhash`,
/// shown as Base58 text.
///
/// Reference: Solana `solana-hash` crate, `Hash` (`HASH_BYTES = 32`).
public struct SolanaBlockhash: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// Length of a blockhash: a SHA-256 digest is 32 bytes (FIPS 180-4).
    public static let byteCount = 32

    /// The 32 raw hash bytes.
    public let bytes: [UInt8]

    /// Creates a blockhash from exactly 32 raw bytes.
    public init<Bytes: Collection>(bytes: Bytes) throws(SolanaValueError) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        guard array.count == Self.byteCount else {
            throw SolanaValueError(wrongLength: array.count, expected: Self.byteCount, kind: "blockhash")
        }
        self.bytes = array
    }

    /// Creates a blockhash from its Base58 text.
    public init(base58 text: String) throws(SolanaValueError) {
        do {
            self.bytes = try Base58.decode(text, expectedCount: Self.byteCount)
        } catch {
            throw SolanaValueError(base58: error, kind: "blockhash")
        }
    }

    /// `LosslessStringConvertible`: parses Base58 text, returning `nil` when it is not a blockhash.
    public init?(_ description: String) {
        guard let hash = try? Self(base58: description) else { return nil }
        self = hash
    }

    init(uncheckedBytes bytes: [UInt8]) {
        assert(bytes.count == Self.byteCount)
        self.bytes = bytes
    }

    /// The Base58 text of the blockhash.
    public var base58: String { Base58.encode(bytes) }

    public var description: String { base58 }
}
