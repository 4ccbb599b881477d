// MARK: - CBOR values

/// A CBOR data item (RFC 8949) in the subset that Uniform Resources and Chronoguard's request and proof types use:
/// integers, byte and text strings, arrays, maps, tags and the simple values false, true and null. Floating-point
/// numbers and other simple values are refused by the decoder (``URError/Code/cborUnsupported``).
///
/// ``encoded`` is always deterministic (RFC 8949 §4.2.1): every head in its shortest form, definite lengths only, map
/// keys sorted by the bytewise lexicographic order of their encodings. ``init(decoding:maxDepth:)`` accepts only such
/// encodings, so `CBOR(decoding: bytes).encoded == bytes` for every input it accepts.
public indirect enum CBOR: Sendable, Hashable {
    /// Major type 0: an unsigned integer 0…2⁶⁴−1.
    case unsigned(UInt64)
    /// Major type 1: the negative integer −1 − `n` (so `.negative(0)` is −1, `.negative(UInt64.max)` is −2⁶⁴).
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 4: an array.
    case array([CBOR])
    /// Major type 5: a map. Keys are unique by value; ``encoded`` sorts them (RFC 8949 §4.2.1).
    case map([CBOR: CBOR])
    /// Major type 6: a tagged item (RFC 8949 §3.4).
    case tagged(UInt64, CBOR)
    /// Major type 7, simple values 20 and 21.
    case bool(Bool)
    /// Major type 7, simple value 22.
    case null

    /// The default bound on nesting of arrays, maps and tags when decoding.
    public static let defaultMaxDepth = 64

    /// An integer item: `.unsigned` for values ≥ 0, `.negative` otherwise.
    public init(_ value: Int) {
        if value >= 0 {
            self = .unsigned(UInt64(value))
        } else {
            // −1 − value never overflows for a negative Int: it lies in 0…Int.max.
            self = .negative(UInt64(-1 - value))
        }
    }

    /// The value of an integer item when it fits in an `Int`, else nil.
    public var intValue: Int? {
        switch self {
        case .unsigned(let value):
            return value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value):
            return value <= UInt64(Int.max) ? -1 - Int(value) : nil
        default:
            return nil
        }
    }

    /// The bytes of a byte string, else nil.
    public var bytesValue: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// The string of a text string, else nil.
    public var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The elements of an array, else nil.
    public var arrayValue: [CBOR]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

extension CBOR: CustomStringConvertible {
    /// Diagnostic notation (RFC 8949 §8): `1`, `-2`, `h'0102'`, `"text"`, `[1, 2]`, `{1: 2}` (keys in deterministic
    /// order), `24(h'00')`, `false`, `true`, `null`.
    public var description: String {
        var output = ""
        writeDiagnostic(to: &output)
        return output
    }

    private func writeDiagnostic(to output: inout String) {
        switch self {
        case .unsigned(let value):
            output += String(value)
        case .negative(let value):
            // −1 − value: print as "-" followed by value + 1, computed without overflow for value = 2⁶⁴ − 1.
            output += value == UInt64.max ? "-18446744073709551616" : "-" + String(value + 1)
        case .bytes(let bytes):
            output += "h'" + Hex.encode(bytes) + "'"
        case .text(let text):
            output += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let digits = String(scalar.value, radix: 16)
                        output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                    } else {
                        output.unicodeScalars.append(scalar)
                    }
                }
            }
            output += "\""
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += ", " }
                item.writeDiagnostic(to: &output)
            }
            output += "]"
        case .map(let entries):
            output += "{"
            for (index, entry) in CBOR.sortedEntries(entries).enumerated() {
                if index > 0 { output += ", " }
                entry.key.writeDiagnostic(to: &output)
                output += ": "
                entry.value.writeDiagnostic(to: &output)
            }
            output += "}"
        case .tagged(let tag, let item):
            output += String(tag) + "("
            item.writeDiagnostic(to: &output)
            output += ")"
        case .bool(let value):
            output += value ? "true" : "false"
        case .null:
            output += "null"
        }
    }
}

// MARK: - Hex

/// Lowercase hexadecimal, for diagnostic notation. A namespace, internal so that it cannot clash with the `Hex` of
/// other Chronoguard modules (EVMKit's) in files that import both.
enum Hex {
    private static let digits: [Character] = Array("0123456789abcdef")

    /// Lowercase hex of `bytes`.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// The bytes of a hex string (either case, even length, no prefix or separators), or nil.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
