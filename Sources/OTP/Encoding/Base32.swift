// MARK: - Base32 (RFC 4648 §6)

/// Base32 as used by authenticator apps for OTP secrets (RFC 4648 §6, the "base32" alphabet A–Z 2–7).
///
/// Encoding is upper-case and unpadded, as Key URIs expect. Decoding is forgiving where people are (lower case,
/// spaces and hyphens from grouped display, optional `=` padding) and strict everywhere else: any other character
/// is an error that names it and its position.
public enum Base32 {
    /// RFC 4648 Table 3.
    @usableFromInline static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Reverse table: byte → 5-bit value, 0xFF for "not in the alphabet"; lower case maps like upper case.
    @usableFromInline static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
            if symbol >= UInt8(ascii: "A"), symbol <= UInt8(ascii: "Z") {
                table[Int(symbol | 0x20)] = UInt8(value)
            }
        }
        return table
    }()

    /// Encodes bytes as unpadded upper-case Base32.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Base32 text: case-insensitive, ignoring spaces and hyphens, with optional trailing `=` padding.
    ///
    /// - Throws: ``OTPError`` `invalid_base32_character` naming the character and its 1-based position,
    ///   `invalid_base32_padding` for `=` followed by data, or `invalid_base32_length` for a length no byte string has.
    public static func decode(_ text: String) throws(OTPError) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        var significant = 0
        var paddingStart: Int? = nil
        // Positions are counted in characters (1-based) so the message matches what a person sees.
        for (index, character) in text.enumerated() {
            let position = index + 1
            if character == " " || character == "-" || character == "\t" { continue }
            if character == "=" {
                if paddingStart == nil { paddingStart = position }
                continue
            }
            guard let ascii = character.asciiValue, reverse[Int(ascii)] != 0xFF else {
                throw .invalidBase32Character(character, position: position)
            }
            if let paddingStart { throw .invalidBase32Padding(position: paddingStart) }
            buffer = (buffer << 5) | UInt32(reverse[Int(ascii)])
            bits += 5
            significant += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // RFC 4648 §6: a final quantum has 2, 4, 5 or 7 characters; 1, 3 or 6 cannot come from whole bytes.
        switch significant % 8 {
        case 1, 3, 6: throw .invalidBase32Length(significant)
        default: break
        }
        return output
    }
}
