import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("Signing: transactions, personal_sign and EIP-712 signed here are attributed to our address by eth-account")
struct SigningInteropTests {
    struct MessageCase: Encodable {
        let message: String
        let signature: String
    }
    struct TypedCase: Encodable {
        let document: AnyJSON
        let signature: String
    }
    /// A JSON tree passed through to the peer as is.
    struct AnyJSON: Encodable {
        let value: Any
        func encode(to encoder: any Encoder) throws {
            let data = try JSONSerialization.data(withJSONObject: value)
            var container = encoder.singleValueContainer()
            try container.encode(try JSONDecoder().decode(JSONValue.self, from: data))
        }
    }
    indirect enum JSONValue: Codable {
        case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let n = try? c.decode(Double.self) {
                self = .number(n)
            } else if let s = try? c.decode(String.self) {
                self = .string(s)
            } else if let a = try? c.decode([JSONValue].self) {
                self = .array(a)
            } else {
                self = .object(try c.decode([String: JSONValue].self))
            }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .number(let n): try c.encode(n)
            case .bool(let b): try c.encode(b)
            case .null: try c.encodeNil()
            case .array(let a): try c.encode(a)
            case .object(let o): try c.encode(o)
            }
        }
    }
    struct PeerRequest: Encodable {
        var transactions: [String] = []
        var messages: [MessageCase] = []
        var typed: [TypedCase] = []
    }
    struct PeerReply: Decodable {
        let transactions: [String]
        let messages: [String]
        let typed: [String]
    }

    static let mail = """
        {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},\
        {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],\
        "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],\
        "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},\
        "primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,\
        "verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},\
        "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},\
        "to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}
        """

    @Test("60 transactions of each type, 50 messages and 20 typed-data documents signed with random keys")
    func ethAccountRecoversOurSignatures() throws {
        var (random, seed) = SplitMix64.seeded()
        var request = PeerRequest()
        var expected = (transactions: [String](), messages: [String](), typed: [String]())
        for index in 0..<180 {
            let key = Secp256k1PrivateKey.generate()
            let to = try EthereumAddress(bytes: random.bytes(20))
            let value = UInt256(bigEndian: random.bytes(Int(random.next() % 33)))!
            let data = random.bytes(Int(random.next() % 100))
            let chainId = 1 + random.next() % 100_000
            let transaction: Transaction
            switch index % 3 {
            case 0:
                transaction = .legacy(
                    LegacyTransaction(
                        chainId: chainId, nonce: random.next() % 1000,
                        gasPrice: UInt256(random.next() % 1_000_000_000_000),
                        gasLimit: 21_000 + random.next() % 1_000_000, to: to, value: value, data: data))
            case 1:
                transaction = .eip2930(
                    EIP2930Transaction(
                        chainId: chainId, nonce: random.next() % 1000,
                        gasPrice: UInt256(random.next() % 1_000_000_000_000),
                        gasLimit: 21_000 + random.next() % 1_000_000, to: to, value: value, data: data,
                        accessList: [try AccessListEntry(address: to, storageKeys: [random.bytes(32)])]))
            default:
                transaction = .eip1559(
                    EIP1559Transaction(
                        chainId: chainId, nonce: random.next() % 1000,
                        maxPriorityFeePerGas: UInt256(random.next() % 1_000_000_000),
                        maxFeePerGas: UInt256(random.next() % 1_000_000_000_000),
                        gasLimit: 21_000 + random.next() % 1_000_000,
                        to: index % 7 == 0 ? nil : to, value: value, data: data))
            }
            let signed = try transaction.signed(by: key)
            #expect(try signed.sender() == key.address, "seed \(seed)")
            #expect(try SignedTransaction.decode(raw: signed.rawTransaction) == signed)
            request.transactions.append(Hex.encode(signed.rawTransaction))
            expected.transactions.append(key.address.checksummed)
        }
        for _ in 0..<50 {
            let key = Secp256k1PrivateKey.generate()
            let message = random.bytes(Int(random.next() % 200))
            let signature = try PersonalMessage.sign(message, with: key)
            #expect(try PersonalMessage.signer(of: message, signature: signature) == key.address)
            request.messages.append(
                MessageCase(
                    message: Hex.encode(message, prefix: false), signature: Hex.encode(signature.rsv, prefix: false)))
            expected.messages.append(key.address.checksummed)
        }
        let document = try JSONDecoder().decode(TypedData.self, from: Data(Self.mail.utf8))
        for _ in 0..<20 {
            let key = Secp256k1PrivateKey.generate()
            let signature = try document.sign(with: key)
            #expect(try document.signer(of: signature) == key.address)
            request.typed.append(
                TypedCase(
                    document: AnyJSON(value: try JSONSerialization.jsonObject(with: Data(Self.mail.utf8))),
                    signature: Hex.encode(signature.rsv, prefix: false)))
            expected.typed.append(key.address.checksummed)
        }
        let reply: PeerReply = try ExternalPeer.python(
            script: TestVectors.url("recover_peer.py", in: .module), request: request)
        #expect(reply.transactions == expected.transactions, "seed \(seed)")
        #expect(reply.messages == expected.messages, "seed \(seed)")
        #expect(reply.typed == expected.typed, "seed \(seed)")
    }
}
