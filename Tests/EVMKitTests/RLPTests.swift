import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("RLP (Yellow Paper, Appendix B)")
struct RLPTests {
    /// An item as the peer's JSON tree: a hex string for bytes, an array for a list.
    static func tree(_ item: RLP.Item) -> Any {
        switch item {
        case .bytes(let bytes): return Hex.encode(bytes, prefix: false)
        case .list(let items): return items.map(tree)
        }
    }

    static func item(_ tree: Any) -> RLP.Item? {
        if let text = tree as? String { return Hex.decode(text).map(RLP.Item.bytes) }
        guard let children = tree as? [Any] else { return nil }
        var items = [RLP.Item]()
        for child in children {
            guard let item = item(child) else { return nil }
            items.append(item)
        }
        return .list(items)
    }

    static func peer(
        encode: [RLP.Item] = [], decode: [[UInt8]] = [], integers: [[UInt8]] = []
    ) throws -> [String: Any] {
        let request: [String: Any] = [
            "encode": encode.map(tree), "decode": decode.map { Hex.encode($0, prefix: false) },
            "integers": integers.map { Hex.encode($0, prefix: false) },
        ]
        let reply = try JSONPeer.run("rlp_peer.py", request, bundle: .module)
        guard let reply = reply as? [String: Any] else {
            throw ExternalPeer.Failure(description: "rlp_peer.py did not answer with a JSON object")
        }
        return reply
    }

    /// The error `body` throws, or `nil` if it does not throw.
    static func refusal<T>(_ body: () throws(EVMError) -> T) -> EVMError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    /// A string length that often sits on an encoding boundary (1, 55/56, 255/256, 65535/65536).
    static func randomLength(_ random: inout SplitMix64) -> Int {
        switch random.next() % 16 {
        case 0: return 0
        case 1: return 1
        case 2...3: return [54, 55, 56, 57][Int(random.next() % 4)]
        case 4: return [255, 256, 300][Int(random.next() % 3)]
        case 5 where random.next() % 40 == 0: return [65_535, 65_536][Int(random.next() % 2)]
        default: return Int(random.next() % 40)
        }
    }

    static func randomItem(_ random: inout SplitMix64, depth: Int = 0) -> RLP.Item {
        if depth < 6, random.next() % 3 == 0 {
            let count = random.next() % 4 == 0 ? Int(random.next() % 60) : Int(random.next() % 5)
            return .list((0..<count).map { _ in randomItem(&random, depth: depth + 1 + (count > 8 ? 3 : 0)) })
        }
        if random.next() % 4 == 0 { return .bytes([UInt8(random.next() % 256)]) }  // single bytes around 0x80
        return .bytes(random.bytes(randomLength(&random)))
    }

    @Test("known answers from the Yellow Paper and the Ethereum wiki's RLP page")
    func knownAnswers() throws {
        let lorem = Array("Lorem ipsum dolor sit amet, consectetur adipisicing elit".utf8)
        let cases: [(RLP.Item, String)] = [
            (.bytes(Array("dog".utf8)), "83646f67"),
            (.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))]), "c88363617483646f67"),
            (.bytes([]), "80"),
            (.list([]), "c0"),
            (.uint(0), "80"),
            (.bytes([0]), "00"),
            (.uint(15), "0f"),
            (.uint(1024), "820400"),
            (.bytes([0x80]), "8180"),
            (.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]), "c7c0c1c0c3c0c1c0"),
            (.bytes(lorem), "b838" + Hex.encode(lorem, prefix: false)),
        ]
        for (item, hex) in cases {
            #expect(Hex.encode(RLP.encode(item), prefix: false) == hex)
            #expect(try RLP.decode(Hex.decode(hex) ?? []) == item)
        }
        #expect(try RLP.Item.bytes([0x04, 0x00]).asUInt256() == UInt256(1024))
        #expect(try RLP.Item.bytes([]).asUInt256() == .zero)
        #expect(try RLP.Item.uint(.max).asUInt256() == .max)
        #expect(RLP.Item.list([.bytes([1])]).asList == [.bytes([1])])
        #expect(RLP.Item.list([]).asBytes == nil)
        #expect(RLP.Item.bytes([1]).asList == nil)
    }

    @Test("400 random nested items: our encoding equals pyrlp's, and we decode pyrlp's output back to the item")
    func randomItemsMatchPyrlp() throws {
        var (random, seed) = SplitMix64.seeded()
        let items = (0..<400).map { _ in Self.randomItem(&random) }
        let reply = try Self.peer(encode: items, decode: items.map(RLP.encode))
        let encoded = try #require(reply["encoded"] as? [String])
        let decoded = try #require(reply["decoded"] as? [[String: Any]])
        try #require(encoded.count == items.count && decoded.count == items.count)
        for (index, item) in items.enumerated() {
            let theirs = try #require(Hex.decode(encoded[index]))
            #expect(RLP.encode(item) == theirs, "case \(index), seed \(seed)")
            #expect(try RLP.decode(theirs) == item, "case \(index), seed \(seed)")
            // pyrlp decodes our encoding to the same tree.
            #expect(
                decoded[index]["item"].flatMap(Self.item) == item, "pyrlp decoding ours, case \(index), seed \(seed)")
        }
    }

    @Test("integers: minimal big-endian bytes, round trip through asUInt256, as pyrlp's big_endian_int reads them")
    func integersMatchPyrlp() throws {
        var (random, seed) = SplitMix64.seeded()
        let values: [UInt256] =
            [.zero, 1, 0x7F, 0x80, 0xFF, 0x100, .max]
            + (0..<200).map { _ in
                let width = Int(random.next() % 33)
                return UInt256(bigEndian: random.bytes(width)) ?? .zero
            }
        let reply = try Self.peer(integers: values.map(\.minimalBigEndianBytes))
        let integers = try #require(reply["integers"] as? [[String: Any]])
        for (value, answer) in zip(values, integers) {
            let item = RLP.Item.uint(value)
            #expect(answer["value"] as? String == value.description, "seed \(seed)")
            #expect(try RLP.decode(RLP.encode(item)).asUInt256() == value, "seed \(seed)")
        }
    }

    /// Malformed and non-canonical encodings, the code we refuse each with, the offset we report and whether pyrlp
    /// (strict decoding) refuses it too.
    static let malformed: [(hex: String, code: EVMError.Code, offset: Int, pyrlpRefuses: Bool, why: String)] = [
        ("", .invalidRLP, 0, true, "empty input"),
        ("81", .invalidRLP, 0, true, "string truncated"),
        ("8100", .nonCanonicalRLP, 0, true, "single byte 0x00 wrapped as a string"),
        ("817f", .nonCanonicalRLP, 0, true, "single byte 0x7f wrapped as a string"),
        ("b800", .nonCanonicalRLP, 1, true, "long-form length with a leading zero"),
        ("b837" + String(repeating: "00", count: 55), .nonCanonicalRLP, 0, true, "long form for a 55-byte string"),
        ("b90038" + String(repeating: "00", count: 56), .nonCanonicalRLP, 1, true, "length with leading zeros"),
        ("b838" + String(repeating: "00", count: 55), .invalidRLP, 0, true, "long string one byte short"),
        ("b9ff", .invalidRLP, 0, true, "length itself truncated"),
        ("bfffffffffffffffff", .invalidRLP, 0, true, "2⁶⁴ − 1 announced, no overflow"),
        ("c1", .invalidRLP, 0, true, "list truncated"),
        ("c000", .invalidRLP, 1, true, "trailing byte"),
        ("8000", .invalidRLP, 1, true, "trailing byte after a string"),
        ("f800", .nonCanonicalRLP, 1, true, "long-form list length with a leading zero"),
        ("f837" + String(repeating: "00", count: 55), .nonCanonicalRLP, 0, true, "long form for a 55-byte list"),
        ("f90038" + String(repeating: "00", count: 56), .nonCanonicalRLP, 1, true, "list length with leading zeros"),
        ("ffffffffffffffffff", .invalidRLP, 0, true, "list of 2⁶⁴ − 1 bytes announced"),
        ("c2817f", .nonCanonicalRLP, 1, true, "non-canonical item inside a list"),
        ("c28301", .invalidRLP, 1, true, "item runs past its list's end"),
        ("c283010203", .invalidRLP, 1, true, "item runs past its list's end, bytes follow"),
        ("c3c38001", .invalidRLP, 1, true, "inner list runs past the outer list's end"),
    ]

    @Test("malformed and non-canonical encodings are refused with the right code and offset, as pyrlp refuses them")
    func malformedIsRefused() throws {
        let inputs = Self.malformed.map { Hex.decode($0.hex) ?? [] }
        let reply = try Self.peer(decode: inputs)
        let decoded = try #require(reply["decoded"] as? [[String: Any]])
        for (case_, (input, answer)) in zip(Self.malformed, zip(inputs, decoded)) {
            let error = Self.refusal { () throws(EVMError) in try RLP.decode(input) }
            #expect(error?.code == case_.code, "\(case_.why): \(case_.hex.prefix(20)) → \(String(describing: error))")
            #expect(error?.offset == case_.offset, "\(case_.why): offset")
            #expect((answer["error"] != nil) == case_.pyrlpRefuses, "\(case_.why): pyrlp answered \(answer)")
        }
    }

    @Test("integers with leading zeros are refused (as by pyrlp's big_endian_int); more than 32 bytes too")
    func nonCanonicalIntegers() throws {
        let reply = try Self.peer(integers: [[0], [0, 1], [0] + [UInt8](repeating: 0xFF, count: 31)])
        let integers = try #require(reply["integers"] as? [[String: Any]])
        #expect(integers.allSatisfy { $0["error"] != nil })
        for bytes: [UInt8] in [[0], [0, 1], [0] + [UInt8](repeating: 0xFF, count: 31)] {
            let error = Self.refusal { () throws(EVMError) in try RLP.Item.bytes(bytes).asUInt256() }
            #expect(error?.code == .nonCanonicalRLP)
        }
        // Difference: pyrlp's big_endian_int has no size limit; a uint256 has.
        let tooLong = Self.refusal { () throws(EVMError) in
            try RLP.Item.bytes([1] + [UInt8](repeating: 0, count: 32)).asUInt256()
        }
        #expect(tooLong?.code == .invalidRLP)
        #expect(Self.refusal { () throws(EVMError) in try RLP.Item.list([]).asUInt256() }?.code == .invalidRLP)
    }

    @Test("nesting: 64 lists deep decodes, 65 is refused (pyrlp accepts it: it has no depth limit), 100 000 too")
    func depthIsBounded() throws {
        func nested(_ depth: Int) -> RLP.Item {
            var item = RLP.Item.list([])
            for _ in 1..<depth { item = .list([item]) }
            return item
        }
        #expect(try RLP.decode(RLP.encode(nested(RLP.maximumDepth))) == nested(RLP.maximumDepth))
        let tooDeep = RLP.encode(nested(RLP.maximumDepth + 1))
        let error = Self.refusal { () throws(EVMError) in try RLP.decode(tooDeep) }
        #expect(error?.code == .invalidRLP)
        #expect(error?.offset == tooDeep.count - 1, "the innermost list, the last byte, is the 65th")
        let reply = try Self.peer(decode: [tooDeep])
        let decoded = try #require(reply["decoded"] as? [[String: Any]])
        #expect(decoded.first?["item"] != nil, "pyrlp decodes 65-deep nesting")
        // A hostile input: 100 000 well-formed nested lists cannot overflow the stack.
        var headers = [[UInt8]]()
        var length = 1  // the innermost 0xc0
        for _ in 1..<100_000 {
            let lengthBytes = UInt256(UInt64(length)).minimalBigEndianBytes
            let header = length < 56 ? [0xC0 + UInt8(length)] : [0xF7 + UInt8(lengthBytes.count)] + lengthBytes
            headers.append(header)
            length += header.count
        }
        let hostile: [UInt8] = Array(headers.reversed().joined()) + [0xC0]
        #expect(hostile.count == length)
        let hostileError = Self.refusal { () throws(EVMError) in try RLP.decode(hostile) }
        #expect(hostileError?.code == .invalidRLP)
        #expect(hostileError?.message.contains("nested") == true)
    }

    @Test("random mutations of valid encodings never trap; whatever decodes re-encodes to the same bytes")
    func mutationsNeverTrap() {
        var (random, seed) = SplitMix64.seeded()
        for _ in 0..<2_000 {
            var bytes = RLP.encode(Self.randomItem(&random))
            switch random.next() % 4 {
            case 0 where !bytes.isEmpty: bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(random.next() % 256)
            case 1 where !bytes.isEmpty: bytes.removeLast(Int(random.next() % UInt64(bytes.count)) + 1)
            case 2: bytes.insert(UInt8(random.next() % 256), at: Int(random.next() % UInt64(bytes.count + 1)))
            default: bytes = random.bytes(Int(random.next() % 12))
            }
            if let item = try? RLP.decode(bytes) {
                #expect(RLP.encode(item) == bytes, "canonical decoding means re-encoding is the identity, seed \(seed)")
            }
        }
    }
}
