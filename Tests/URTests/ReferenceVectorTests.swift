import Foundation
import QRCode
import Testing

@testable import UR

/// The published vectors of the reference implementations (bc-ur `test/test.cpp`, URKit's tests) and of
/// BCR-2020-005 / BCR-2020-012, from `Resources/*.json`.
@Suite("Reference vectors (bc-ur, URKit, BCR-2020-005, BCR-2020-012)")
struct ReferenceVectorTests {
    struct XoshiroVectors: Decodable {
        struct XOR: Decodable {
            let data1: String
            let data2: String
            let xor: String
        }
        struct Degrees: Decodable {
            let seqLen: Int
            let seedPrefix: String
            let degreesForNonces1to200: [Int]
        }
        let seed: String
        let nextMod100: [UInt64]
        let crc32SeedNextMod100: [UInt64]
        let nextInt1to10: [Int]
        let samplerWeights: [Double]
        let samplerSamples: [Int]
        let shuffleInput: [Int]
        let shuffles: [[Int]]
        let xor: XOR
        let chooseDegree: Degrees
    }

    struct FountainVectors: Decodable {
        struct Nominal: Decodable {
            let messageLength: Int
            let minFragmentLength: Int
            let maxFragmentLength: Int
            let fragmentLength: Int
        }
        struct Partition: Decodable {
            let messageLength: Int
            let minFragmentLength: Int
            let maxFragmentLength: Int
            let fragments: [String]
        }
        struct Choose: Decodable {
            let messageLength: Int
            let minFragmentLength: Int
            let maxFragmentLength: Int
            let indexesForSeqNum1to30: [[Int]]
        }
        struct Encoder: Decodable {
            let messageLength: Int
            let maxFragmentLength: Int
            let descriptions: [String]
            let cbor: [String]
        }
        let nominalFragmentLength: [Nominal]
        let partition: Partition
        let chooseFragments: Choose
        let encoder: Encoder
    }

    struct URVectors: Decodable {
        struct Single: Decodable {
            let messageLength: Int
            let ur: String
        }
        struct Multi: Decodable {
            let messageLength: Int
            let maxFragmentLength: Int
            let parts: [String]
        }
        struct Spec: Decodable {
            let singlePart: String
            let multiPartFirst: String
            let helloWorldCBOR: String
            let helloWorldMinimal: String
        }
        let singlePart: Single
        let multiPart: Multi
        let specExamples: Spec
    }

    struct BytewordsVectors: Decodable {
        struct CRC: Decodable {
            let text: String
            let crc: String
        }
        struct Vector: Decodable {
            let hex: String
            let standard: String
            let uri: String?
            let minimal: String
        }
        struct Invalid: Decodable {
            let style: String
            let text: String
            let code: String
        }
        let crc32: [CRC]
        let vectors: [Vector]
        let invalid: [Invalid]
    }

    // MARK: Xoshiro256**, the sampler, the shuffle

    @Test("Xoshiro256** seeded from SHA-256(\"Wolf\"), from the CRC-32 of \"Wolf\", and nextInt(1...10)")
    func xoshiro() throws {
        let vectors = try loadVectors(XoshiroVectors.self, "xoshiro")
        var rng = Xoshiro256(string: vectors.seed)
        #expect((0..<100).map { _ in rng.next() % 100 } == vectors.nextMod100)
        var crcSeeded = Xoshiro256(uint32: CRC32.checksum(Array(vectors.seed.utf8)))
        #expect((0..<100).map { _ in crcSeeded.next() % 100 } == vectors.crc32SeedNextMod100)
        var ints = Xoshiro256(string: vectors.seed)
        #expect((0..<100).map { _ in ints.nextInt(in: 1, 10) } == vectors.nextInt1to10)
    }

    @Test("the alias sampler draws the reference's 500 samples for weights 1, 2, 4, 8")
    func randomSampler() throws {
        let vectors = try loadVectors(XoshiroVectors.self, "xoshiro")
        let sampler = RandomSampler(vectors.samplerWeights)
        var rng = Xoshiro256(string: vectors.seed)
        #expect((0..<vectors.samplerSamples.count).map { _ in sampler.next(&rng) } == vectors.samplerSamples)
    }

    @Test("ten successive shuffles of 1...10 from one generator")
    func shuffle() throws {
        let vectors = try loadVectors(XoshiroVectors.self, "xoshiro")
        var rng = Xoshiro256(string: vectors.seed)
        let count = vectors.shuffleInput.count
        let shuffles = (0..<vectors.shuffles.count).map { _ in
            FragmentChooser.shuffledPrefix(count: count, take: count, rng: &rng).map { vectors.shuffleInput[$0] }
        }
        #expect(shuffles == vectors.shuffles)
    }

    @Test("nextData and XOR")
    func xor() throws {
        let vectors = try loadVectors(XoshiroVectors.self, "xoshiro")
        var rng = Xoshiro256(string: vectors.seed)
        let data1 = rng.nextData(count: 10)
        let data2 = rng.nextData(count: 10)
        #expect(Hex.encode(data1) == vectors.xor.data1)
        #expect(Hex.encode(data2) == vectors.xor.data2)
        #expect(Hex.encode(zip(data1, data2).map { $0 ^ $1 }) == vectors.xor.xor)
    }

    @Test("chooseDegree for seeds \"Wolf-1\" … \"Wolf-200\" over 11 fragments")
    func chooseDegree() throws {
        let vectors = try loadVectors(XoshiroVectors.self, "xoshiro").chooseDegree
        let chooser = FragmentChooser(sequenceLength: vectors.seqLen, checksum: 0)
        let degrees = (1...200).map { nonce in
            var rng = Xoshiro256(string: vectors.seedPrefix + String(nonce))
            return chooser.chooseDegree(&rng)
        }
        #expect(degrees == vectors.degreesForNonces1to200)
    }

    // MARK: Fountain encoder

    @Test("findNominalFragmentLength")
    func nominalFragmentLength() throws {
        for vector in try loadVectors(FountainVectors.self, "fountain").nominalFragmentLength {
            #expect(
                FountainEncoder.nominalFragmentLength(
                    messageLength: vector.messageLength, minFragmentLength: vector.minFragmentLength,
                    maxFragmentLength: vector.maxFragmentLength) == vector.fragmentLength)
        }
    }

    @Test("partitioning makeMessage(1024) into fragments of at most 100 bytes, and joining them back")
    func partition() throws {
        let vector = try loadVectors(FountainVectors.self, "fountain").partition
        let message = makeMessage(vector.messageLength)
        let length = FountainEncoder.nominalFragmentLength(
            messageLength: message.count, minFragmentLength: vector.minFragmentLength,
            maxFragmentLength: vector.maxFragmentLength)
        let fragments = FountainEncoder.partition(message, fragmentLength: length)
        #expect(fragments.map { Hex.encode($0) } == vector.fragments)
        #expect(Array(fragments.joined().prefix(message.count)) == message)
    }

    @Test("chooseFragments for sequence numbers 1…30 of makeMessage(1024)")
    func chooseFragments() throws {
        let vector = try loadVectors(FountainVectors.self, "fountain").chooseFragments
        let message = makeMessage(vector.messageLength)
        let length = FountainEncoder.nominalFragmentLength(
            messageLength: message.count, minFragmentLength: vector.minFragmentLength,
            maxFragmentLength: vector.maxFragmentLength)
        let chooser = FragmentChooser(
            sequenceLength: (message.count + length - 1) / length, checksum: CRC32.checksum(message))
        let indexes = (1...30).map { chooser.fragmentIndexes(sequenceNumber: UInt32($0)) }
        #expect(indexes == vector.indexesForSeqNum1to30)
    }

    @Test("the first 20 fountain parts of makeMessage(256) at 30 bytes, as descriptions and as CBOR")
    func fountainEncoder() throws {
        let vector = try loadVectors(FountainVectors.self, "fountain").encoder
        var encoder = try FountainEncoder(
            message: makeMessage(vector.messageLength), maxFragmentLength: vector.maxFragmentLength)
        let parts = (0..<20).map { _ in encoder.nextPart() }
        let descriptions = parts.map {
            "seqNum:\($0.sequenceNumber), seqLen:\($0.sequenceLength), messageLen:\($0.messageLength), "
                + "checksum:\($0.checksum), data:\(Hex.encode($0.data))"
        }
        #expect(descriptions == vector.descriptions)
        #expect(parts.map { Hex.encode($0.cbor) } == vector.cbor)
        // Each part's CBOR parses back to the same part.
        for (part, hex) in zip(parts, vector.cbor) { #expect(try FountainPart(cbor: hexBytes(hex)) == part) }
    }

    @Test("the encoder is complete after exactly seqLen parts")
    func encoderCompletes() throws {
        var encoder = try FountainEncoder(message: makeMessage(256), maxFragmentLength: 30)
        var generated = 0
        while !encoder.isComplete {
            _ = encoder.nextPart()
            generated += 1
        }
        #expect(generated == encoder.sequenceLength)
        #expect(generated == 9)
    }

    @Test("fountain round trip of makeMessage(32767) at 1000 bytes from sequence number 100")
    func fountainDecoder() throws {
        let message = makeMessage(32767)
        var encoder = try FountainEncoder(message: message, maxFragmentLength: 1000, firstSequenceNumber: 100)
        var decoder = FountainDecoder()
        var parts = 0
        while try !decoder.receive(encoder.nextPart()) {
            parts += 1
            try #require(parts < 1000)
        }
        #expect(decoder.message == message)
    }

    // MARK: Bytewords and CRC-32

    @Test("CRC-32 (the QRCode target's, shared with Bytewords)")
    func crc32() throws {
        for vector in try loadVectors(BytewordsVectors.self, "bytewords").crc32 {
            let crc = CRC32.checksum(Array(vector.text.utf8))
            #expect(Hex.encode(Xoshiro256.bigEndian(crc)) == vector.crc)
        }
    }

    @Test("Bytewords in the three styles, both ways, any case")
    func bytewords() throws {
        for vector in try loadVectors(BytewordsVectors.self, "bytewords").vectors {
            let data = try hexBytes(vector.hex)
            #expect(Bytewords.encode(data, style: .standard) == vector.standard)
            #expect(Bytewords.encode(data, style: .minimal) == vector.minimal)
            #expect(try Bytewords.decode(vector.standard, style: .standard) == data)
            #expect(try Bytewords.decode(vector.minimal, style: .minimal) == data)
            #expect(try Bytewords.decode(vector.minimal.uppercased(), style: .minimal) == data)
            #expect(try Bytewords.decode(vector.standard.capitalized, style: .standard) == data)
            if let uri = vector.uri {
                #expect(Bytewords.encode(data, style: .uri) == uri)
                #expect(try Bytewords.decode(uri, style: .uri) == data)
            }
        }
    }

    @Test("Bytewords refused: a bad checksum, too short, empty")
    func bytewordsInvalid() throws {
        for vector in try loadVectors(BytewordsVectors.self, "bytewords").invalid {
            let style = try #require(Bytewords.Style(rawValue: vector.style))
            #expect(
                errorCode { () throws(URError) in try Bytewords.decode(vector.text, style: style) }?.rawValue
                    == vector.code, "\(vector.text)")
        }
    }

    // MARK: URs

    @Test("single-part UR of makeMessageUR(50)")
    func singlePartUR() throws {
        let vector = try loadVectors(URVectors.self, "ur").singlePart
        let ur = try makeMessageUR(vector.messageLength)
        #expect(ur.string == vector.ur)
        #expect(try UR(parsing: vector.ur) == ur)
        #expect(try UR(parsing: vector.ur.uppercased()) == ur)
        var encoder = try UREncoder(ur, maxFragmentLength: 1000)
        #expect(encoder.isSinglePart)
        #expect(encoder.nextPart() == vector.ur)
    }

    @Test("the first 20 parts of makeMessageUR(256) at 30 bytes, and decoding them")
    func multiPartUR() throws {
        let vector = try loadVectors(URVectors.self, "ur").multiPart
        let ur = try makeMessageUR(vector.messageLength)
        var encoder = try UREncoder(ur, maxFragmentLength: vector.maxFragmentLength)
        #expect((0..<vector.parts.count).map { _ in encoder.nextPart() } == vector.parts)
        // The pure parts alone decode.
        var pure = URDecoder()
        for part in vector.parts.prefix(9) { try pure.receive(part) }
        #expect(pure.result == ur)
        // The fountain parts 10…20 determine every fragment but the fifth (as the Python port's decoder also finds);
        // with the pure part 5 the message completes.
        var mixed = URDecoder()
        var progress = URDecoder.Progress.inProgress(estimatedFraction: 0, receivedFragments: 0, expectedFragments: 0)
        for part in vector.parts.dropFirst(9) { progress = try mixed.receive(part.uppercased()) }
        #expect(progress == .inProgress(estimatedFraction: 11 / (9 * 1.75), receivedFragments: 8, expectedFragments: 9))
        #expect(try mixed.receive(vector.parts[4]) == .complete(ur))
    }

    @Test("multi-part round trip of makeMessageUR(32767) at 1000 bytes from sequence number 100")
    func multiPartRoundTrip() throws {
        let ur = try makeMessageUR(32767)
        var encoder = try UREncoder(ur, maxFragmentLength: 1000, firstSequenceNumber: 100)
        var decoder = URDecoder()
        var count = 0
        while decoder.result == nil {
            try decoder.receive(encoder.nextPart())
            count += 1
            try #require(count < 1000)
        }
        #expect(decoder.result == ur)
    }

    @Test("BCR-2020-005's examples: a single-part bytes UR, a crypto-seed part, \"Hello, world\" in Bytewords")
    func specExamples() throws {
        let vector = try loadVectors(URVectors.self, "ur").specExamples
        let single = try UR(parsing: vector.singlePart)
        #expect(single.type == "bytes")
        #expect(single.string == vector.singlePart)
        guard case .bytes(let seed) = single.item else {
            Issue.record("the example is not a byte string: \(single.item)")
            return
        }
        #expect(seed.count == 32)

        var decoder = URDecoder()
        let progress = try decoder.receive(vector.multiPartFirst)
        #expect(decoder.expectedType == "crypto-seed")
        guard case .inProgress(_, let received, let expected) = progress else {
            Issue.record("one part of thirteen completed the message: \(progress)")
            return
        }
        #expect(received == 1 && expected == 13)

        #expect(Bytewords.encode(try hexBytes(vector.helloWorldCBOR), style: .minimal) == vector.helloWorldMinimal)
        #expect(try UR(type: "test", cbor: hexBytes(vector.helloWorldCBOR)).item == .text("Hello, world"))
    }
}
