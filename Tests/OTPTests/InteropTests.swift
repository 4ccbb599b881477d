import Foundation
import TestSupport
import Testing

@testable import OTP

/// Interop with independent implementations: pyotp (PyPI) and oathtool (Debian's oath-toolkit).
@Suite(.serialized) struct InteropTests {
    struct CodeCase: Codable {
        let secret: String
        let algorithm: String
        let digits: Int
        let period: Int
        let time: Int64
    }
    struct CodeRequest: Codable {
        let op: String
        let cases: [CodeCase]
    }
    struct CodeResponse: Codable { let codes: [String] }

    static func peerScript() throws -> URL { try TestVectors.url("otp_peer.py", in: .module) }

    static func randomCases(count: Int, digits: ClosedRange<Int>, maxPeriod: Int) throws -> [CodeCase] {
        var rng = SystemRandomNumberGenerator()
        return try (0..<count).map { _ in
            let algorithm = OTPAlgorithm.allCases.randomElement(using: &rng)!
            let period = [15, 30, 30, 60, 90, Int.random(in: 1...maxPeriod, using: &rng)].randomElement(using: &rng)!
            return CodeCase(
                secret: try OTPSecret.generate(for: algorithm, byteCount: Int.random(in: 16...64, using: &rng)).base32,
                algorithm: algorithm.rawValue,
                digits: Int.random(in: digits, using: &rng),
                period: period,
                // Up to year ~2500: past 2038 and past 2^32 seconds.
                time: Int64.random(in: 0...17_000_000_000, using: &rng))
        }
    }

    static func ourCode(_ c: CodeCase) throws -> String {
        try TOTP(
            secret: OTPSecret(base32: c.secret), algorithm: OTPAlgorithm(name: c.algorithm)!, digits: c.digits,
            period: c.period
        )
        .code(at: c.time)
    }

    @Test func codesMatchPyotp() throws {
        // pyotp accepts periods of at most 120 s.
        let cases = try Self.randomCases(count: 2_000, digits: 6...10, maxPeriod: 120)
        let response = try ExternalPeer.python(
            script: Self.peerScript(), request: CodeRequest(op: "pyotp_codes", cases: cases), as: CodeResponse.self)
        #expect(response.codes.count == cases.count)
        for (c, theirs) in zip(cases, response.codes) {
            #expect(try Self.ourCode(c) == theirs, "\(c.algorithm) digits=\(c.digits) period=\(c.period) t=\(c.time)")
        }
    }

    @Test func codesMatchOathtool() throws {
        // liboath supports 6, 7 and 8 digits.
        let cases = try Self.randomCases(count: 1_000, digits: 6...8, maxPeriod: 3_600)
        let response = try ExternalPeer.python(
            script: Self.peerScript(), request: CodeRequest(op: "oathtool_codes", cases: cases), as: CodeResponse.self)
        #expect(response.codes.count == cases.count)
        for (c, theirs) in zip(cases, response.codes) {
            #expect(try Self.ourCode(c) == theirs, "\(c.algorithm) digits=\(c.digits) period=\(c.period) t=\(c.time)")
        }
    }

    // MARK: URIs

    struct ParsedURI: Codable, Equatable {
        let type: String
        let secret: String
        let issuer: String?
        let name: String
        let algorithm: String
        let digits: Int
        let period: Int?
        let counter: UInt64?
    }
    struct ParseRequest: Codable {
        let op: String
        let uris: [String]
    }
    struct ParseResponse: Codable { let parsed: [ParsedURI] }
    struct BuildCase: Codable {
        let secret: String
        let name: String
        let issuer: String?
        let algorithm: String
        let digits: Int
        let period: Int?
        let counter: UInt64?
    }
    struct BuildRequest: Codable {
        let op: String
        let cases: [BuildCase]
    }
    struct BuildResponse: Codable { let uris: [String] }

    /// Names with spaces, punctuation, colons, slashes, query characters and non-ASCII.
    static func randomName(_ rng: inout SystemRandomNumberGenerator) -> String {
        let alphabet = Array("abcdefXYZ0189 .@_-+:/?&=#%'é漢😀")
        var name = String((0..<Int.random(in: 1...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        while name.first == " " { name.removeFirst() }
        return name.isEmpty ? "account" : name
    }

    @Test func pyotpParsesOurURIs() throws {
        var rng = SystemRandomNumberGenerator()
        var ours = [OTPAuthURI]()
        for _ in 0..<1_000 {
            let algorithm = OTPAlgorithm.allCases.randomElement(using: &rng)!
            let kind: OTPAuthURI.Kind =
                Int.random(in: 0..<4, using: &rng) == 0
                ? .hotp(counter: UInt64.random(in: 0...UInt64(Int64.max), using: &rng))
                : .totp(period: Int.random(in: 1...120, using: &rng))
            ours.append(
                try OTPAuthURI(
                    kind: kind, account: Self.randomName(&rng),
                    issuer: Bool.random(using: &rng) ? Self.randomName(&rng) : nil,
                    secret: OTPSecret.generate(for: algorithm, byteCount: Int.random(in: 16...64, using: &rng)),
                    // pyotp.parse_uri accepts 6, 7 or 8 digits only.
                    algorithm: algorithm, digits: Int.random(in: 6...8, using: &rng)))
        }
        let response = try ExternalPeer.python(
            script: Self.peerScript(), request: ParseRequest(op: "pyotp_parse", uris: ours.map(\.uriString)),
            as: ParseResponse.self)
        #expect(response.parsed.count == ours.count)
        for (uri, theirs) in zip(ours, response.parsed) {
            let expected: ParsedURI
            switch uri.kind {
            case .totp(let period):
                expected = ParsedURI(
                    type: "totp", secret: uri.secret.base32, issuer: uri.issuer, name: uri.account,
                    algorithm: uri.algorithm.rawValue, digits: uri.digits, period: period, counter: nil)
            case .hotp(let counter):
                expected = ParsedURI(
                    type: "hotp", secret: uri.secret.base32, issuer: uri.issuer, name: uri.account,
                    algorithm: uri.algorithm.rawValue, digits: uri.digits, period: nil, counter: counter)
            }
            #expect(theirs == expected, "\(uri.uriString)")
        }
    }

    @Test func weParsePyotpURIs() throws {
        var rng = SystemRandomNumberGenerator()
        var cases = [BuildCase]()
        for _ in 0..<1_000 {
            let algorithm = OTPAlgorithm.allCases.randomElement(using: &rng)!
            let hotp = Int.random(in: 0..<4, using: &rng) == 0
            cases.append(
                BuildCase(
                    secret: try OTPSecret.generate(for: algorithm, byteCount: Int.random(in: 16...64, using: &rng))
                        .base32,
                    name: Self.randomName(&rng), issuer: Bool.random(using: &rng) ? Self.randomName(&rng) : nil,
                    algorithm: algorithm.rawValue, digits: Int.random(in: 6...8, using: &rng),
                    period: hotp ? nil : Int.random(in: 1...120, using: &rng),
                    counter: hotp ? UInt64.random(in: 0...UInt64(Int64.max), using: &rng) : nil))
        }
        let response = try ExternalPeer.python(
            script: Self.peerScript(), request: BuildRequest(op: "pyotp_build", cases: cases), as: BuildResponse.self)
        #expect(response.uris.count == cases.count)
        for (c, text) in zip(cases, response.uris) {
            let uri = try OTPAuthURI(parsing: text)
            #expect(uri.secret.base32 == c.secret, "\(text)")
            #expect(uri.account == c.name && uri.issuer == c.issuer, "\(text)")
            #expect(uri.algorithm.rawValue == c.algorithm && uri.digits == c.digits, "\(text)")
            if let counter = c.counter {
                #expect(uri.kind == .hotp(counter: counter))
            } else {
                #expect(uri.kind == .totp(period: c.period!))
            }
        }
    }
}
