import ChainKit
import TestSupport
import Testing

@Suite("compact-u16 (shortvec)")
struct ShortVecTests {
    @Test(
        "Edge values encode to the documented bytes",
        arguments: [
            (0, [0x00]),
            (127, [0x7F]),
            (128, [0x80, 0x01]),
            (255, [0xFF, 0x01]),
            (16383, [0xFF, 0x7F]),
            (16384, [0x80, 0x80, 0x01]),
            (65535, [0xFF, 0xFF, 0x03]),
        ] as [(UInt16, [UInt8])])
    func edgeValues(value: UInt16, encoded: [UInt8]) throws {
        #expect(ShortVec.encode(value) == encoded)
        #expect(ShortVec.encodedLength(of: value) == encoded.count)
        let decoded = try ShortVec.decode(encoded + [0xAA, 0xBB])
        #expect(decoded.value == value)
        #expect(decoded.length == encoded.count)
    }

    @Test("Every u16 round-trips")
    func exhaustiveRoundTrip() throws {
        for value in UInt16.min...UInt16.max {
            let encoded = ShortVec.encode(value)
            let decoded = try ShortVec.decode(encoded)
            guard decoded.value == value, decoded.length == encoded.count else {
                Issue.record("value \(value) decoded as \(decoded)")
                return
            }
        }
    }

    @Test(
        "Malformed encodings are rejected as Solana's short_vec does",
        arguments: [
            ([], .truncated),
            ([0x80], .truncated),
            ([0xFF, 0xFF], .truncated),
            ([0x80, 0x00], .nonCanonical),  // alias of 0
            ([0xFF, 0x00], .nonCanonical),  // alias of 127
            ([0x80, 0x80, 0x00], .nonCanonical),  // alias of 0
            ([0xFF, 0xFF, 0x00], .nonCanonical),  // alias of 16383
            ([0x80, 0x80, 0x80, 0x00], .tooLong),
            ([0xFF, 0xFF, 0xFF, 0x01], .tooLong),
            ([0x80, 0x80, 0x04], .overflow),  // 65536
            ([0xFF, 0xFF, 0x07], .overflow),  // 131071
            ([0xFF, 0xFF, 0x7F], .overflow),
        ] as [([UInt8], ShortVecError.Code)])
    func malformed(input: [UInt8], code: ShortVecError.Code) {
        let error = #expect(throws: ShortVecError.self) { try ShortVec.decode(input) }
        #expect(error?.code == code, "\(input)")
    }

    /// Model: a prefix is accepted exactly when it is the canonical encoding of its value.
    @Test("Random inputs: accepted exactly when canonical, never a crash")
    func randomInputs() {
        var rng = SplitMix64(seed: 16)
        for _ in 0..<20000 {
            let input = rng.bytes(Int.random(in: 0...4, using: &rng))
            if let (value, length) = try? ShortVec.decode(input) {
                #expect(Array(input.prefix(length)) == ShortVec.encode(value))
            } else if input.count >= 3 {
                // Rejected: no canonical encoding may be a prefix of the input.
                for length in 1...3 {
                    var value = 0
                    for (index, byte) in input.prefix(length).enumerated() { value |= Int(byte & 0x7F) << (7 * index) }
                    if value <= 0xFFFF {
                        #expect(ShortVec.encode(UInt16(value)) != Array(input.prefix(length)), "\(input)")
                    }
                }
            }
        }
    }
}
