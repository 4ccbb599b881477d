import Crypto
import Foundation
import Testing

@testable import OTP

// MARK: - RFC vectors

@Suite struct OTPGenerationTests {
    @Test func rfc6238AppendixB() throws {
        let file = try RFC6238Vectors.load()
        #expect(file.vectors.count == 18)
        for vector in file.vectors {
            let algorithm = try #require(OTPAlgorithm(name: vector.algorithm))
            let seed = try #require(file.seeds[vector.algorithm])
            let totp = try TOTP(secret: OTPSecret(bytes: Array(seed.utf8)), algorithm: algorithm, digits: 8)
            #expect(try totp.step(at: vector.time) == UInt64(vector.step, radix: 16), "step at \(vector.time)")
            #expect(try totp.code(at: vector.time) == vector.code, "\(vector.algorithm) at \(vector.time)")
            #expect(
                try totp.verify(vector.code, at: vector.time, window: 0)
                    == OTPMatch(step: UInt64(vector.step, radix: 16)!, drift: 0))
        }
    }

    @Test func rfc4226AppendixD() throws {
        let file = try RFC4226Vectors.load()
        let hotp = try HOTP(secret: OTPSecret(bytes: Array(file.secret.utf8)))
        for vector in file.vectors {
            #expect(hotp.mac.truncatedValue(counter: vector.counter) == vector.truncated)
            #expect(hotp.code(counter: vector.counter) == vector.code)
        }
    }

    @Test(arguments: 6...10) func codesAreZeroPaddedStrings(digits: Int) throws {
        let totp = try TOTP(secret: .generate(), digits: digits)
        var sawLeadingZero = false
        for step in UInt64(0)..<2_000 {
            let code = totp.code(step: step)
            #expect(code.count == digits && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber))
            if code.first == "0" { sawLeadingZero = true }
        }
        #expect(sawLeadingZero, "2,000 codes without a leading zero: padding is not exercised")
    }

    @Test func extremeCountersAndTimes() throws {
        let hotp = try HOTP(secret: OTPSecret(bytes: Array("12345678901234567890".utf8)))
        #expect(hotp.code(counter: .max).count == 6)
        // T0 far in the past and the time far in the future: time − T0 overflows Int64 but the step must not.
        let totp = try TOTP(secret: OTPSecret(bytes: Array("12345678901234567890".utf8)), period: 1, t0: .min)
        #expect(try totp.step(at: .max) == UInt64.max)
        #expect(try totp.code(at: .max) == hotp.code(counter: .max))
        #expect(try totp.verify(hotp.code(counter: .max), at: .max, window: 1) == OTPMatch(step: .max, drift: 0))
        #expect(throws: OTPError.self) { try TOTP(secret: .generate(), t0: 100).step(at: 99) }
    }

    @Test func dateAndUnixTimeAgree() throws {
        let totp = try TOTP(secret: .generate())
        let date = Date(timeIntervalSince1970: 1_700_000_029.999)
        #expect(try totp.code(at: date) == totp.code(at: 1_700_000_029))
        #expect(try totp.secondsRemaining(at: 1_700_000_009) == 1)
        #expect(try totp.secondsRemaining(at: 1_699_999_990) == 20)
    }

    @Test func parameterValidation() throws {
        let secret = try OTPSecret.generate()
        for digits in [-1, 0, 5, 11, 100] {
            #expect(throws: OTPError.invalidDigits(digits)) { try TOTP(secret: secret, digits: digits) }
        }
        for period in [0, -30] {
            #expect(throws: OTPError.invalidPeriod(period)) { try TOTP(secret: secret, period: period) }
        }
        #expect(throws: OTPError.invalidWindow(11)) { try TOTP(secret: secret).verify("123456", at: 0, window: 11) }
    }
}

// MARK: - Secrets

@Suite struct OTPSecretTests {
    @Test func defaultLengthsFollowTheHash() throws {
        #expect(try OTPSecret.generate(for: .sha1).bytes.count == 20)
        #expect(try OTPSecret.generate(for: .sha256).bytes.count == 32)
        #expect(try OTPSecret.generate(for: .sha512).bytes.count == 64)
    }

    @Test func shortSecretsAreRejected() throws {
        for count in 0..<16 {
            #expect(throws: OTPError.secretTooShort(count)) {
                try OTPSecret(bytes: [UInt8](repeating: 7, count: count))
            }
        }
        #expect(throws: OTPError.secretTooShort(10)) { try OTPSecret(base32: "JBSWY3DPEHPK3PXP") }
        #expect(throws: OTPError.secretTooShort(8)) { try OTPSecret.generate(byteCount: 8) }
        let error = try #require(throws: OTPError.self) { try OTPSecret(bytes: [1, 2, 3]) }
        #expect(error.code == .secretTooShort && error.message.contains("16 bytes"))
    }

    @Test func generatedSecretsAreDistinctAndRedacted() throws {
        var seen = Set<[UInt8]>()
        for _ in 0..<1_000 {
            let secret = try OTPSecret.generate()
            #expect(seen.insert(secret.bytes).inserted)
            #expect(!"\(secret)".contains(secret.base32))
        }
        // Every bit position should be set in some secret and clear in another (a stuck bit means a broken RNG).
        var orAll = [UInt8](repeating: 0, count: 20)
        var andAll = [UInt8](repeating: 0xFF, count: 20)
        for secret in seen.map({ $0 }) {
            for i in 0..<20 {
                orAll[i] |= secret[i]
                andAll[i] &= secret[i]
            }
        }
        #expect(orAll.allSatisfy { $0 == 0xFF } && andAll.allSatisfy { $0 == 0 })
    }
}

// MARK: - Optimised HMAC against swift-crypto

@Suite struct PrecomputedHMACTests {
    /// The reference: swift-crypto's HMAC over the 8-byte big-endian counter, truncated per RFC 4226 §5.3.
    static func reference(_ algorithm: OTPAlgorithm, key: [UInt8], counter: UInt64) -> UInt32 {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let symmetricKey = SymmetricKey(data: key)
        let mac: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetricKey))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetricKey))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: symmetricKey))
            }
        let offset = Int(mac[mac.count - 1] & 0x0F)
        return UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
    }

    @Test(arguments: OTPAlgorithm.allCases)
    func matchesSwiftCryptoOnRandomKeysAndCounters(algorithm: OTPAlgorithm) {
        var rng = SystemRandomNumberGenerator()
        // Key lengths cross both block sizes (64 and 128 bytes), where RFC 2104 hashes the key first.
        for keyLength in [0, 1, 16, 20, 32, 63, 64, 65, 127, 128, 129, 200] {
            for _ in 0..<40 {
                let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let hmac = PrecomputedHMAC(algorithm: algorithm, key: key)
                for counter in [
                    UInt64.random(in: 0...UInt64.max, using: &rng), 0, .max,
                    UInt64.random(in: 0...1_000_000_000, using: &rng),
                ] {
                    #expect(
                        hmac.truncatedValue(counter: counter) == Self.reference(algorithm, key: key, counter: counter),
                        "\(algorithm) key length \(keyLength) counter \(counter)")
                }
            }
        }
    }
}
