// MARK: - Signature

/// An Ed25519 signature as carried in a Solana transaction: 64 bytes, shown as Base58 text.
///
/// An all-zero signature marks an empty (not yet signed) slot, as `Signature::default()` does in
/// the Solana SDK.
public struct SolanaSignature: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// Length of an Ed25519 signature: R (32 bytes) ‖ S (32 bytes), RFC 8032 §5.1.6.
    public static let byteCount = 64

    /// The 64 raw signature bytes.
    public let bytes: [UInt8]

    /// Creates a signature from exactly 64 raw bytes.
    ///
    /// - Throws: ``SolanaValueError`` with code `wrong_length` for any other length.
    public init<Bytes: Collection>(bytes: Bytes) throws(SolanaValueError) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        guard array.count == Self.byteCount else {
            throw SolanaValueError(wrongLength: array.count, expected: Self.byteCount, kind: "signature")
        }
        self.bytes = array
    }

    /// Creates a signature from its Base58 text.
    public init(base58 text: String) throws(SolanaValueError) {
        do {
            self.bytes = try Base58.decode(text, expectedCount: Self.byteCount)
        } catch {
            throw SolanaValueError(base58: error, kind: "signature")
        }
    }

    /// `LosslessStringConvertible`: parses Base58 text, returning `nil` when it is not a signature.
    public init?(_ description: String) {
        guard let signature = try? Self(base58: description) else { return nil }
        self = signature
    }

    init(uncheckedBytes bytes: [UInt8]) {
        assert(bytes.count == Self.byteCount)
        self.bytes = bytes
    }

    /// The all-zero placeholder that marks an unsigned slot in a transaction.
    public static let empty = SolanaSignature(uncheckedBytes: [UInt8](repeating: 0, count: byteCount))

    /// Whether this is the all-zero placeholder of an unsigned slot.
    public var isEmpty: Bool { bytes.allSatisfy { $0 == 0 } }

    /// The Base58 text of the signature.
    public var base58: String { Base58.encode(bytes) }

    public var description: String { base58 }
}
