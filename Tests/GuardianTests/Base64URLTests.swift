import Foundation
import Testing

@testable import Guardian

// MARK: - Base64url (RFC 4648 §5) against Foundation's Base64

@Suite("Base64URL")
struct Base64URLTests {
    /// Foundation's standard Base64, mapped to the URL alphabet and unpadded: the independent reference.
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        ).replacingOccurrences(of: "=", with: "")
    }

    @Test("encodes like Foundation and round-trips, 2,000 random byte strings of 0–48 bytes")
    func matchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...48, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == Self.reference(bytes))
            #expect(Base64URL.decode(encoded, maximumLength: 64) == bytes)
        }
    }

    @Test(
        "refuses padding, the standard alphabet, whitespace, impossible lengths, non-canonical bits and excess length")
    func refusesNonCanonical() {
        let token = Base64URL.encode(Array(0..<32))  // 43 characters: the last carries 4 unused bits
        #expect(Base64URL.decode(token, maximumLength: 64) != nil)
        #expect(Base64URL.decode(token + "=", maximumLength: 64) == nil)
        #expect(Base64URL.decode(token, maximumLength: 42) == nil)
        #expect(Base64URL.decode(" " + token, maximumLength: 64) == nil)
        #expect(Base64URL.decode("ab+c", maximumLength: 64) == nil)
        #expect(Base64URL.decode("ab/c", maximumLength: 64) == nil)
        #expect(Base64URL.decode("abcde", maximumLength: 64) == nil)
        #expect(Base64URL.decode("é", maximumLength: 64) == nil)
        // "AB" decodes to one byte and leaves 4 bits: "AB" sets one of them, "AA" does not.
        #expect(Base64URL.decode("AA", maximumLength: 64) == [0])
        #expect(Base64URL.decode("AB", maximumLength: 64) == nil)
        #expect(Base64URL.decode("AAB", maximumLength: 64) == nil)
        #expect(Base64URL.decode("", maximumLength: 64) == [])
        // Every single-character change of the last character but the canonical one is refused or decodes differently.
        let bytes = Base64URL.decode(token, maximumLength: 64)
        for character in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
            let variant = String(token.dropLast()) + String(character)
            if let decoded = Base64URL.decode(variant, maximumLength: 64) {
                #expect(variant == token || decoded != bytes)
            }
        }
    }
}
