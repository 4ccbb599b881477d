// MARK: - Base58 (Bitcoin alphabet)

/// Base58 encoding with the Bitcoin alphabet, as used for every Solana address, blockhash and
/// signature in text form.
///
/// Reference: the Bitcoin Core implementation (`src/base58.cpp`) and the IETF draft
/// *draft-msporny-base58-03* §2–§3. Each leading `0x00` byte maps to one leading `"1"` and back, so
/// encoding is a bijection between byte strings and Base58 strings: `decode(encode(x)) == x` and
/// `encode(decode(s)) == s` for every valid `s`.
///
/// The conversion is the schoolbook quadratic base change. It is meant for the short values that
/// Solana uses (32- and 64-byte values, at most a few hundred bytes); it is not a streaming codec.
public enum Base58 {
    // MARK: Alphabet

    /// The Bitcoin Base58 alphabet: digits and letters without `0`, `O`, `I` and `l`
    /// (draft-msporny-base58-03 §2).
    public static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Maps an ASCII code to its digit value, or `0xFF` when the byte is not in the alphabet.
    private static let digitValues: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
        }
        return table
    }()

    // MARK: Encoding

    /// Encodes bytes as Base58 text.
    ///
    /// - Parameter bytes: Any byte string; the empty string encodes to `""`.
    /// - Returns: The Base58 text, with one `"1"` for each leading zero byte.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        let leadingZeros = input.prefix(while: { $0 == 0 }).count
        // The schoolbook base change, in limbs of 58^5 fed three bytes at a time: a limb (< 58^5 < 2^30) times 2^24
        // plus a carry stays below 2^55, so UInt64 arithmetic is exact, with ~15× fewer steps than digit by digit.
        let limbBase: UInt64 = 656_356_768  // 58^5
        // log(256) / log(58) ≈ 1.3657: upper bound of Base58 digits per input byte; 5 digits per limb.
        var limbs = [UInt64](repeating: 0, count: ((input.count - leadingZeros) * 138 / 100) / 5 + 2)
        var used = 0
        var position = leadingZeros
        while position < input.count {
            let take = min(3, input.count - position)
            var carry: UInt64 = 0
            for offset in 0..<take { carry = carry << 8 | UInt64(input[position + offset]) }
            let multiplier = UInt64(1) << (8 * take)
            var index = 0
            // limbs[0] is the least significant.
            while index < used || carry != 0 {
                let value = limbs[index] * multiplier + carry
                limbs[index] = value % limbBase
                carry = value / limbBase
                index += 1
            }
            used = index
            position += take
        }
        // Five digits per limb, least significant first; the top limb's leading zero digits are not part of the number.
        var digits: [UInt8] = []
        digits.reserveCapacity(used * 5)
        for limb in limbs[0..<used] {
            var value = limb
            for _ in 0..<5 {
                digits.append(UInt8(value % 58))
                value /= 58
            }
        }
        while digits.last == 0 { digits.removeLast() }
        var output = [UInt8](repeating: alphabet[0], count: leadingZeros)
        output.reserveCapacity(leadingZeros + digits.count)
        for digit in digits.reversed() { output.append(alphabet[Int(digit)]) }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Decoding

    /// Decodes Base58 text into bytes.
    ///
    /// - Parameter text: Base58 text; the empty string decodes to no bytes. No whitespace is
    ///   skipped: every character must be in ``alphabet``.
    /// - Returns: The decoded bytes, with one leading zero byte for each leading `"1"`.
    /// - Throws: ``Base58Error`` with code `invalid_character` naming the first character outside
    ///   the alphabet and its zero-based position (in characters).
    public static func decode(_ text: String) throws(Base58Error) -> [UInt8] {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        // Bytes, not Characters: grapheme breaking costs more than the arithmetic. Only an invalid text walks its
        // Characters, to name the offending one and its position.
        for byte in text.utf8 {
            let value = byte < 0x80 ? digitValues[Int(byte)] : 0xFF
            guard value != 0xFF else { throw invalidCharacterError(text) }
            values.append(value)
        }
        let leadingOnes = values.prefix(while: { $0 == 0 }).count
        // log(58) / log(256) ≈ 0.7322: upper bound of bytes per Base58 digit.
        var bytes = [UInt8](repeating: 0, count: (values.count - leadingOnes) * 733 / 1000 + 1)
        var used = 0
        for value in values[leadingOnes...] {
            var carry = Int(value)
            var index = 0
            // bytes[0] is the least significant byte.
            while index < used || carry != 0 {
                carry += 58 * Int(bytes[index])
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
                index += 1
            }
            used = index
        }
        var output = [UInt8](repeating: 0, count: leadingOnes)
        output.reserveCapacity(leadingOnes + used)
        for index in stride(from: used - 1, through: 0, by: -1) {
            output.append(bytes[index])
        }
        return output
    }

    /// The error for the first Character of `text` that is not a Base58 digit.
    private static func invalidCharacterError(_ text: String) -> Base58Error {
        for (position, character) in text.enumerated() {
            guard let ascii = character.asciiValue, digitValues[Int(ascii)] != 0xFF else {
                return Base58Error(invalidCharacter: character, position: position)
            }
        }
        preconditionFailure("a byte outside the alphabet is part of some Character outside it")
    }

    /// Decodes Base58 text that must hold exactly `count` bytes (a key, hash or signature).
    ///
    /// - Throws: ``Base58Error`` with code `invalid_character`, or `wrong_length` when the text is
    ///   valid Base58 but decodes to a different number of bytes.
    public static func decode(_ text: String, expectedCount count: Int) throws(Base58Error) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == count else {
            throw Base58Error(
                code: .wrongLength,
                message:
                    "Base58 text \"\(text.prefix(100))\" decodes to \(bytes.count) bytes, but \(count) bytes are required; check that the value was copied whole and is of the right kind."
            )
        }
        return bytes
    }
}
