import Foundation
import TestSupport
import Testing

@testable import UR

/// The CBOR codec: RFC 8949 Appendix A, hand-made invalid encodings, bounds, and random items both ways with cbor2.
@Suite("CBOR (RFC 8949, deterministic §4.2.1)")
struct CBORTests {
    struct VectorFile: Decodable {
        struct Entry: Decodable {
            let hex: String
            let diagnostic: String?
            let error: String?
            let note: String?
        }
        let entries: [Entry]
    }

    @Test("RFC 8949 Appendix A: the supported items decode to their diagnostic notation and re-encode identically")
    func appendixA() throws {
        let entries = try loadVectors(VectorFile.self, "cbor-appendix-a").entries
        #expect(entries.count == 82)
        for entry in entries {
            let input = try hexBytes(entry.hex)
            if let diagnostic = entry.diagnostic {
                let item = try CBOR(decoding: input)
                #expect(item.description == diagnostic, "\(entry.hex)")
                #expect(item.encoded == input, "\(entry.hex)")
            } else {
                let code = errorCode { () throws(URError) in try CBOR(decoding: input) }
                #expect(code?.rawValue == entry.error, "\(entry.hex)")
            }
        }
    }

    @Test("not deterministic, malformed or unsupported encodings are refused with their own code")
    func invalid() throws {
        for entry in try loadVectors(VectorFile.self, "cbor-invalid").entries {
            let input = try hexBytes(entry.hex)
            let code = errorCode { () throws(URError) in try CBOR(decoding: input) }
            #expect(code?.rawValue == entry.error, "\(entry.hex): \(entry.note ?? "")")
        }
    }

    @Test("nesting: 64 levels decode, 65 and a 100 000-level input are refused without recursion trouble")
    func depth() throws {
        func nested(_ levels: Int, head: UInt8) -> [UInt8] { [UInt8](repeating: head, count: levels) + [0x00] }
        for head: UInt8 in [0x81, 0xD8, 0xA1] {
            // 0xD8 needs a tag byte and 0xA1 a key: build them properly.
            var ok: [UInt8] = []
            var deep: [UInt8] = []
            switch head {
            case 0x81:
                ok = nested(64, head: 0x81)
                deep = nested(65, head: 0x81)
            case 0xD8:
                ok = Array([[UInt8]](repeating: [0xD8, 0x18], count: 64).joined()) + [0x00]
                deep = Array([[UInt8]](repeating: [0xD8, 0x18], count: 65).joined()) + [0x00]
            default:
                ok = Array([[UInt8]](repeating: [0xA1, 0x00], count: 64).joined()) + [0x00]
                deep = Array([[UInt8]](repeating: [0xA1, 0x00], count: 65).joined()) + [0x00]
            }
            #expect(try CBOR(decoding: ok).encoded == ok)
            #expect(errorCode { () throws(URError) in try CBOR(decoding: deep) } == .cborTooDeep)
        }
        #expect(errorCode { () throws(URError) in try CBOR(decoding: nested(100_000, head: 0x81)) } == .cborTooDeep)
        #expect(
            errorCode { () throws(URError) in try CBOR(decoding: [0x81, 0x81, 0x00], maxDepth: 1) } == .cborTooDeep)
        #expect(try CBOR(decoding: [0x00], maxDepth: 0) == .unsigned(0))
    }

    @Test("integers: Int conversions at the extremes")
    func integers() throws {
        #expect(CBOR(0) == .unsigned(0))
        #expect(CBOR(-1) == .negative(0))
        #expect(CBOR(Int.max) == .unsigned(UInt64(Int.max)))
        #expect(CBOR(Int.min) == .negative(UInt64(Int.max)))
        #expect(CBOR(Int.min).intValue == Int.min)
        #expect(CBOR.negative(UInt64(Int.max) + 1).intValue == nil)
        #expect(CBOR.unsigned(UInt64.max).intValue == nil)
        #expect(CBOR(-500).encoded == [0x39, 0x01, 0xF3])
    }

    @Test("maps encode in bytewise order of the encoded keys, not length-first")
    func mapOrder() throws {
        let map = CBOR.map([
            .text("aa"): .unsigned(1), .unsigned(10): .null, .negative(0): .bool(false), .unsigned(100): .null,
        ])
        // Keys 0x0a, 0x1864, 0x20, 0x626161 in bytewise order (RFC 8949 §4.2.1); RFC 7049's length-first order
        // would put 0x20 before 0x1864.
        #expect(Hex.encode(map.encoded) == "a40af61864f620f462616101")
        #expect(try CBOR(decoding: map.encoded) == map)
    }

    @Test("random items from this codec: cbor2 encodes the same trees to the same bytes")
    func randomItemsMatchCBOR2() throws {
        struct Request: Encodable {
            let op = "cbor_encode"
            let tree: CBORTree
        }
        struct Response: Decodable { let hex: String }
        var rng = seededGenerator(salt: 11)
        let items = (0..<300).map { _ in RandomCBOR.item(using: &rng) }
        let responses = try URPeer.call(items.map { Request(tree: CBORTree($0)) }, as: Response.self)
        for (item, response) in zip(items, responses) {
            #expect(Hex.encode(item.encoded) == response.hex, "\(item)")
            #expect(try CBOR(decoding: item.encoded) == item)
        }
    }

    @Test("random items from cbor2 (Python's random): this codec decodes them to the same trees and re-encodes them")
    func randomItemsFromCBOR2() throws {
        struct Request: Encodable {
            let op = "cbor_random"
            let seed: UInt64
            let count: Int
        }
        struct Response: Decodable {
            struct Item: Decodable {
                let tree: CBORTree
                let hex: String
            }
            let items: [Item]
        }
        var rng = seededGenerator(salt: 12)
        let responses = try URPeer.call(
            (0..<3).map { _ in Request(seed: UInt64.random(in: 0...UInt64(UInt32.max), using: &rng), count: 100) },
            as: Response.self)
        for item in responses.flatMap(\.items) {
            let input = try hexBytes(item.hex)
            let decoded = try CBOR(decoding: input)
            #expect(decoded == (try item.tree.item()), "\(item.hex)")
            #expect(decoded.encoded == input)
        }
    }

    @Test("random mutations of valid encodings never trap and round-trip when accepted")
    func mutations() throws {
        var rng = seededGenerator(salt: 13)
        for _ in 0..<3000 {
            var bytes = RandomCBOR.item(using: &rng).encoded
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: index)
                }
            }
            if let item = try? CBOR(decoding: bytes) { #expect(item.encoded == bytes) }
        }
    }
}

/// SHA-256, used only to seed Xoshiro256**.
@Suite("SHA-256 (FIPS 180-4)")
struct SHA256Tests {
    struct VectorFile: Decodable {
        struct Vector: Decodable {
            let message: String
            let digest: String
        }
        struct Repeated: Decodable {
            let `repeat`: String
            let count: Int
            let digest: String
        }
        let vectors: [Vector]
        let repeated: [Repeated]
    }

    @Test("FIPS 180-2 examples, including a million a's")
    func vectors() throws {
        let file = try loadVectors(VectorFile.self, "sha256")
        for vector in file.vectors { #expect(Hex.encode(SHA256.hash(Array(vector.message.utf8))) == vector.digest) }
        for vector in file.repeated {
            let message = [UInt8](repeating: Array(vector.`repeat`.utf8)[0], count: vector.count)
            #expect(Hex.encode(SHA256.hash(message)) == vector.digest)
        }
    }

    @Test("random messages of 0…300 bytes agree with Python's hashlib")
    func randomAgainstHashlib() throws {
        struct Request: Encodable {
            let op = "sha256"
            let hex: String
        }
        struct Response: Decodable { let hex: String }
        var rng = seededGenerator(salt: 21)
        let messages =
            (0...300).map { rng.bytes($0) } + (0..<100).map { _ in rng.bytes(Int.random(in: 0...2000, using: &rng)) }
        let responses = try URPeer.call(messages.map { Request(hex: Hex.encode($0)) }, as: Response.self)
        for (message, response) in zip(messages, responses) {
            #expect(Hex.encode(SHA256.hash(message)) == response.hex)
        }
    }
}
