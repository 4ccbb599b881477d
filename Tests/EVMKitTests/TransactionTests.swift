import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("Transactions: EIP-155 legacy, EIP-2930, EIP-1559")
struct TransactionTests {
    // MARK: Peer wire format

    struct AccessListJSON: Codable {
        let address: String
        let storageKeys: [String]
    }

    /// A transaction as tx_peer.py takes it: integers as decimal strings, bytes as hex without 0x.
    struct TransactionJSON: Codable {
        let type: Int
        let chainId, nonce, gas, value: String
        var gasPrice, maxPriorityFeePerGas, maxFeePerGas: String?
        let to: String?
        let data: String
        let accessList: [AccessListJSON]
    }

    struct SignCase: Encodable {
        let key: String
        let tx: TransactionJSON
    }

    struct DigestCase: Encodable {
        let digest, r, s: String
        let yParity: Int
    }

    struct Request: Encodable {
        var sign: [SignCase] = []
        var recover: [String] = []
        var recoverDigest: [DigestCase] = []
    }

    struct Signed: Decodable {
        let raw, hash, signingHash, r, s, v, address: String
    }

    struct Reply: Decodable {
        let signed: [Signed]
        let recovered: [String]
        let recoveredDigest: [String]
    }

    static func peer(_ request: Request) throws -> Reply {
        try ExternalPeer.python(script: TestVectors.url("tx_peer.py", in: .module), request: request)
    }

    static func json(_ transaction: Transaction) -> TransactionJSON {
        let hex = { (bytes: [UInt8]) in Hex.encode(bytes, prefix: false) }
        var out = TransactionJSON(
            type: Int(transaction.type ?? 0), chainId: String(transaction.chainId), nonce: String(transaction.nonce),
            gas: String(transaction.gasLimit), value: transaction.value.description,
            to: transaction.to.map { hex($0.bytes) }, data: hex(transaction.data),
            accessList: transaction.accessList.map {
                AccessListJSON(address: hex($0.address.bytes), storageKeys: $0.storageKeys.map(hex))
            })
        switch transaction {
        case .legacy(let tx): out.gasPrice = tx.gasPrice.description
        case .eip2930(let tx): out.gasPrice = tx.gasPrice.description
        case .eip1559(let tx):
            out.maxPriorityFeePerGas = tx.maxPriorityFeePerGas.description
            out.maxFeePerGas = tx.maxFeePerGas.description
        }
        return out
    }

    // MARK: Random transactions

    /// A value of random bit width (so zero, one-byte and full-width values all occur).
    static func randomUInt256(_ random: inout SplitMix64, maxBytes: Int = 32) -> UInt256 {
        UInt256(bigEndian: random.bytes(Int(random.next() % UInt64(maxBytes + 1)))) ?? .zero
    }

    static func randomUInt64(_ random: inout SplitMix64) -> UInt64 {
        randomUInt256(&random, maxBytes: 8).uint64 ?? 0
    }

    static func randomTransaction(_ random: inout SplitMix64, type: Int) throws -> Transaction {
        // Chain ids stay below 2⁶³ so that v = 2·chainId + 36 is also a plausible node-side value.
        let chainId = [1, 5, 137, 11_155_111, 0, randomUInt64(&random) >> 1][Int(random.next() % 6)]
        let to = random.next() % 8 == 0 ? nil : try EthereumAddress(bytes: random.bytes(20))
        let dataLength = [0, 1, 4, 36, 55, 56, 100, 300][Int(random.next() % 8)]
        let data = random.bytes(dataLength)
        var accessList = [AccessListEntry]()
        for _ in 0..<(random.next() % 4) {
            let keys = (0..<(random.next() % 4)).map { _ in random.bytes(32) }
            accessList.append(try AccessListEntry(address: EthereumAddress(bytes: random.bytes(20)), storageKeys: keys))
        }
        let nonce = randomUInt64(&random)
        let gas = randomUInt64(&random)
        let value = randomUInt256(&random)
        switch type {
        case 0:
            return .legacy(
                LegacyTransaction(
                    chainId: chainId, nonce: nonce, gasPrice: randomUInt256(&random), gasLimit: gas, to: to,
                    value: value, data: data))
        case 1:
            return .eip2930(
                EIP2930Transaction(
                    chainId: chainId, nonce: nonce, gasPrice: randomUInt256(&random), gasLimit: gas, to: to,
                    value: value, data: data, accessList: accessList))
        default:
            return .eip1559(
                EIP1559Transaction(
                    chainId: chainId, nonce: nonce, maxPriorityFeePerGas: randomUInt256(&random),
                    maxFeePerGas: randomUInt256(&random), gasLimit: gas, to: to, value: value, data: data,
                    accessList: accessList))
        }
    }

    /// A private key for the peer: random, nonzero and (with overwhelming probability) below n.
    static func randomKey(_ random: inout SplitMix64) -> String {
        var key = random.bytes(32)
        key[0] &= 0x7F
        key[31] |= 1
        return Hex.encode(key, prefix: false)
    }

    static func bytes(_ hex: String) throws -> [UInt8] { try #require(Hex.decode(hex)) }

    static func uint(_ decimal: String) throws -> UInt256 { try #require(UInt256(decimal)) }

    /// The error `body` throws, or `nil` if it does not throw.
    static func refusal<T>(_ body: () throws(EVMError) -> T) -> EVMError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Tests

    @Test("EIP-155's own example: signing payload, signing hash and signed transaction")
    func eip155Example() throws {
        let tx = Transaction.legacy(
            LegacyTransaction(
                chainId: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21_000,
                to: try EthereumAddress("0x3535353535353535353535353535353535353535"),
                value: 1_000_000_000_000_000_000))
        #expect(
            Hex.encode(tx.signingPayload)
                == "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")
        #expect(
            Hex.encode(tx.signingHash) == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signature = try ECDSASignature(
            r: try Self.uint("18515461264373351373200002665853028612451056578545711640558177340181847433846"),
            s: try Self.uint("46948507304638947509940763649030358759909902576025900602547168820602576006531"),
            yParity: 0)
        let signed = try tx.signed(with: signature)
        let raw =
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        #expect(Hex.encode(signed.rawTransaction) == raw)
        #expect(signed.v == UInt256(37))
        #expect(try SignedTransaction.decode(raw: Self.bytes(raw), chainId: 1) == signed)
        #expect(signed.signingHash == tx.signingHash)
    }

    /// For 120 random transactions of each type signed by eth-account: we decode its raw bytes to the same fields, hash
    /// and signature, re-encode them byte for byte, compute the digest it signed, and build the same bytes from the
    /// fields and its signature; eth-account recovers the signer from those bytes, eth-keys from our signing hash.
    @Test("eth-account interop: 120 random signed transactions of each type decode, re-encode, hash and recover")
    func ethAccountInterop() throws {
        var (random, seed) = SplitMix64.seeded()
        var transactions = [Transaction]()
        var cases = [SignCase]()
        for type in 0...2 {
            for _ in 0..<120 {
                let tx = try Self.randomTransaction(&random, type: type)
                transactions.append(tx)
                cases.append(SignCase(key: Self.randomKey(&random), tx: Self.json(tx)))
            }
        }
        let reply = try Self.peer(Request(sign: cases))
        try #require(reply.signed.count == transactions.count)
        var ours = [String]()
        var digests = [DigestCase]()
        for (index, (tx, theirs)) in zip(transactions, reply.signed).enumerated() {
            let context = "case \(index) (type \(tx.type ?? 0)), seed \(seed)"
            let raw = try Self.bytes(theirs.raw)
            let decoded = try SignedTransaction.decode(raw: raw, chainId: tx.chainId)
            #expect(decoded.transaction == tx, "\(context)")
            #expect(decoded.rawTransaction == raw, "re-encoding, \(context)")
            #expect(Hex.encode(decoded.hash, prefix: false) == theirs.hash, "hash, \(context)")
            #expect(Hex.encode(tx.signingHash, prefix: false) == theirs.signingHash, "signing hash, \(context)")
            #expect(decoded.signature.r == (try Self.uint(theirs.r)), "\(context)")
            #expect(decoded.signature.s == (try Self.uint(theirs.s)), "\(context)")
            #expect(decoded.v == (try Self.uint(theirs.v)), "v, \(context)")

            // Built here from the fields and eth-account's signature: the same bytes.
            let v = try Self.uint(theirs.v)
            // Legacy: v = 2·chainId + 35 + yParity, so an odd v means yParity 0. Typed: v is yParity.
            let yParity = UInt8(truncatingIfNeeded: tx.type == nil ? v.limbs.l0 & 1 ^ 1 : v.limbs.l0)
            let signature = try ECDSASignature(r: Self.uint(theirs.r), s: Self.uint(theirs.s), yParity: yParity)
            let built = try tx.signed(with: signature)
            #expect(built.rawTransaction == raw, "built from fields, \(context)")
            ours.append(Hex.encode(built.rawTransaction, prefix: false))
            digests.append(
                DigestCase(
                    digest: Hex.encode(built.signingHash, prefix: false), r: built.signature.r.description,
                    s: built.signature.s.description, yParity: Int(built.signature.yParity)))
        }
        // eth-account recovers each signer from our encoding; eth-keys recovers it from our signing hash.
        let recovered = try Self.peer(Request(recover: ours, recoverDigest: digests))
        for (index, signer) in reply.signed.enumerated() {
            #expect(recovered.recovered[index] == signer.address, "recover_transaction, case \(index), seed \(seed)")
            #expect(recovered.recoveredDigest[index] == signer.address, "from signingHash, case \(index), seed \(seed)")
        }
    }

    @Test("contract creation (no recipient) and access lists encode as eth-account does")
    func contractCreationAndAccessList() throws {
        let slot = [UInt8](repeating: 0x33, count: 32)
        let entry = try AccessListEntry(
            address: EthereumAddress("0x2222222222222222222222222222222222222222"), storageKeys: [slot, slot])
        let transactions: [Transaction] = [
            .legacy(LegacyTransaction(chainId: 1, nonce: 0, gasPrice: 1, gasLimit: 53_000, to: nil, data: [0x60])),
            .eip2930(
                EIP2930Transaction(chainId: 1, nonce: 1, gasPrice: 2, gasLimit: 60_000, to: nil, accessList: [entry])),
            .eip1559(
                EIP1559Transaction(
                    chainId: 10, nonce: 2, maxPriorityFeePerGas: 1, maxFeePerGas: 3, gasLimit: 90_000, to: nil,
                    data: [0x00, 0x01], accessList: [entry, entry])),
        ]
        var random = SplitMix64(seed: 1)
        let reply = try Self.peer(
            Request(sign: transactions.map { SignCase(key: Self.randomKey(&random), tx: Self.json($0)) }))
        for (tx, theirs) in zip(transactions, reply.signed) {
            let decoded = try SignedTransaction.decode(raw: Self.bytes(theirs.raw))
            #expect(decoded.transaction == tx)
            #expect(decoded.transaction.to == nil)
            #expect(Hex.encode(tx.signingHash, prefix: false) == theirs.signingHash)
        }
    }

    @Test("signed(with:) refuses a high s (EIP-2)")
    func highSIsRefusedWhenSigning() throws {
        let tx = Transaction.eip1559(
            EIP1559Transaction(
                chainId: 1, nonce: 0, maxPriorityFeePerGas: 1, maxFeePerGas: 2, gasLimit: 21_000, to: .zero))
        let (highS, _) = ECDSASignature.groupOrder.subtractingReportingOverflow(1)
        let signature = try ECDSASignature(r: 1, s: highS, yParity: 0)
        #expect(Self.refusal { () throws(EVMError) in try tx.signed(with: signature) }?.code == .invalidSignature)
    }

    // MARK: Malformed raw transactions

    /// A signed transaction of each type with a small valid signature, as RLP items to tamper with.
    static func sample(type: Int) throws -> (fields: [RLP.Item], prefix: [UInt8]) {
        let to = try EthereumAddress("0x1111111111111111111111111111111111111111")
        let tx: Transaction
        switch type {
        case 0: tx = .legacy(LegacyTransaction(chainId: 1, nonce: 1, gasPrice: 7, gasLimit: 21_000, to: to))
        case 1: tx = .eip2930(EIP2930Transaction(chainId: 1, nonce: 1, gasPrice: 7, gasLimit: 21_000, to: to))
        default:
            tx = .eip1559(
                EIP1559Transaction(
                    chainId: 1, nonce: 1, maxPriorityFeePerGas: 1, maxFeePerGas: 7, gasLimit: 21_000, to: to))
        }
        let raw = try tx.signed(with: ECDSASignature(r: 5, s: 6, yParity: 1)).rawTransaction
        let prefix = tx.type.map { [$0] } ?? []
        let fields = try #require(try RLP.decode(Array(raw.dropFirst(prefix.count))).asList)
        return (fields, prefix)
    }

    static func raw(_ fields: [RLP.Item], prefix: [UInt8]) -> [UInt8] { prefix + RLP.encode(.list(fields)) }

    @Test("malformed raw transactions are refused with a clear code", arguments: [0, 1, 2])
    func malformedRawTransactions(type: Int) throws {
        let (fields, prefix) = try Self.sample(type: type)
        let good = Self.raw(fields, prefix: prefix)
        #expect(try SignedTransaction.decode(raw: good).rawTransaction == good)
        let count = fields.count
        let (vIndex, rIndex, sIndex) = (count - 3, count - 2, count - 1)
        let (highS, _) = ECDSASignature.groupOrder.subtractingReportingOverflow(1)
        func replacing(_ index: Int, with item: RLP.Item) -> [UInt8] {
            var copy = fields
            copy[index] = item
            return Self.raw(copy, prefix: prefix)
        }
        let nonceIndex = type == 0 ? 0 : 1
        let toIndex = [3, 4, 5][type]
        var cases: [(raw: [UInt8], code: EVMError.Code, why: String)] = [
            (Array(good.dropLast()), .invalidRLP, "truncated"),
            (good + [0x00], .invalidRLP, "trailing byte"),
            (Self.raw(Array(fields.dropLast()), prefix: prefix), .invalidTransaction, "a field missing"),
            (Self.raw(fields + [.bytes([])], prefix: prefix), .invalidTransaction, "a field too many"),
            (replacing(nonceIndex, with: .bytes([0, 1])), .nonCanonicalRLP, "nonce with a leading zero"),
            (replacing(nonceIndex, with: .uint(UInt256.max)), .invalidTransaction, "nonce above 2⁶⁴ − 1"),
            (replacing(nonceIndex, with: .list([])), .invalidTransaction, "nonce is a list"),
            (replacing(toIndex, with: .bytes([UInt8](repeating: 1, count: 19))), .invalidTransaction, "19-byte to"),
            (replacing(rIndex, with: .uint(.zero)), .invalidSignature, "r = 0"),
            (replacing(sIndex, with: .uint(ECDSASignature.groupOrder)), .invalidSignature, "s = n"),
            (replacing(sIndex, with: .uint(highS)), .invalidSignature, "high s (EIP-2)"),
            (replacing(sIndex, with: .bytes([UInt8](repeating: 1, count: 33))), .invalidTransaction, "33-byte s"),
            (prefix + RLP.encode(.bytes([1, 2, 3])), .invalidTransaction, "no list"),
        ]
        if type == 0 {
            cases += [
                (replacing(vIndex, with: .uint(27)), .invalidTransaction, "pre-EIP-155 v = 27"),
                (replacing(vIndex, with: .uint(28)), .invalidTransaction, "pre-EIP-155 v = 28"),
                (replacing(vIndex, with: .uint(30)), .invalidSignature, "v = 30"),
                (replacing(vIndex, with: .uint(.zero)), .invalidSignature, "v = 0"),
                (replacing(vIndex, with: .uint(.max)), .invalidSignature, "v with a chain id beyond 64 bits"),
            ]
        } else {
            let accessIndex = type == 1 ? 7 : 8
            let badEntry = RLP.Item.list([.bytes([UInt8](repeating: 1, count: 20)), .list([.bytes([1])])])
            cases += [
                (replacing(vIndex, with: .uint(2)), .invalidSignature, "yParity = 2"),
                (replacing(vIndex, with: .uint(37)), .invalidSignature, "a legacy-style v in a typed transaction"),
                (replacing(vIndex, with: .bytes([0])), .nonCanonicalRLP, "yParity 0 as 0x00"),
                (replacing(0, with: .uint(.max)), .invalidTransaction, "chain id beyond 64 bits"),
                (replacing(accessIndex, with: .bytes([])), .invalidTransaction, "access list is a string"),
                (replacing(accessIndex, with: .list([badEntry])), .invalidTransaction, "1-byte storage key"),
                (replacing(accessIndex, with: .list([.list([])])), .invalidTransaction, "empty access-list entry"),
            ]
        }
        for (raw, code, why) in cases {
            let error = Self.refusal { () throws(EVMError) in try SignedTransaction.decode(raw: raw) }
            #expect(error?.code == code, "type \(type), \(why): \(String(describing: error))")
            #expect(error?.offset != nil, "type \(type), \(why): an offset")
        }
        // The pre-EIP-155 message says why.
        if type == 0 {
            let error = Self.refusal { () throws(EVMError) in
                try SignedTransaction.decode(raw: replacing(vIndex, with: .uint(27)))
            }
            #expect(error?.message.contains("replayable") == true)
        }
        // The wrong chain.
        let wrongChain = Self.refusal { () throws(EVMError) in try SignedTransaction.decode(raw: good, chainId: 5) }
        #expect(wrongChain?.code == .invalidTransaction)
    }

    @Test("type bytes: 0x00 and 0x03–0x7f are unsupported types, 0x80–0xbf and empty input are not transactions")
    func typeBytes() throws {
        let (fields, _) = try Self.sample(type: 2)
        for type: UInt8 in [0x00, 0x03, 0x04, 0x7F] {
            let error = Self.refusal { () throws(EVMError) in
                try SignedTransaction.decode(raw: Self.raw(fields, prefix: [type]))
            }
            #expect(error?.code == .unsupportedTransactionType, "type \(type)")
            #expect(error?.offset == 0)
        }
        let bare = Self.refusal { () throws(EVMError) in try SignedTransaction.decode(raw: [0x02]) }
        #expect(bare?.code == .invalidRLP)
        #expect(bare?.offset == 1, "a type byte with nothing after it: the RLP is missing at byte 1")
        for raw: [UInt8] in [[], [0x80], [0x83, 1, 2, 3]] {
            #expect(
                Self.refusal { () throws(EVMError) in try SignedTransaction.decode(raw: raw) }?.code
                    == .invalidTransaction)
        }
        // A type-2 body behind a type-1 byte has the wrong field count.
        let error = Self.refusal { () throws(EVMError) in
            try SignedTransaction.decode(raw: Self.raw(fields, prefix: [0x01]))
        }
        #expect(error?.code == .invalidTransaction)
        #expect(error?.offset == 1, "offsets count the type byte")
    }

    @Test("random byte mutations of signed transactions never trap; whatever decodes re-encodes to the same bytes")
    func mutationsNeverTrap() throws {
        var (random, seed) = SplitMix64.seeded()
        for index in 0..<1_500 {
            let r = Self.randomUInt256(&random, maxBytes: 31)
            let signature = try ECDSASignature(r: r.isZero ? 1 : r, s: 3, yParity: UInt8(index % 2))
            var raw = try Self.randomTransaction(&random, type: index % 3).signed(with: signature).rawTransaction
            let position = Int(random.next() % UInt64(raw.count))
            switch random.next() % 3 {
            case 0: raw[position] = UInt8(random.next() % 256)
            case 1: raw.removeSubrange(position...)
            default: raw.insert(UInt8(random.next() % 256), at: position)
            }
            if let decoded = try? SignedTransaction.decode(raw: raw) {
                #expect(decoded.rawTransaction == raw, "case \(index), seed \(seed)")
            }
        }
    }
}
