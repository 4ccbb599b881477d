// MARK: - Errors

/// A Base58 decoding failure.
public struct Base58Error: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// A character outside the Bitcoin Base58 alphabet.
        case invalidCharacter = "invalid_character"
        /// Valid Base58 that decodes to the wrong number of bytes for the expected value.
        case wrongLength = "wrong_length"
    }

    /// The stable failure code.
    public let code: Code
    /// The offending character, for `invalid_character`.
    public let character: Character?
    /// The zero-based position (in characters) of the offending character, for `invalid_character`.
    public let position: Int?
    /// A sentence saying what was wrong and what to do.
    public let reason: String

    init(code: Code, reason: String) {
        self.code = code
        self.character = nil
        self.position = nil
        self.reason = reason
    }

    init(invalidCharacter character: Character, position: Int) {
        self.code = .invalidCharacter
        self.character = character
        self.position = position
        let shown = character.unicodeScalars.map { scalar in
            scalar.properties.isWhitespace || scalar.value < 0x20
                ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : String(scalar)
        }.joined()
        self.reason = "Character '\(shown)' at position \(position) is not in the Base58 alphabet (which excludes 0, O, I, l, whitespace and punctuation); remove or correct it."
    }
}
