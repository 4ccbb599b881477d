import Testing

@testable import OTP

@Suite struct Base32Tests {
    @Test func rfc4648Vectors() throws {
        for vector in try RFC4648Vectors.load().vectors {
            let unpadded = String(vector.base32.prefix { $0 != "=" })
            #expect(Base32.encode(Array(vector.plain.utf8)) == unpadded)
            #expect(try Base32.decode(vector.base32) == Array(vector.plain.utf8))
            #expect(try Base32.decode(unpadded) == Array(vector.plain.utf8))
            #expect(try Base32.decode(unpadded.lowercased()) == Array(vector.plain.utf8))
        }
    }

    @Test func randomRoundTrips() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Base32.encode(bytes)
            #expect(text.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
            #expect(try Base32.decode(text) == bytes)
            // Grouped for display, lower-cased, padded: still the same bytes.
            var grouped = ""
            for (i, c) in text.lowercased().enumerated() {
                grouped += (i > 0 && i % 4 == 0 ? (i % 8 == 0 ? " " : "-") : "") + String(c)
            }
            let padding = String(repeating: "=", count: (8 - text.count % 8) % 8)
            #expect(try Base32.decode(grouped + padding) == bytes)
        }
    }

    @Test func errorsNameTheCharacterAndPosition() throws {
        let error = try #require(throws: OTPError.self) { try Base32.decode("JBSW Y3D0") }
        #expect(error.code == .invalidBase32Character)
        #expect(error.message.contains("'0'") && error.message.contains("position 9"))
        let unicode = try #require(throws: OTPError.self) { try Base32.decode("MZXW6é") }
        #expect(unicode.message.contains("position 6") && unicode.message.contains("U+E9"))
        #expect(throws: OTPError.invalidBase32Padding(position: 3)) { try Base32.decode("MY==MZXQ") }
        for bad in ["A", "ABC", "ABCDEF", "ABCDEFGHA"] {
            #expect(throws: OTPError.self) { try Base32.decode(bad) }
        }
    }
}
