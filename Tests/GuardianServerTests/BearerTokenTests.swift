import Foundation
import Testing

@testable import GuardianServer

// MARK: - Authorization header parsing

@Suite("Header parsing on the hot path")
struct BearerTokenTests {
    /// The previous, Foundation-based parser: the reference the hand-written scanner must agree with.
    static func reference(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        return token.isEmpty ? nil : token
    }

    @Test("agrees with the Foundation-based parser on 20,000 random header values")
    func agreesWithReference() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "Bearer", "bearer", "BEARER", "BeArEr", "Basic", "Bearerx", "Bear", " ", "  ", "\t", "tok", "AbC-_09",
            "x y", "é", "=",
        ]
        for _ in 0..<20_000 {
            let value = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            #expect(BearerToken.token(inAuthorization: value) == Self.reference(value), "\(value.debugDescription)")
        }
    }

    @Test func examples() {
        #expect(BearerToken.token(inAuthorization: "Bearer abc") == "abc")
        #expect(BearerToken.token(inAuthorization: "bearer   abc  ") == "abc")
        #expect(BearerToken.token(inAuthorization: "  BEARER abc") == "abc")
        #expect(BearerToken.token(inAuthorization: "Bearer") == nil)
        #expect(BearerToken.token(inAuthorization: "Bearer ") == nil)
        #expect(BearerToken.token(inAuthorization: "Bearer\tabc") == nil)
        #expect(BearerToken.token(inAuthorization: "Basic abc") == nil)
        #expect(BearerToken.token(inAuthorization: "Bearerabc") == nil)
    }

    /// The previous, Foundation-based JSON media-type check — with the media type taken before the first `;` (the
    /// old one skipped a leading `;`, accepting the malformed `;application/json`).
    static func referenceIsJSON(_ contentType: String) -> Bool {
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")).lowercased()
            } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    @Test("Content-Type JSON check agrees with the Foundation-based one on 20,000 random values")
    func isJSONAgreesWithReference() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "application/json", "Application/JSON", "application/", "text/plain", "+json", "json", "vnd.api", ";",
            "; charset=utf-8", " ", "\t", "x",
        ]
        for _ in 0..<20_000 {
            let value = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            #expect(HTTPBody.isJSON(value) == Self.referenceIsJSON(value), "\(value.debugDescription)")
        }
        #expect(HTTPBody.isJSON("application/problem+json; charset=utf-8"))
        #expect(!HTTPBody.isJSON(";application/json"))
        #expect(!HTTPBody.isJSON(nil))
    }
}
