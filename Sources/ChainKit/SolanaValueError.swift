// MARK: - Errors

/// A failure to build a fixed-size Solana value (key, signature, blockhash) from bytes or text.
public struct SolanaValueError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The text contains a character outside the Base58 alphabet.
        case invalidCharacter = "invalid_character"
        /// The bytes (or decoded text) have the wrong length for this kind of value.
        case wrongLength = "wrong_length"
    }

    /// The stable failure code.
    public let code: Code
    /// The underlying Base58 failure, when the value came from text.
    public let base58Error: Base58Error?
    /// A sentence saying what was wrong and what to do.
    public let reason: String

    init(wrongLength count: Int, expected: Int, kind: String) {
        self.code = .wrongLength
        self.base58Error = nil
        self.reason = "A Solana \(kind) is exactly \(expected) bytes, but \(count) bytes were given; pass the raw \(kind) bytes."
    }

    init(base58 error: Base58Error, kind: String) {
        switch error.code {
        case .invalidCharacter: self.code = .invalidCharacter
        case .wrongLength: self.code = .wrongLength
        }
        self.base58Error = error
        self.reason = "Invalid Solana \(kind) text: \(error.reason)"
    }
}
