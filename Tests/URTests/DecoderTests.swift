import Foundation
import QRCode
import TestSupport
import Testing

@testable import UR

/// What the decoders refuse, and how they behave on hostile input.
@Suite("Decoding untrusted parts")
struct DecoderTests {
    /// A multi-part string for a hand-made part.
    static func partString(type: String = "bytes", _ part: FountainPart) -> String {
        UREncoder.partString(type: type, part: part)
    }

    /// A multi-part string whose CBOR is `fields` as given, unchecked.
    static func rawPartString(_ fields: [CBOR], sequence: String = "1-1") -> String {
        "ur:bytes/\(sequence)/" + Bytewords.encode(CBOR.array(fields).encoded, style: .minimal)
    }

    static func parts(of ur: UR, maxFragmentLength: Int, count: Int) throws -> [String] {
        var encoder = try UREncoder(ur, maxFragmentLength: maxFragmentLength)
        return (0..<count).map { _ in encoder.nextPart() }
    }

    @Test("malformed UR strings: scheme, type, path, sequence, Bytewords")
    func malformedStrings() throws {
        let good = try makeMessageUR(50).string
        let body = String(good.dropFirst("ur:bytes/".count))
        let cases: [(String, URError.Code)] = [
            ("", .invalidScheme),
            ("bytes/" + body, .invalidScheme),
            ("urn:bytes/" + body, .invalidScheme),
            ("ur:/" + body, .invalidType),
            ("ur:by_tes/" + body, .invalidType),
            ("ur:bytés/" + body, .invalidType),
            ("ur:bytes", .invalidPath),
            ("ur:bytes/1-2/3/" + body, .invalidPath),
            ("ur:bytes/0-9/" + body, .invalidSequence),
            ("ur:bytes/1-0/" + body, .invalidSequence),
            ("ur:bytes/a-9/" + body, .invalidSequence),
            ("ur:bytes/1-9-3/" + body, .invalidSequence),
            ("ur:bytes/-1-9/" + body, .invalidSequence),
            ("ur:bytes/4294967296-9/" + body, .invalidSequence),
            ("ur:bytes/+1-9/" + body, .invalidSequence),
            ("ur:bytes/", .invalidBytewords),
            ("ur:bytes/" + body.dropLast(), .invalidBytewords),
            ("ur:bytes/" + body.dropLast(2) + "qq", .invalidBytewords),
            ("ur:bytes/" + body.dropLast(2) + "ae", .bytewordsChecksumMismatch),
            ("ur:bytes/" + String(body.reversed()), .invalidBytewords),
        ]
        for (text, code) in cases {
            var decoder = URDecoder()
            #expect(errorCode { () throws(URError) in try decoder.receive(text) } == code, "\(text.prefix(30))")
            #expect(errorCode { () throws(URError) in try UR(parsing: text) } != nil)
        }
        #expect(errorCode { () throws(URError) in try UR(parsing: "ur:bytes/1-9/" + body) } == .invalidPath)
        #expect(errorCode { () throws(URError) in try UR(type: "Bytes", cbor: [0x00]) } == .invalidType)
        #expect(errorCode { () throws(URError) in try UR(type: "bytes", cbor: [0x18, 0x01]) } == .cborNonShortestHead)
        #expect(errorCode { () throws(URError) in try UR(type: "bytes", cbor: []) } == .cborTruncated)
    }

    @Test("malformed fountain parts: shape, ranges, inconsistent lengths, sequence disagreeing with the CBOR")
    func malformedParts() throws {
        let data: CBOR = .bytes([1, 2, 3, 4])
        let cases: [(String, URError.Code)] = [
            (Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(4), .unsigned(0)]), .invalidPart),
            (Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(4), .unsigned(0), data, .null]), .invalidPart),
            (Self.rawPartString([.negative(0), .unsigned(1), .unsigned(4), .unsigned(0), data]), .invalidPart),
            (Self.rawPartString([.unsigned(1 << 32), .unsigned(1), .unsigned(4), .unsigned(0), data]), .invalidPart),
            (Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(4), .unsigned(1 << 32), data]), .invalidPart),
            (
                Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(4), .unsigned(0), .text("abcd")]),
                .invalidPart
            ),
            (Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(0), .unsigned(0), data]), .invalidPart),
            (Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(4), .unsigned(0), .bytes([])]), .invalidPart),
            // seqLen must be ⌈messageLen / fragmentLen⌉.
            (
                Self.rawPartString([.unsigned(1), .unsigned(2), .unsigned(4), .unsigned(0), data], sequence: "1-2"),
                .invalidPart
            ),
            (Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(5), .unsigned(0), data]), .invalidPart),
            // The path's seqNum-seqLen must match the CBOR's.
            (Self.rawPartString([.unsigned(2), .unsigned(1), .unsigned(4), .unsigned(0), data]), .invalidPart),
            (
                Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(4), .unsigned(0), data], sequence: "1-3"),
                .invalidPart
            ),
            ("ur:bytes/1-1/" + Bytewords.encode([0x85, 0x01], style: .minimal), .cborTruncated),
            ("ur:bytes/1-1/" + Bytewords.encode([0x9F, 0xFF], style: .minimal), .cborIndefiniteLength),
        ]
        for (text, code) in cases {
            var decoder = URDecoder()
            #expect(errorCode { () throws(URError) in try decoder.receive(text) } == code, "\(text)")
        }
    }

    @Test("a part claiming a 4 GB (or 2⁶⁴-byte) message is refused before anything is allocated; the bound is settable")
    func hugeClaims() throws {
        for claimed: UInt64 in [4_294_967_295, UInt64.max, UInt64(FountainDecoder.defaultMaxMessageLength) + 1] {
            let text = Self.rawPartString([.unsigned(1), .unsigned(1), .unsigned(claimed), .unsigned(0), .bytes([0])])
            var decoder = URDecoder()
            #expect(errorCode { () throws(URError) in try decoder.receive(text) } == .messageTooLong)
        }
        // A tighter bound refuses a real message just above it, and accepts one at it.
        let ur = try UR(type: "bytes", item: .bytes([UInt8](repeating: 7, count: 997)))  // 1000 bytes of CBOR
        let parts = try Self.parts(of: ur, maxFragmentLength: 100, count: 10)
        var tight = URDecoder(maxMessageLength: 999)
        #expect(errorCode { () throws(URError) in try tight.receive(parts[0]) } == .messageTooLong)
        var exact = URDecoder(maxMessageLength: 1000)
        for part in parts { try exact.receive(part) }
        #expect(exact.result == ur)
        // A single-part UR over the bound is refused too, from its length alone.
        let long = try UR(type: "bytes", item: .bytes([UInt8](repeating: 1, count: 20)))  // 21 bytes of CBOR
        var single = URDecoder(maxMessageLength: 20)
        #expect(errorCode { () throws(URError) in try single.receive(long.string) } == .messageTooLong)
        var roomy = URDecoder(maxMessageLength: 21)
        #expect(try roomy.receive(long.string) == .complete(long))
    }

    @Test("parts of another message are refused with part_from_other_message and leave the decoder unchanged")
    func otherMessage() throws {
        let ur = try makeMessageUR(256)
        let parts = try Self.parts(of: ur, maxFragmentLength: 30, count: 9)
        let others: [String] = [
            // Another message of another length, and of the same length (so another checksum).
            try Self.parts(of: try makeMessageUR(300), maxFragmentLength: 30, count: 1)[0],
            try Self.parts(of: try makeMessageUR(256, seed: "Other"), maxFragmentLength: 30, count: 1)[0],
            // The same message cut differently: another sequence length, or the same one with another fragment length.
            try Self.parts(of: ur, maxFragmentLength: 60, count: 1)[0],
            // Another type with the very same CBOR.
            try Self.parts(of: try UR(type: "crypto-psbt", cbor: ur.cbor), maxFragmentLength: 30, count: 1)[0],
            // A single-part UR of another message.
            try makeMessageUR(20).string,
        ]
        var decoder = URDecoder()
        try decoder.receive(parts[0])
        for other in others {
            #expect(
                errorCode { () throws(URError) in try decoder.receive(other) } == .partFromOtherMessage,
                "\(other.prefix(30))")
        }
        // The same sequence length but another fragment length (259 bytes in 9 fragments of 29 bytes, or of 30).
        let header = try FountainPart(
            cbor: Bytewords.decode(String(parts[1].split(separator: "/")[2]), style: .minimal))
        let shorter = try FountainPart(
            sequenceNumber: 2, sequenceLength: 9, messageLength: header.messageLength, checksum: header.checksum,
            data: header.data + [0])
        #expect(
            errorCode { () throws(URError) in try decoder.receive(Self.partString(shorter)) } == .partFromOtherMessage)
        for part in parts.dropFirst() { try decoder.receive(part) }
        #expect(decoder.result == ur)
        // Once complete, parts of the message (and its single-part form) are accepted, others still refused.
        #expect(try decoder.receive(parts[3]) == .complete(ur))
        #expect(try decoder.receive(ur.string) == .complete(ur))
        #expect(errorCode { () throws(URError) in try decoder.receive(others[1]) } == .partFromOtherMessage)
    }

    @Test("a single-part UR completes a multi-part decode of the same message")
    func singleCompletesMulti() throws {
        let ur = try makeMessageUR(100)
        let parts = try Self.parts(of: ur, maxFragmentLength: 30, count: 2)
        var decoder = URDecoder()
        try decoder.receive(parts[0])
        #expect(try decoder.receive(ur.string.uppercased()) == .complete(ur))
        #expect(try decoder.receive(parts[1]) == .complete(ur))
    }

    @Test("a message whose parts carry a wrong checksum fails at reassembly, and keeps failing")
    func checksumMismatch() throws {
        let message = makeMessage(100)
        let wrong = CRC32.checksum(message) ^ 1
        let fragments = FountainEncoder.partition(message, fragmentLength: 25)
        var decoder = FountainDecoder()
        for (index, fragment) in fragments.enumerated().dropLast() {
            let part = try FountainPart(
                sequenceNumber: UInt32(index + 1), sequenceLength: 4, messageLength: 100, checksum: wrong,
                data: fragment)
            #expect(try decoder.receive(part) == false)
        }
        let last = try FountainPart(
            sequenceNumber: 4, sequenceLength: 4, messageLength: 100, checksum: wrong, data: fragments[3])
        #expect(errorCode { () throws(URError) in try decoder.receive(last) } == .messageChecksumMismatch)
        #expect(decoder.isComplete && decoder.message == nil)
        #expect(errorCode { () throws(URError) in try decoder.receive(last) } == .messageChecksumMismatch)
    }

    @Test("repeats change nothing but the processed count; progress climbs to 0.99 and then 1")
    func repeatsAndProgress() throws {
        let ur = try makeMessageUR(256)
        let parts = try Self.parts(of: ur, maxFragmentLength: 30, count: 9)
        var decoder = URDecoder()
        #expect(decoder.estimatedFractionComplete == 0)
        for _ in 0..<50 { try decoder.receive(parts[2]) }
        #expect(decoder.processedPartCount == 50)
        #expect(decoder.progress == .inProgress(estimatedFraction: 0.99, receivedFragments: 1, expectedFragments: 9))
        for part in parts { try decoder.receive(part) }
        #expect(decoder.estimatedFractionComplete == 1)
        #expect(decoder.result == ur)
    }

    @Test("random mutations of real parts never trap: each is accepted, or refused with a URError")
    func fuzzParts() throws {
        var rng = seededGenerator(salt: 41)
        for round in 0..<40 {
            let ur = try PeerTests.randomUR(length: Int.random(in: 30...600, using: &rng), using: &rng)
            let parts = try Self.parts(of: ur, maxFragmentLength: Int.random(in: 10...80, using: &rng), count: 40)
            var decoder = URDecoder()
            for part in parts.shuffled(using: &rng) {
                var bytes = Array(part.utf8)
                if Int.random(in: 0..<3, using: &rng) > 0 {
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let index = Int.random(in: 0..<bytes.count, using: &rng)
                        switch Int.random(in: 0..<4, using: &rng) {
                        case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                        case 1:
                            bytes[index] =
                                Array("abcdefghijklmnopqrstuvwxyz-/0123456789".utf8).randomElement(using: &rng) ?? 0
                        case 2: bytes.remove(at: index)
                        default: bytes = Array(bytes.prefix(index))
                        }
                        if bytes.isEmpty { break }
                    }
                }
                _ = errorCode { () throws(URError) in try decoder.receive(String(decoding: bytes, as: UTF8.self)) }
            }
            // Whatever got through, a completed result is the message (the CRC-32 guards reassembly).
            if let result = decoder.result { #expect(result == ur, "round \(round)") }
        }
    }

    @Test("hostile headers stay cheap: a 1 MiB message in 1-byte fragments, mixed parts of any degree")
    func hostileSequenceLength() throws {
        let length = FountainDecoder.defaultMaxMessageLength
        var decoder = FountainDecoder()
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for number in UInt32(length + 1)...UInt32(length + 40) {
                let part = try FountainPart(
                    sequenceNumber: number, sequenceLength: length, messageLength: length, checksum: 0, data: [0xAB])
                try decoder.receive(part)
            }
        }
        #expect(decoder.processedPartCount == 40)
        #expect(elapsed < .seconds(30), "\(elapsed)")
    }
}
