// MARK: - compact-u16 ("shortvec")

/// Solana's compact-u16 length prefix (`short_vec`): a little-endian base-128 varint of at most
/// three bytes that encodes lengths `0...0xFFFF`.
///
/// Reference: Solana `solana-short-vec` crate (`encode_length`, `decode_shortu16_len`,
/// `visit_byte`) and the "Compact-Array Format" section of the Solana transaction docs. Decoding is
/// exactly as strict as the Rust visitor:
/// - a zero byte after the first (`0x80 0x00`, …) is an alias of a shorter encoding (`Alias`);
/// - the third byte must not have its continuation bit set (`ByteThreeContinues`);
/// - a decoded value above `0xFFFF` is an overflow (`Overflow`).
public enum ShortVec {
    /// Most bytes of an encoding: ⌈16 bits / 7 bits per byte⌉ = 3 (`MAX_ENCODING_LENGTH`).
    public static let maxEncodingLength = 3

    /// Largest encodable value: a `u16`.
    public static let maxValue = Int(UInt16.max)

    /// Encodes a length.
    ///
    /// - Parameter value: A value in `0...0xFFFF`.
    /// - Returns: One to three bytes: 7 value bits each, least significant group first, with the
    ///   high bit set on every byte but the last.
    public static func encode(_ value: UInt16) -> [UInt8] {
        var remaining = value
        var output: [UInt8] = []
        output.reserveCapacity(maxEncodingLength)
        while true {
            let group = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining == 0 {
                output.append(group)
                return output
            }
            output.append(group | 0x80)
        }
    }

    /// The number of bytes ``encode(_:)`` produces for `value`.
    public static func encodedLength(of value: UInt16) -> Int {
        value < 0x80 ? 1 : (value < 0x4000 ? 2 : 3)  // 2^7, 2^14
    }

    /// Decodes a length at the start of `bytes`.
    ///
    /// - Returns: The value and how many bytes it used.
    /// - Throws: ``ShortVecError`` (`truncated`, `non_canonical`, `too_long`, `overflow`).
    public static func decode<Bytes: Collection>(_ bytes: Bytes) throws(ShortVecError) -> (value: UInt16, length: Int)
    where Bytes.Element == UInt8 {
        var value: UInt32 = 0
        var index = bytes.startIndex
        for nth in 0..<maxEncodingLength {
            guard index != bytes.endIndex else {
                throw ShortVecError(code: .truncated, byteIndex: nth)
            }
            let byte = bytes[index]
            if byte == 0 && nth != 0 {
                // A trailing zero group adds nothing: a shorter encoding exists.
                throw ShortVecError(code: .nonCanonical, byteIndex: nth)
            }
            let done = byte & 0x80 == 0
            if nth == maxEncodingLength - 1 && !done {
                throw ShortVecError(code: .tooLong, byteIndex: nth)
            }
            value |= UInt32(byte & 0x7F) << (7 * UInt32(nth))
            guard value <= UInt32(UInt16.max) else {
                throw ShortVecError(code: .overflow, byteIndex: nth)
            }
            if done {
                return (UInt16(value), nth + 1)
            }
            index = bytes.index(after: index)
        }
        // Unreachable: the third byte either finishes or throws `tooLong` above.
        throw ShortVecError(code: .tooLong, byteIndex: maxEncodingLength - 1)
    }
}
