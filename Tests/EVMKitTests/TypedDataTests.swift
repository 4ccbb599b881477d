import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("EIP-191 and EIP-712 message hashes")
struct TypedDataTests {
    static func peer(_ request: [String: Any]) throws -> [String: Any] {
        let reply = try ExternalPeer.pythonJSON(
            script: TestVectors.url("typed_data_peer.py", in: .module), request: request)
        return reply as? [String: Any] ?? [:]
    }

    static func decode(_ tree: Any) throws -> TypedData {
        try JSONDecoder().decode(TypedData.self, from: JSONSerialization.data(withJSONObject: tree))
    }

    static func hex(_ text: String) -> String { text.hasPrefix("0x") ? String(text.dropFirst(2)) : text }

    // MARK: EIP-191

    @Test("personal_sign hashes equal eth-account's encode_defunct for random messages (any bytes, any length)")
    func personalMessages() throws {
        var (random, seed) = SplitMix64.seeded()
        var messages: [[UInt8]] = [[], Array("Hello World".utf8), [0xFF, 0xFE, 0x00]]
        for length in 0..<120 { messages.append(random.bytes(length)) }
        messages.append(random.bytes(1000))
        let reply = try Self.peer(["messages": messages.map { Hex.encode($0, prefix: false) }])
        let expected = reply["personal"] as? [String] ?? []
        try #require(expected.count == messages.count)
        for (message, hash) in zip(messages, expected) {
            #expect(Hex.encode(PersonalMessage.hash(message), prefix: false) == Self.hex(hash), "seed \(seed)")
        }
        #expect(PersonalMessage.hash("Hello World") == PersonalMessage.hash(Array("Hello World".utf8)))
        #expect(PersonalMessage.prefixed(Array("abc".utf8)) == Array("\u{19}Ethereum Signed Message:\n3abc".utf8))
    }

    // MARK: EIP-712

    static let mail = """
        {
          "types": {
            "EIP712Domain": [
              {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
              {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
            "Mail": [
              {"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
              {"name": "contents", "type": "string"}
            ]
          },
          "primaryType": "Mail",
          "domain": {
            "name": "Ether Mail", "version": "1", "chainId": 1,
            "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
          },
          "message": {
            "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
            "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
            "contents": "Hello, Bob!"
          }
        }
        """

    @Test("the EIP's Mail example: encodeType, typeHash, hashStruct, domain separator and signing hash")
    func mailExample() throws {
        let data = try JSONDecoder().decode(TypedData.self, from: Data(Self.mail.utf8))
        #expect(
            try data.encodeType("Mail")
                == "Mail(Person from,Person to,string contents)Person(string name,address wallet)")
        #expect(
            try Hex.encode(data.typeHash("Mail"))
                == "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2")
        #expect(
            try Hex.encode(data.messageHash())
                == "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e")
        #expect(
            try Hex.encode(data.domainSeparator())
                == "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
        #expect(
            try Hex.encode(data.signingHash())
                == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        // Without types.EIP712Domain the domain type is inferred from the fields present, in the EIP's order.
        var inferred = data
        inferred.types["EIP712Domain"] = nil
        #expect(try inferred.signingHash() == data.signingHash())
    }

    /// Random typed-data documents: a DAG of struct types whose only unreferenced type is the primary type (as
    /// eth-account derives it), with atomic, string, bytes, struct and array members.
    struct Generator {
        var random: SplitMix64

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

        mutating func name() -> String {
            let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            return String(letters[int(0...25)]) + String((0..<int(1...6)).map { _ in letters[int(0...51)] })
        }

        mutating func atomic() -> String {
            switch int(0...6) {
            case 0: return "uint\(8 * int(1...32))"
            case 1: return "int\(8 * int(1...32))"
            case 2: return "address"
            case 3: return "bool"
            case 4: return "bytes\(int(1...32))"
            case 5: return "bytes"
            default: return "string"
            }
        }

        mutating func arrayed(_ base: String) -> String {
            var type = base
            for _ in 0..<(int(0...3) == 0 ? int(1...2) : 0) { type += int(0...1) == 0 ? "[]" : "[\(int(1...3))]" }
            return type
        }

        mutating func value(_ type: String, structs: [String: [[String: String]]]) -> Any {
            if type.hasSuffix("]"), let open = type.lastIndex(of: "[") {
                let element = String(type[..<open])
                let count = Int(type[type.index(after: open)..<type.index(before: type.endIndex)]) ?? int(0...3)
                return (0..<count).map { _ in value(element, structs: structs) }
            }
            if let fields = structs[type] {
                var object: [String: Any] = [:]
                for field in fields { object[field["name"] ?? ""] = value(field["type"] ?? "", structs: structs) }
                return object
            }
            switch type {
            case "address":
                let address = (try? EthereumAddress(bytes: random.bytes(20))) ?? .zero
                return int(0...1) == 0 ? address.checksummed : Hex.encode(address.bytes)
            case "bool": return int(0...1) == 0
            case "string":
                return (0..<int(0...40)).map { _ in ["a", "b", " ", "é", "😀", "\"", "Z"][int(0...6)] }.joined()
            case "bytes": return Hex.encode(random.bytes(int(1...70)))
            default: break
            }
            if type.hasPrefix("bytes"), let count = Int(type.dropFirst(5)) { return Hex.encode(random.bytes(count)) }
            let bits = Int(type.drop { !$0.isNumber }) ?? 256
            let signed = type.hasPrefix("int")
            let magnitudeBits = signed ? bits - 1 : bits
            // Small values as JSON numbers, large ones as decimal or hex strings.
            if magnitudeBits <= 52 || int(0...2) == 0 {
                let limit = Int64(1) << Int64(min(magnitudeBits, 52))
                let number = Int64.random(in: 0...(limit - 1), using: &random)
                return signed && int(0...1) == 0 ? -number : number
            }
            var numbers = ABIRandom(generator: random)
            var magnitude = numbers.unsigned(bits: magnitudeBits)
            random = numbers.generator
            if int(0...1) == 0 && !signed { return magnitude.quantity }
            if signed && int(0...1) == 0 {
                magnitude = UInt256.zero.subtractingReportingOverflow(magnitude).partialValue
                return magnitude.twosComplementDescription
            }
            return magnitude.description
        }

        mutating func document() -> [String: Any] {
            var names: [String] = []
            while names.count < int(1...5) {
                let candidate = name()
                if !names.contains(candidate) { names.append(candidate) }
            }
            var structs: [String: [[String: String]]] = [:]
            for (index, name) in names.enumerated() {
                var fields: [[String: String]] = []
                for fieldIndex in 0..<int(0...4) {
                    var type = atomic()
                    if index + 1 < names.count, int(0...3) == 0 { type = names[int((index + 1)...(names.count - 1))] }
                    fields.append(["name": "f\(fieldIndex)", "type": arrayed(type)])
                }
                structs[name] = fields
            }
            // Every type after the first is referenced by an earlier one, so the first is the primary type.
            for index in names.indices.dropFirst() {
                let parent = names[int(0...(index - 1))]
                structs[parent, default: []].append(["name": "r\(index)", "type": arrayed(names[index])])
            }
            let domainFields: [(String, String, Any)] = [
                ("name", "string", "Domain " + name()), ("version", "string", "\(int(1...9))"),
                ("chainId", "uint256", int(1...100_000)),
                ("verifyingContract", "address", Hex.encode(random.bytes(20))),
                ("salt", "bytes32", Hex.encode(random.bytes(32))),
            ]
            var domain: [String: Any] = [:]
            var domainType: [[String: String]] = []
            for (name, type, value) in domainFields where int(0...3) != 0 {
                domain[name] = value
                domainType.append(["name": name, "type": type])
            }
            var types: [String: Any] = structs
            if int(0...3) != 0 { types["EIP712Domain"] = domainType }
            let primary = names[0]
            return [
                "types": types, "primaryType": primary, "domain": domain,
                "message": value(primary, structs: structs),
            ]
        }
    }

    @Test("random typed-data documents hash as eth-account's encode_typed_data does")
    func randomDocuments() throws {
        let (random, seed) = SplitMix64.seeded()
        var generator = Generator(random: random)
        let documents = (0..<150).map { _ in generator.document() }
        let reply = try Self.peer(["documents": documents])
        let expected = reply["typed"] as? [[String: String]] ?? []
        try #require(expected.count == documents.count)
        for (document, hashes) in zip(documents, expected) {
            let data = try Self.decode(document)
            let context = "\(data.primaryType), seed \(seed)"
            #expect(try data.encodeType(data.primaryType) == hashes["encodeType"], "\(context)")
            #expect(
                try Hex.encode(data.typeHash(data.primaryType), prefix: false) == Self.hex(hashes["typeHash"] ?? ""))
            #expect(
                try Hex.encode(data.messageHash(), prefix: false) == Self.hex(hashes["messageHash"] ?? ""), "\(context)"
            )
            #expect(
                try Hex.encode(data.domainSeparator(), prefix: false) == Self.hex(hashes["domainSeparator"] ?? ""),
                "\(context)")
            #expect(
                try Hex.encode(data.signingHash(), prefix: false) == Self.hex(hashes["signingHash"] ?? ""), "\(context)"
            )
        }
    }

    @Test("malformed typed data is refused with invalid_typed_data")
    func refusals() throws {
        let base = try JSONDecoder().decode(TypedData.self, from: Data(Self.mail.utf8))
        func expectRefused(_ data: TypedData, _ what: String) {
            do {
                _ = try data.signingHash()
                Issue.record("\(what): accepted")
            } catch {
                #expect(error.code == .invalidTypedData, "\(what)")
            }
        }
        var unknown = base
        unknown.types["Person"] = [.init(name: "name", type: "string"), .init(name: "wallet", type: "Wallet")]
        expectRefused(unknown, "an unknown member type")
        var alias = base
        alias.types["Person"] = [.init(name: "name", type: "string"), .init(name: "wallet", type: "uint")]
        expectRefused(alias, "the uint alias")
        var missing = base
        missing.message["contents"] = nil
        expectRefused(missing, "a missing member")
        var null = base
        null.message["contents"] = .null
        expectRefused(null, "a null member")
        var nestedMissing = base
        nestedMissing.message["to"] = .object(["name": .string("Bob")])
        expectRefused(nestedMissing, "a missing nested member")
        var cyclic = base
        cyclic.types["Person"] = [.init(name: "name", type: "string"), .init(name: "boss", type: "Mail")]
        expectRefused(cyclic, "a cycle Mail → Person → Mail")
        var selfReference = base
        selfReference.types["Person"] = [.init(name: "friends", type: "Person[]")]
        selfReference.message["from"] = .object(["friends": .array([])])
        selfReference.message["to"] = .object(["friends": .array([])])
        expectRefused(selfReference, "a self-referencing type")
        var badAddress = base
        badAddress.message["from"] = .object(["name": .string("Cow"), "wallet": .string("0x1234")])
        expectRefused(badAddress, "a short address")
        var badChecksum = base
        badChecksum.message["from"] = .object([
            "name": .string("Cow"), "wallet": .string("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827"),
        ])
        expectRefused(badChecksum, "a wrong EIP-55 checksum")
        var wrongKind = base
        wrongKind.message["contents"] = .number("5")
        expectRefused(wrongKind, "a number for a string")
        var unknownDomain = base
        unknownDomain.types["EIP712Domain"] = nil
        unknownDomain.domain["extra"] = .string("x")
        expectRefused(unknownDomain, "an unknown domain field without types.EIP712Domain")
        var unknownPrimary = base
        unknownPrimary.primaryType = "Letter"
        expectRefused(unknownPrimary, "an unknown primary type")

        let small = TypedData(
            types: [
                "T": [
                    .init(name: "a", type: "uint8"), .init(name: "b", type: "bytes2"),
                    .init(name: "c", type: "int8[2]"),
                ]
            ],
            primaryType: "T", domain: ["chainId": .number("1")],
            message: ["a": .number("255"), "b": .string("0xabcd"), "c": .array([.number("-128"), .string("127")])])
        _ = try small.signingHash()
        for (member, value, what) in [
            ("a", TypedData.Value.number("256"), "uint8 out of range"), ("a", .number("-1"), "negative uint"),
            ("b", .string("0xab"), "bytes2 of one byte"), ("b", .string("abcd"), "bytes2 without 0x"),
            ("c", .array([.number("1")]), "int8[2] with one element"),
            ("c", .array([.number("1"), .number("128")]), "int8 out of range"), ("a", .bool(true), "a bool for uint8"),
        ] {
            var data = small
            data.message[member] = value
            expectRefused(data, what)
        }
        // Large JSON numbers lose precision, so they must be strings.
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(TypedData.Value.self, from: Data("123456789012345678901234567890".utf8))
        }
        #expect(try JSONDecoder().decode(TypedData.Value.self, from: Data("-42".utf8)) == .number("-42"))
    }
}
