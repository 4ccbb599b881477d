import Foundation
import Testing
@testable import GuardianServer

// MARK: - The cosign JSON fast path agrees with the Codable path

/// ``JSONFastPath`` may only accelerate: whatever it accepts must decode to the same value through ``StrictJSON``,
/// and what it writes must be byte-identical to `JSONEncoder`'s output. Checked on many random and mutated inputs.
@Suite("JSON fast path")
struct JSONFastPathTests {
    /// Strings that exercise escaping: quotes, backslashes, slashes, every kind of control character, non-ASCII.
    static let awkward = ["", "a", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "😀", "a\"b\\c/d", "+/=", "AAAA==", "123456"]

    static func randomString(_ generator: inout some RandomNumberGenerator) -> String {
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: return awkward.randomElement(using: &generator)!
        case 1: return String((0..<Int.random(in: 0...40, using: &generator)).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".randomElement(using: &generator)! })
        default: return (0..<Int.random(in: 1...6, using: &generator)).map { _ in awkward.randomElement(using: &generator)! }.joined()
        }
    }

    // MARK: Writing

    @Test("CosignResponse: fast writer output is byte-identical to JSONEncoder's, 3,000 random responses")
    func responseBytesMatchEncoder() throws {
        var generator = SystemRandomNumberGenerator()
        let encoder = JSONCoding.makeEncoder()
        for _ in 0..<3_000 {
            let timeline = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                GuardianAPI.TimelineEntry(state: Self.randomString(&generator), atMicroseconds: Int64.random(in: Int64.min...Int64.max, using: &generator))
            }
            let response = GuardianAPI.CosignResponse(
                signature: Self.randomString(&generator), guardianPublicKey: Self.randomString(&generator), operationId: Self.randomString(&generator),
                transaction: Self.randomString(&generator), step: UInt64.random(in: 0...UInt64.max, using: &generator), timeline: timeline)
            let fast = response.encodeFast()
            let reference = try [UInt8](encoder.encode(response))
            #expect(fast == reference, "\(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: reference, as: UTF8.self))")
        }
    }

    // MARK: Reading

    static func decodeStrict(_ text: [UInt8]) -> Result<GuardianAPI.CosignRequest, APIError> {
        Result { () throws(APIError) in try StrictJSON.decode(GuardianAPI.CosignRequest.self, from: Data(text)) }
    }

    static func decodeFast(_ text: [UInt8]) -> GuardianAPI.CosignRequest? {
        text.withUnsafeBytes { GuardianAPI.CosignRequest.decodeFast($0) }
    }

    /// A JSON string literal for `value`, with optional gratuitous escapes (`\/`, `\u0041`) a client may emit.
    static func literal(_ value: String, _ generator: inout some RandomNumberGenerator) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += Bool.random(using: &generator) ? "\\/" : "/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            case "A" where Int.random(in: 0..<8, using: &generator) == 0: out += "\\u0041"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static let whitespace = ["", " ", "\n", "\t", "\r\n", "  "]

    /// A random body: usually a valid cosign request in random order and spacing, sometimes with an extra, missing,
    /// repeated or non-string member.
    static func randomBody(_ generator: inout some RandomNumberGenerator) -> (text: String, transaction: String, code: String, plain: Bool) {
        let transaction = randomString(&generator), code = randomString(&generator)
        func ws() -> String { whitespace.randomElement(using: &generator)! }
        var members = [("transaction", literal(transaction, &generator)), ("code", literal(code, &generator))]
        let variant = Int.random(in: 0..<10, using: &generator)
        switch variant {
        case 0: members.append(("extra", literal("x", &generator)))
        case 1: members.removeLast()
        case 2: members.append(("code", literal(randomString(&generator), &generator)))
        case 3: members[Int.random(in: 0..<2, using: &generator)].1 = ["123456", "null", "true", "{}", "[]", "1.5"].randomElement(using: &generator)!
        default: break
        }
        members.shuffle(using: &generator)
        let text = ws() + "{" + members.map { ws() + "\"\($0.0)\"" + ws() + ":" + ws() + $0.1 + ws() }.joined(separator: ",") + "}" + ws()
        return (text, transaction, code, variant > 3 && !text.contains("\\u"))
    }

    @Test("CosignRequest: whatever the fast reader accepts, StrictJSON decodes identically; 5,000 random bodies")
    func requestAgreesWithStrict() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let body = Self.randomBody(&generator)
            let bytes = Array(body.text.utf8)
            let strict = Self.decodeStrict(bytes)
            let fast = Self.decodeFast(bytes)
            if let fast {
                #expect(try strict.get() == fast, "\(body.text)")
                #expect(fast == GuardianAPI.CosignRequest(transaction: body.transaction, code: body.code))
            }
            // A plain valid request (no `\u` escape, nothing extra or missing) must actually take the fast path.
            if body.plain { #expect(fast != nil, "\(body.text)") }
        }
    }

    @Test("CosignRequest: mutated and truncated bodies — the fast reader never accepts what StrictJSON refuses")
    func mutatedBodiesNeverDiverge() throws {
        var generator = SystemRandomNumberGenerator()
        let valid = Array(#"{"transaction":"AQID\/+w==","code":"123456"}"#.utf8)
        #expect(Self.decodeFast(valid) == GuardianAPI.CosignRequest(transaction: "AQID/+w==", code: "123456"))
        for _ in 0..<20_000 {
            var bytes = valid
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &generator)...)
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: Int.random(in: 0...bytes.count, using: &generator))
            default: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &generator))
            }
            guard let fast = Self.decodeFast(bytes) else { continue }
            #expect(try Self.decodeStrict(bytes).get() == fast, "\(bytes)")
        }
    }

    @Test("refuses, for the strict decoder to judge: \\u escapes, control characters, bad UTF-8, repeats, trailing data")
    func leavesHardCasesToStrict() {
        for text in [
            #"{"transaction":"\u0041","code":"1"}"#, "{\"transaction\":\"a\u{01}\",\"code\":\"1\"}", #"{"transaction":"a","code":"1","code":"2"}"#,
            #"{"transaction":"a","code":"1"} x"#, #"{"transaction":"a","code":1}"#, #"{"transaction":"a"}"#, #"["a"]"#, "", #"{"transaction":"a","code":"1",}"#,
            #"{"transaction":"a\q","code":"1"}"#,
        ] {
            #expect(Self.decodeFast(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(Self.decodeFast([0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x22, 0x22, 0x7D]) == nil)   // {"\xC3":""}: ill-formed UTF-8
    }
}
