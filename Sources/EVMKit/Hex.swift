// MARK: - Hex

/// `0x`-prefixed hexadecimal as Ethereum writes it (JSON-RPC "DATA"; Ethereum JSON-RPC specification, §"Hex
/// encoding"): lowercase on output, either case on input.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `0x` followed by two lowercase hex digits per byte (`0x` for no bytes).
    public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes, prefix: Bool = true) -> String {
        var out: [UInt8] = prefix ? [UInt8(ascii: "0"), UInt8(ascii: "x")] : []
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hexadecimal with or without a `0x` prefix (either case); `nil` for an odd number of digits or a
    /// non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var utf8 = Substring(text).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
            utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
        {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for character in utf8 {
            guard let nibble = nibble(character) else { return nil }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    /// Decodes `0x`-prefixed hexadecimal (the prefix is required), optionally of an exact byte length.
    public static func decodePrefixed(_ text: String, byteCount: Int? = nil, what: String) throws(EVMError) -> [UInt8] {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), let bytes = decode(text) else {
            throw .invalidHex(what)
        }
        if let byteCount, bytes.count != byteCount {
            throw EVMError(.invalidHex, "\(what) must be \(byteCount) bytes (0x and \(byteCount * 2) hex digits)")
        }
        return bytes
    }

    @inline(__always)
    static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
