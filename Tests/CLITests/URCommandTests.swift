import Foundation
import TestSupport
import Testing

@testable import UR

// MARK: - ur

/// `chronoguard ur encode|decode`, run as the built executable; the UR library (checked against the published vectors
/// and the Python port of bc-ur in URTests) is the oracle.
@Suite(.serialized) struct URCommandTests {
    /// A `bytes` UR of `count` bytes from a fixed seed.
    static func payload(_ count: Int, seed: String = "CLI") throws -> UR {
        var rng = Xoshiro256(string: seed)
        return try UR(type: "bytes", item: .bytes(rng.nextData(count: count)))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func encodeSinglePart() throws {
        let ur = try Self.payload(20)
        let result = try CLI.run("ur", "encode", "--type", "bytes", "--hex", Self.hex(ur.cbor))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == ur.string + "\n")
        let twice = try CLI.run(
            "ur", "encode", "--type", "bytes", "--hex", "0X" + Self.hex(ur.cbor).uppercased(), "--count", "2")
        #expect(twice.stdout == ur.string + "\n" + ur.string + "\n")
    }

    @Test func encodeMultiPartMatchesTheLibrary() throws {
        let ur = try Self.payload(1000)
        // Default: the pure parts at the default fragment length.
        let result = try CLI.run("ur", "encode", "--type", "bytes", "--hex", Self.hex(ur.cbor))
        #expect(result.status == 0, "\(result.stderr)")
        var encoder = try UREncoder(ur)
        let expected = (0..<encoder.sequenceLength).map { _ in encoder.nextPart() }
        #expect(expected.count == 6)  // 1003 bytes of CBOR in fragments of at most 200 bytes
        #expect(result.stdout.split(separator: "\n").map(String.init) == expected)
        // An explicit fragment length and count, past the pure parts.
        let more = try CLI.run(
            "ur", "encode", "--type", "bytes", "--hex", Self.hex(ur.cbor), "--max-fragment-length", "90", "--count",
            "30")
        var small = try UREncoder(ur, maxFragmentLength: 90)
        #expect(more.stdout.split(separator: "\n").map(String.init) == (0..<30).map { _ in small.nextPart() })
        #expect(more.stdout == more.stdout.lowercased())
    }

    @Test func decodeRoundTrip() throws {
        let ur = try Self.payload(700, seed: "round trip")
        var encoder = try UREncoder(ur, maxFragmentLength: 60)
        let parts = (0..<(encoder.sequenceLength * 3)).map { _ in encoder.nextPart() }
        // Shuffled, the first pure part dropped, repeats, upper case: fountain parts fill the gap.
        var rng = SplitMix64(seed: 0x5552_434C_4921)
        var stream = Array(parts.dropFirst()).shuffled(using: &rng)
        stream += stream.prefix(3)
        stream = stream.enumerated().map { $0.offset % 2 == 0 ? $0.element.uppercased() : $0.element }
        let result = try CLI.run(["ur", "decode"] + stream)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "bytes\n" + Self.hex(ur.cbor) + "\n")
        let single = try CLI.run("ur", "decode", ur.string.uppercased())
        #expect(single.stdout == "bytes\n" + Self.hex(ur.cbor) + "\n")
    }

    @Test func decodeIncompleteExitsOne() throws {
        let ur = try Self.payload(700)
        var encoder = try UREncoder(ur, maxFragmentLength: 100)
        let parts = (0..<encoder.sequenceLength).map { _ in encoder.nextPart() }
        let result = try CLI.run(["ur", "decode"] + parts.dropLast(2))
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(parts.count - 2) of \(parts.count) fragments"), "\(result.stderr)")
    }

    @Test func decodeMalformedOrForeignExitsTwo() throws {
        let ur = try Self.payload(700)
        var encoder = try UREncoder(ur, maxFragmentLength: 100)
        var other = try UREncoder(try Self.payload(700, seed: "other"), maxFragmentLength: 100)
        let first = encoder.nextPart()
        let foreign = try CLI.run("ur", "decode", first, other.nextPart())
        #expect(foreign.status == 2)
        #expect(foreign.stderr.contains("Part 2") && foreign.stderr.contains("another message"), "\(foreign.stderr)")
        for bad in ["ur:bytes", "http://example.com", "ur:bytes/1-9/aeae", String(first.dropLast(3))] {
            let result = try CLI.run("ur", "decode", bad)
            #expect(result.status == 2, "\(bad): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: Part 1 cannot be used"), "\(result.stderr)")
        }
    }

    @Test func encodeRefusesBadInput() throws {
        #expect(try CLI.run("ur", "encode", "--type", "Bytes", "--hex", "00").status == 2)
        #expect(try CLI.run("ur", "encode", "--type", "bytes", "--hex", "0").status == 2)
        #expect(try CLI.run("ur", "encode", "--type", "bytes", "--hex", "1800").status == 2)  // not deterministic
        #expect(try CLI.run("ur", "encode", "--type", "bytes", "--hex", "").status == 2)
        #expect(
            try CLI.run("ur", "encode", "--type", "bytes", "--hex", "00", "--max-fragment-length", "9").status == 64)
        #expect(try CLI.run("ur", "encode", "--type", "bytes", "--hex", "00", "--count", "0").status == 64)
        #expect(try CLI.run("ur", "decode").status == 64)
    }
}
