import Foundation

// MARK: - One linear pass over a request body

/// Checks a request body against RFC 8259's grammar in one linear pass, before it is decoded, and refuses what
/// `JSONDecoder` would silently accept:
///
/// - **duplicate member names** (RFC 8259 §4: "The names within an object SHOULD be unique"; §4 notes that
///   implementations then disagree on which one counts). `JSONDecoder` keeps one of them, so a proxy, a WAF or an
///   audit tool that keeps the other would see a different request than the guardian. Names are compared as Swift
///   strings, after unescaping — `"wallet"` and `"wal\u006cet"` are one name — exactly as the decoder compares them;
/// - nesting deeper than ``maximumDepth`` (no request needs more than 4 levels).
///
/// The work is linear in the body's length: one scan, with a hash set per object, so a body at the size limit made
/// of thousands of members costs what any body of that size costs.
struct JSONStructure {
    /// Deepest nesting of objects and arrays accepted.
    static let maximumDepth = 32

    /// Throws `invalid_request` for malformed JSON, a repeated member name (named with its path), or deep nesting.
    static func validate(_ bytes: some Collection<UInt8>) throws(StrictJSONError) {
        // Scanned in place (a request body is contiguous: no copy); any other collection is copied once.
        let outcome = bytes.withContiguousStorageIfAvailable(scan) ?? Array(bytes).withUnsafeBufferPointer(scan)
        switch outcome {
        case .success: return
        case .failure(.duplicate(let name)):
            throw StrictJSONError("Field `\(name)` appears more than once; send each field once.", field: name)
        case .failure(.tooDeep):
            throw StrictJSONError("The request body nests objects and arrays more than \(maximumDepth) levels deep.")
        case .failure(.malformed):
            throw StrictJSONError("The request body is not valid JSON.")
        }
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Void, Failure> {
        var scanner = JSONStructure(bytes: bytes)
        return Result { () throws(Failure) in
            scanner.skipWhitespace()
            try scanner.value(depth: 0)
            scanner.skipWhitespace()
            guard scanner.index == scanner.bytes.count else { throw Failure.malformed }
        }
    }

    enum Failure: Error {
        case malformed
        case duplicate(String)
        case tooDeep
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Member names and array indexes from the root to the value being scanned, to name a duplicate.
    var path: [String] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
        {
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        guard index < bytes.count, bytes[index] == byte else { throw .malformed }
        index += 1
    }

    mutating func literal(_ text: String) throws(Failure) {
        let count = text.utf8.count
        guard index + count <= bytes.count, bytes[index..<index + count].elementsEqual(text.utf8) else {
            throw .malformed
        }
        index += count
    }

    mutating func value(depth: Int) throws(Failure) {
        guard index < bytes.count else { throw .malformed }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try string(decoding: false)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    mutating func object(depth: Int) throws(Failure) {
        guard depth <= Self.maximumDepth else { throw .tooDeep }
        index += 1  // {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        var names = Set<String>()
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .malformed }
            let name = try string(decoding: true) ?? ""
            guard names.insert(name).inserted else { throw .duplicate(Self.name(path + [name])) }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            path.append(name)
            try value(depth: depth)
            path.removeLast()
            skipWhitespace()
            guard index < bytes.count else { throw .malformed }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    mutating func array(depth: Int) throws(Failure) {
        guard depth <= Self.maximumDepth else { throw .tooDeep }
        index += 1  // [
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        var element = 0
        while true {
            skipWhitespace()
            path.append("[\(element)]")
            try value(depth: depth)
            path.removeLast()
            element += 1
            skipWhitespace()
            guard index < bytes.count else { throw .malformed }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    /// Scans a string (RFC 8259 §7); returns its decoded value when `decoding` (member names), else nil.
    mutating func string(decoding: Bool) throws(Failure) -> String? {
        index += 1  // opening quote
        let start = index
        var scalars: String.UnicodeScalarView? = nil  // built only when an escape makes the raw bytes differ
        var rawStart = start
        while true {
            guard index < bytes.count else { throw .malformed }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw .malformed }  // control characters must be escaped
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if decoding {
                if scalars == nil { scalars = String.UnicodeScalarView() }
                guard let raw = Self.utf8(bytes[rawStart..<index]) else { throw .malformed }
                scalars!.append(contentsOf: raw.unicodeScalars)
            }
            index += 1
            guard index < bytes.count else { throw .malformed }
            let escaped: Unicode.Scalar
            switch bytes[index] {
            case UInt8(ascii: "\""): escaped = "\""
            case UInt8(ascii: "\\"): escaped = "\\"
            case UInt8(ascii: "/"): escaped = "/"
            case UInt8(ascii: "b"): escaped = "\u{08}"
            case UInt8(ascii: "f"): escaped = "\u{0C}"
            case UInt8(ascii: "n"): escaped = "\n"
            case UInt8(ascii: "r"): escaped = "\r"
            case UInt8(ascii: "t"): escaped = "\t"
            case UInt8(ascii: "u"):
                let high = try hex4()
                if (0xD800...0xDBFF).contains(high) {
                    // A surrogate pair: \uD83D\uDE00.
                    guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
                        bytes[index + 2] == UInt8(ascii: "u")
                    else { throw .malformed }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw .malformed }
                    escaped = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                } else {
                    guard let scalar = Unicode.Scalar(high) else { throw .malformed }  // a lone low surrogate
                    escaped = scalar
                }
            default: throw .malformed
            }
            index += 1
            rawStart = index
            if decoding { scalars!.append(escaped) }
        }
        let end = index
        index += 1  // closing quote
        guard decoding else {
            guard Self.utf8(bytes[start..<end]) != nil else { throw .malformed }
            return nil
        }
        guard let tail = Self.utf8(bytes[rawStart..<end]) else { throw .malformed }
        guard var scalars else { return tail }
        scalars.append(contentsOf: tail.unicodeScalars)
        return String(scalars)
    }

    /// The bytes as a string when they are well-formed UTF-8 (RFC 8259 §8.1), else nil. (Foundation's check: the
    /// standard library's `String(validating:)` needs macOS 15 / iOS 18, newer than the package's platforms.)
    /// Foundation's decoder drops a leading byte-order mark, so it only validates; the text itself is decoded by the
    /// standard library, which keeps every scalar (a BOM after an escape stays part of the name).
    static func utf8(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        guard String(bytes: bytes, encoding: .utf8) != nil else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Four hex digits after `\u`; leaves `index` on the last one.
    mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 < bytes.count else { throw .malformed }
        var value: UInt32 = 0
        for _ in 0..<4 {
            index += 1
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .malformed
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 §6).
    mutating func number() throws(Failure) {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func digits() throws(Failure) {
            guard index < bytes.count, isDigit(bytes[index]) else { throw .malformed }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw .malformed }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { try digits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            try digits()
        }
    }

    /// `policy.spendingLimits[0].amount`: array indexes attach to their array's name.
    static func name(_ path: [String]) -> String {
        path.reduce(into: "") { name, part in name += part.hasPrefix("[") || name.isEmpty ? part : "." + part }
    }
}
