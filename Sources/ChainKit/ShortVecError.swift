// MARK: - Errors

/// A compact-u16 decoding failure.
public struct ShortVecError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The input ended inside the encoding.
        case truncated = "shortvec_truncated"
        /// A zero byte after the first one: an overlong alias of a shorter encoding.
        case nonCanonical = "shortvec_non_canonical"
        /// The third byte has its continuation bit set: more than three bytes.
        case tooLong = "shortvec_too_long"
        /// The encoded value exceeds 0xFFFF.
        case overflow = "shortvec_overflow"
    }

    /// The stable failure code.
    public let code: Code
    /// Zero-based index, within the encoding, of the byte where decoding failed.
    public let byteIndex: Int

    /// A sentence saying what was wrong and what to do.
    public var reason: String {
        switch code {
        case .truncated:
            return "The compact-u16 length ends after \(byteIndex) byte(s) but its last byte had the continuation bit set; the data is truncated."
        case .nonCanonical:
            return "Byte \(byteIndex) of the compact-u16 length is zero, so a shorter encoding exists; Solana accepts only the shortest (canonical) encoding."
        case .tooLong:
            return "The third byte of the compact-u16 length has the continuation bit set; lengths are at most 3 bytes (values up to 65535)."
        case .overflow:
            return "The compact-u16 length exceeds 65535 (0xFFFF), the largest value Solana allows."
        }
    }
}
