import ChainKit
import TestSupport
import Testing

@Suite("Base58")
struct Base58Tests {
    struct Vectors: Decodable {
        struct Valid: Decodable {
            let hex: String
            let base58: String
            let source: String
        }
        struct Invalid: Decodable {
            let text: String
            let character: String
            let position: Int
        }
        let valid: [Valid]
        let invalid: [Invalid]
    }

    @Test("Known vectors encode and decode (Bitcoin Core, Solana ids, @solana/kit)")
    func knownVectors() throws {
        let vectors = try TestResources.load("base58_vectors", as: Vectors.self)
        #expect(vectors.valid.count >= 25)
        for vector in vectors.valid {
            let raw = [UInt8](hex: vector.hex)
            #expect(Base58.encode(raw) == vector.base58, "\(vector.source): \(vector.hex)")
            #expect(try Base58.decode(vector.base58) == raw, "\(vector.source): \(vector.base58)")
        }
    }

    @Test("Invalid characters are named with their position")
    func invalidCharacters() throws {
        let vectors = try TestResources.load("base58_vectors", as: Vectors.self)
        for vector in vectors.invalid {
            let error = #expect(throws: Base58Error.self) { try Base58.decode(vector.text) }
            #expect(error?.code == .invalidCharacter)
            #expect(error?.character == Character(vector.character), "\(vector.text)")
            #expect(error?.position == vector.position, "\(vector.text)")
            #expect(error?.message.contains("position \(vector.position)") == true)
        }
    }

    @Test("Random byte strings round-trip, leading zeros included")
    func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 58)
        for _ in 0..<2000 {
            let zeros = Int.random(in: 0...4, using: &rng)
            let raw = [UInt8](repeating: 0, count: zeros) + rng.bytes(Int.random(in: 0...80, using: &rng))
            let text = Base58.encode(raw)
            #expect(try Base58.decode(text) == raw)
            #expect(text.prefix(while: { $0 == "1" }).count == raw.prefix(while: { $0 == 0 }).count)
            #expect(text.allSatisfy { Base58.alphabet.contains($0.asciiValue ?? 0) })
        }
    }

    @Test("Random Base58 text round-trips (decoding is a bijection)")
    func randomTextRoundTrip() throws {
        var rng = SplitMix64(seed: 85)
        for _ in 0..<2000 {
            let text = String(
                decoding: (0..<Int.random(in: 0...60, using: &rng)).map { _ in
                    Base58.alphabet.randomElement(using: &rng)!
                }, as: UTF8.self)
            #expect(Base58.encode(try Base58.decode(text)) == text)
        }
    }

    @Test("Agrees with solders on 400 random keys and signatures")
    func soldersPeer() throws {
        struct Request: Encodable {
            let command = "base58"
            let seed: Int
            let count: Int
        }
        struct Response: Decodable {
            struct Value: Decodable {
                let hex: String
                let base58: String
            }
            let values: [Value]
        }
        let response = try PythonPeer.call("solana_peer", Request(seed: 2024, count: 400), as: Response.self)
        #expect(response.values.count == 400)
        for value in response.values {
            let raw = [UInt8](hex: value.hex)
            #expect(Base58.encode(raw) == value.base58)
            if raw.count == 32 {
                #expect(try SolanaPublicKey(base58: value.base58).bytes == raw)
            } else {
                #expect(try SolanaSignature(base58: value.base58).bytes == raw)
            }
        }
    }

    @Test("Fixed-size values check their length")
    func fixedSizeValues() throws {
        let key = try SolanaPublicKey(base58: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
        #expect(key.description == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
        #expect(SolanaPublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA") == key)
        #expect(SolanaPublicKey.zero.base58 == "11111111111111111111111111111111")
        #expect(SolanaSignature.empty.base58 == String(repeating: "1", count: 64))
        #expect(SolanaSignature.empty.isEmpty)

        // 31 bytes of 0xFF in Base58 is valid text of the wrong length for a key.
        let short = Base58.encode([UInt8](repeating: 0xFF, count: 31))
        #expect(throws: SolanaValueError.self) { try SolanaPublicKey(base58: short) }
        #expect((try? SolanaPublicKey(base58: short)) == nil)
        let wrong = #expect(throws: SolanaValueError.self) {
            try SolanaPublicKey(base58: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D0")
        }
        #expect(wrong?.code == .invalidCharacter)
        #expect(wrong?.base58Error?.position == 42)
        #expect((try? SolanaPublicKey(bytes: [UInt8](repeating: 1, count: 33))) == nil)
        #expect((try? SolanaSignature(bytes: [UInt8](repeating: 1, count: 63))) == nil)
        #expect((try? SolanaBlockhash(bytes: [UInt8](repeating: 1, count: 32)))?.bytes.count == 32)
    }
}
