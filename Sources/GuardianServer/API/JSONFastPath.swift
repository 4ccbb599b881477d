import Foundation

// MARK: - A fast path for flat JSON objects

/// Reading and writing the cosign endpoint's small, flat JSON objects without `JSONDecoder`/`JSONEncoder`, which
/// cost about 7 % of a cosign's CPU (the generic `Codable` machinery, boxing, `Data` copies).
///
/// The reader is an **accelerator, not a second parser of record**: it accepts only a strict subset of RFC 8259 — one
/// object whose values are all strings, each key at most once, the escapes of §7 except `\u` — and returns `nil`
/// for everything else, whereupon the caller decodes with ``StrictJSON`` as before. So every input it cannot vouch
/// for gets exactly the old result, including the old 400 naming the field; tests check both paths agree.
enum JSONFastPath {
    // MARK: Reading

    /// The members of a JSON object whose values are all strings, in order; `nil` if `bytes` is anything else or
    /// repeats a key.
    static func flatStringObject(_ bytes: UnsafeRawBufferPointer) -> [(key: String, value: String)]? {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        var members: [(key: String, value: String)] = []
        reader.skipWhitespace()
        if !reader.consume(UInt8(ascii: "}")) {
            while true {
                reader.skipWhitespace()
                guard let key = reader.string() else { return nil }
                reader.skipWhitespace()
                guard reader.consume(UInt8(ascii: ":")) else { return nil }
                reader.skipWhitespace()
                guard let value = reader.string() else { return nil }
                // A repeated key is left to the full decoder, whose rule for it is the one of record.
                guard !members.contains(where: { $0.key == key }) else { return nil }
                members.append((key, value))
                reader.skipWhitespace()
                if reader.consume(UInt8(ascii: ",")) { continue }
                guard reader.consume(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        reader.skipWhitespace()
        return reader.atEnd ? members : nil
    }

    /// The values of exactly the keys `names`, in that order, when `bytes` is a flat string object with those keys
    /// and no others; `nil` otherwise.
    static func exactStringFields(_ names: [String], in bytes: UnsafeRawBufferPointer) -> [String]? {
        guard let members = flatStringObject(bytes), members.count == names.count else { return nil }
        var values: [String] = []
        values.reserveCapacity(names.count)
        for name in names {
            guard let member = members.first(where: { $0.key == name }) else { return nil }
            values.append(member.value)
        }
        return values
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func skipWhitespace() {
            // RFC 8259 §2: space, horizontal tab, line feed, carriage return.
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string token (§7). Refuses control characters, `\u` escapes and ill-formed UTF-8 (the full decoder
        /// judges those).
        mutating func string() -> String? {
            guard consume(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var escaped = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return escaped ? Self.unescape(raw) : Self.validUTF8(raw)
                }
                if byte < 0x20 { return nil }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                    guard index < bytes.count else { return nil }
                }
                index += 1
            }
            return nil
        }

        private static func validUTF8(_ raw: UnsafeRawBufferPointer) -> String? {
            String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self)
        }

        private static func unescape(_ raw: UnsafeRawBufferPointer) -> String? {
            var output: [UInt8] = []
            output.reserveCapacity(raw.count)
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                index += 1
                guard byte == UInt8(ascii: "\\") else { output.append(byte); continue }
                switch raw[index] {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): output.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                default: return nil   // `\u` (surrogates and all) and invalid escapes: the full decoder's call
                }
                index += 1
            }
            return output.withUnsafeBytes { validUTF8($0) }
        }
    }

    // MARK: Writing

    /// Builds a compact JSON object (RFC 8259) member by member, escaping strings as `JSONEncoder` with
    /// `.withoutEscapingSlashes` does: `"` and `\` with a backslash, control characters as `\n`-style or `\u00XX`.
    struct ObjectWriter {
        private(set) var bytes: [UInt8]
        private var first = true

        init(capacity: Int = 512) {
            bytes = []
            bytes.reserveCapacity(capacity)
            bytes.append(UInt8(ascii: "{"))
        }

        mutating func string(_ key: String, _ value: String) {
            self.key(key)
            Self.appendString(value, to: &bytes)
        }

        mutating func integer<T: BinaryInteger>(_ key: String, _ value: T) {
            self.key(key)
            bytes.append(contentsOf: String(value).utf8)
        }

        /// An array of objects, each written by `body`.
        mutating func objects<S: Sequence>(_ key: String, _ elements: S, _ body: (inout ObjectWriter, S.Element) -> Void) {
            self.key(key)
            bytes.append(UInt8(ascii: "["))
            var firstElement = true
            for element in elements {
                if !firstElement { bytes.append(UInt8(ascii: ",")) }
                firstElement = false
                var nested = ObjectWriter(capacity: 64)
                body(&nested, element)
                bytes.append(contentsOf: nested.finished())
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// The object's bytes, closed.
        func finished() -> [UInt8] { bytes + [UInt8(ascii: "}")] }

        private mutating func key(_ key: String) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            Self.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }

        private static let hexDigits = Array("0123456789abcdef".utf8)

        static func appendString(_ value: String, to bytes: inout [UInt8]) {
            bytes.append(UInt8(ascii: "\""))
            // Base58, Base64 and hex need no escaping: copy them whole.
            var value = value
            let plain = value.withUTF8 { utf8 -> Bool in
                guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
                bytes.append(contentsOf: utf8)
                return true
            }
            if plain {
                bytes.append(UInt8(ascii: "\""))
                return
            }
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case ..<0x20:
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(hexDigits[Int(byte >> 4)])
                    bytes.append(hexDigits[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }
}

// MARK: - Adopting the fast path

/// A request body with a fast reader; `nil` means "decode with ``StrictJSON``".
protocol JSONFastDecodable: Decodable {
    static func decodeFast(_ bytes: UnsafeRawBufferPointer) -> Self?
}

/// A response body with a fast writer whose output equals `JSONCoding.makeEncoder()`'s, byte for byte.
protocol JSONFastEncodable: Encodable {
    func encodeFast() -> [UInt8]
}

extension GuardianAPI.CosignRequest: JSONFastDecodable {
    static func decodeFast(_ bytes: UnsafeRawBufferPointer) -> Self? {
        guard let fields = JSONFastPath.exactStringFields(["transaction", "code"], in: bytes) else { return nil }
        return Self(transaction: fields[0], code: fields[1])
    }
}

extension GuardianAPI.CosignResponse: JSONFastEncodable {
    func encodeFast() -> [UInt8] {
        var writer = JSONFastPath.ObjectWriter(capacity: 256 + transaction.utf8.count)
        // Keys in sorted order, as `JSONCoding.makeEncoder()` writes them.
        writer.string("guardianPublicKey", guardianPublicKey)
        writer.string("operationId", operationId)
        writer.string("signature", signature)
        writer.integer("step", step)
        writer.objects("timeline", timeline) { entry, element in
            entry.integer("atMicroseconds", element.atMicroseconds)
            entry.string("state", element.state)
        }
        writer.string("transaction", transaction)
        return writer.finished()
    }
}
