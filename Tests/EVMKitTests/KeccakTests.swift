import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("Keccak-256 and EIP-55 addresses")
struct KeccakTests {
    struct PeerRequest: Encodable {
        var inputs: [String] = []
        var addresses: [String] = []
    }
    struct PeerReply: Decodable {
        let digests: [String]
        let checksummed: [String]
    }

    static func peer(_ request: PeerRequest) throws -> PeerReply {
        try ExternalPeer.python(script: TestVectors.url("keccak_peer.py", in: .module), request: request)
    }

    @Test("known answers: empty input and \"abc\" (Keccak team, Ethereum's KEC)")
    func knownAnswers() {
        #expect(
            Hex.encode(Keccak256.hash([UInt8]()))
                == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(
            Hex.encode(Keccak256.hash(Array("abc".utf8)))
                == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }

    @Test("every length 0…1000 (crossing the 136-byte rate 7 times) equals pycryptodome, one-shot and incremental")
    func everyLengthMatchesPycryptodome() throws {
        var (random, seed) = SplitMix64.seeded()
        let inputs = (0...1000).map { random.bytes($0) }
        let reply = try Self.peer(PeerRequest(inputs: inputs.map { Hex.encode($0, prefix: false) }))
        for (input, expected) in zip(inputs, reply.digests) {
            #expect(Hex.encode(Keccak256.hash(input), prefix: false) == expected, "length \(input.count), seed \(seed)")
            // Incremental: split at random points (including empty updates and splits on the rate boundary).
            var hasher = Keccak256()
            var rest = input[...]
            while !rest.isEmpty {
                let take = Int(random.next() % UInt64(min(rest.count, 300) + 1))
                hasher.update(rest.prefix(take))
                rest = rest.dropFirst(take)
            }
            #expect(Hex.encode(hasher.finalize(), prefix: false) == expected, "incremental, length \(input.count)")
        }
    }

    @Test("EIP-55: the EIP's own examples, and 200 random addresses checksummed as eth-utils does")
    func eip55() throws {
        for text in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            #expect(try EthereumAddress(text).checksummed == text)
            #expect(
                try EthereumAddress(text.lowercased().replacingOccurrences(of: "0X", with: "0x")).checksummed == text)
        }
        var (random, seed) = SplitMix64.seeded()
        let addresses = (0..<200).map { _ in random.bytes(20) }
        let reply = try Self.peer(PeerRequest(addresses: addresses.map { Hex.encode($0, prefix: false) }))
        for (bytes, expected) in zip(addresses, reply.checksummed) {
            let address = try EthereumAddress(bytes: bytes)
            #expect(address.checksummed == expected, "seed \(seed)")
            #expect(try EthereumAddress(expected) == address)
        }
    }

    @Test("a mixed-case address with one flipped letter is refused with invalid_checksum")
    func wrongChecksumIsRefused() throws {
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        var characters = Array(good)
        characters[3] = "A"  // 'a' → 'A'
        #expect(throws: EVMError.self) { try EthereumAddress(String(characters)) }
        do {
            _ = try EthereumAddress(String(characters))
        } catch {
            #expect(error.code == .invalidChecksum)
        }
        for bad in [
            "", "0x", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", "0xgaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ] {
            #expect(throws: EVMError.self) { try EthereumAddress(bad) }
        }
    }
}
