// MARK: - Base64url without padding

/// The URL- and filename-safe Base64 alphabet without padding (RFC 4648 §5, as JWTs use it, RFC 7515 §2) for
/// session tokens.
///
/// Decoding is strict and allocation-light because it runs on every authenticated request: only the `-`/`_`
/// alphabet, no padding, no whitespace, and the unused low bits of the last character must be zero, so each byte
/// string has exactly one accepted spelling (RFC 4648 §3.5, "canonical encoding").
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each ASCII byte's 6-bit value, or 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Encodes without padding: 4 characters per 3 bytes, 2 or 3 for a final 1 or 2 bytes.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int(group >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let group = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
        case 2:
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(alphabet[Int(group >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes canonical unpadded base64url of at most `maximumLength` characters; `nil` for anything else.
    static func decode(_ text: String, maximumLength: Int) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            let count = utf8.count
            // A remainder of 1 character cannot end a valid encoding (it carries only 6 bits).
            guard count <= maximumLength, count % 4 != 1 else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(count * 3 / 4)
            var accumulator: UInt32 = 0
            var bits = 0
            for character in utf8 {
                let value = values[Int(character)]
                guard value != 0xFF else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
            // Leftover bits (2 or 4) must be zero: otherwise two spellings would decode to the same bytes.
            guard accumulator == 0 else { return nil }
            return output
        }
    }
}
