import Testing

@testable import OTP

@Suite struct KeyURITests {
    @Test func generatesTheCanonicalForm() throws {
        let secret = try OTPSecret(bytes: Array("12345678901234567890".utf8))
        let uri = try OTPAuthURI(account: "alice@example.com", issuer: "Acme Co", secret: secret)
        #expect(
            uri.uriString
                == "otpauth://totp/Acme%20Co:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Co&algorithm=SHA1&digits=6&period=30"
        )
        #expect(!uri.description.contains(secret.base32))
        let hotp = try OTPAuthURI(
            kind: .hotp(counter: 42), account: "a:b", issuer: nil, secret: secret, algorithm: .sha512, digits: 8)
        #expect(
            hotp.uriString
                == "otpauth://hotp/a%3Ab?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA512&digits=8&counter=42")
    }

    @Test func roundTripsRandomURIs() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019 .@_-+:/?&=#%é漢😀")
        func name() -> String {
            String((0..<Int.random(in: 1...20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        for _ in 0..<1_000 {
            let algorithm = OTPAlgorithm.allCases.randomElement(using: &rng)!
            let kind: OTPAuthURI.Kind =
                Bool.random(using: &rng)
                ? .totp(period: Int.random(in: 1...600, using: &rng))
                : .hotp(counter: UInt64.random(in: 0...UInt64.max, using: &rng))
            var account = name()
            while account.first == " " { account.removeFirst() }
            if account.isEmpty { account = "x" }
            let uri = try OTPAuthURI(
                kind: kind, account: account, issuer: Bool.random(using: &rng) ? name() : nil,
                secret: OTPSecret.generate(for: algorithm, byteCount: Int.random(in: 16...64, using: &rng)),
                algorithm: algorithm, digits: Int.random(in: 6...10, using: &rng))
            #expect(try OTPAuthURI(parsing: uri.uriString) == uri, "\(uri.uriString)")
        }
    }

    @Test func acceptsCommonVariants() throws {
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        let a = try OTPAuthURI(
            parsing:
                "OTPAUTH://TOTP/Example:alice@google.com?secret=\(secret.lowercased())&issuer=Example&algorithm=sha256&image=https%3A%2F%2Fx"
        )
        #expect(
            a.issuer == "Example" && a.account == "alice@google.com" && a.algorithm == .sha256 && a.digits == 6
                && a.kind == .totp(period: 30))
        let b = try OTPAuthURI(parsing: "otpauth://totp/Example:%20%20alice?secret=\(secret)")
        #expect(b.issuer == "Example" && b.account == "alice")
        let c = try OTPAuthURI(parsing: "otpauth://totp/Example%3Aalice?secret=\(secret)&issuer=Example")
        #expect(c.issuer == "Example" && c.account == "alice")
        let d = try OTPAuthURI(parsing: "otpauth://totp/just%3Aname?secret=\(secret)")
        #expect(d.issuer == nil && d.account == "just:name")
        let e = try OTPAuthURI(parsing: "otpauth://hotp/Co:bob?secret=\(secret)&counter=0&digits=10&issuer=Co")
        #expect(e.issuer == "Co" && e.account == "bob" && e.digits == 10 && e.kind == .hotp(counter: 0))
    }

    @Test(arguments: [
        ("http://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_scheme"),
        ("otpauth:/totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_scheme"),
        ("otpauth://motp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_type"),
        ("otpauth://totp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_label"),
        ("otpauth://totp/a", "invalid_uri_secret"),
        ("otpauth://totp/a?secret=", "invalid_uri_secret"),
        ("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP", "invalid_uri_secret"),
        ("otpauth://totp/a?secret=GEZDGNBVGY3TQOJ1", "invalid_uri_secret"),
        ("otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=MD5", "invalid_uri_algorithm"),
        ("otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=5", "invalid_uri_digits"),
        ("otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=six", "invalid_uri_digits"),
        ("otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=0", "invalid_uri_period"),
        ("otpauth://hotp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_counter"),
        ("otpauth://hotp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=-1", "invalid_uri_counter"),
        ("otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=B", "invalid_uri_issuer"),
        ("otpauth://totp/a%2?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_encoding"),
        ("otpauth://totp/a%FF?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "invalid_uri_encoding"),
        (
            "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "invalid_uri_parameter"
        ),
    ])
    func badURIsSayWhichPartIsWrong(uri: String, code: String) throws {
        let error = try #require(throws: OTPError.self) { try OTPAuthURI(parsing: uri) }
        #expect(error.code.rawValue == code, "\(uri): \(error.message)")
        #expect(!error.message.isEmpty && !error.message.contains("GEZDGNBVGY3TQOJQ"))
    }
}
