import Testing

@testable import QRCode

/// The Reed–Solomon decoder (syndromes, Berlekamp–Massey, Chien, Forney) against reedsolo, an independent
/// implementation configured with QR's field (x⁸ + x⁴ + x³ + x² + 1) and generator roots α⁰…α^(n−1), and against the
/// published ISO/IEC 18004 Annex I codewords (ISO/IEC 18004:2015 §7.5.2).
@Suite("Reed–Solomon error correction")
struct ReedSolomonDecodingTests {
    /// EC codewords per block that Table 9 uses.
    static let ecLengths = [7, 10, 13, 15, 16, 17, 18, 20, 22, 24, 26, 28, 30]

    /// Corrupts `count` distinct random positions of `word` with random nonzero error values.
    static func corrupt(_ word: [UInt8], count: Int, using random: inout SeededGenerator) -> [UInt8] {
        var result = word
        for position in word.indices.shuffled(using: &random).prefix(count) {
            result[position] ^= UInt8.random(in: 1...255, using: &random)
        }
        return result
    }

    @Test("random blocks: reedsolo's codewords match the encoder; both correct the same words the same way")
    func agreesWithReedsolo() throws {
        var random = SeededGenerator(salt: 301)
        var messages: [[UInt8]] = []
        var requests: [DecodePeer.Request] = []
        for index in 0..<300 {
            let nsym = Self.ecLengths[index % Self.ecLengths.count]
            let length = index % 10 == 0 ? 255 - nsym : Int.random(in: 1...(160 - nsym), using: &random)
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var request = DecodePeer.Request(op: "rs_encode")
            request.hex = message.hex
            request.nsym = nsym
            messages.append(message)
            requests.append(request)
        }
        let encoded = try DecodePeer.call(requests).map { try #require($0.codeword.flatMap([UInt8].init(hex:))) }
        var received: [[UInt8]] = []
        var errorCounts: [Int] = []
        var decodeRequests: [DecodePeer.Request] = []
        for (index, message) in messages.enumerated() {
            let nsym = requests[index].nsym!
            #expect(
                encoded[index] == message + ReedSolomon.remainder(of: message[...], ecCount: nsym), "block \(index)")
            // Mostly within the capacity nsym / 2, one in four beyond it.
            let errors =
                index % 4 == 3
                ? Int.random(in: (nsym / 2 + 1)...nsym, using: &random) : Int.random(in: 0...(nsym / 2), using: &random)
            let word = Self.corrupt(encoded[index], count: errors, using: &random)
            received.append(word)
            errorCounts.append(errors)
            var request = DecodePeer.Request(op: "rs_decode")
            request.hex = word.hex
            request.nsym = nsym
            decodeRequests.append(request)
        }
        let peer = try DecodePeer.call(decodeRequests)
        var beyondRefused = 0
        for (index, word) in received.enumerated() {
            let nsym = requests[index].nsym!
            var block = word
            let corrected = ReedSolomon.correct(&block, ecCount: nsym, maxErrors: nsym / 2)
            let peerWord = peer[index].codeword.flatMap([UInt8].init(hex:))
            if errorCounts[index] <= nsym / 2 {
                #expect(corrected == errorCounts[index], "block \(index): \(errorCounts[index]) errors")
                #expect(block == encoded[index], "block \(index)")
                #expect(peerWord == encoded[index] && peer[index].corrected == errorCounts[index], "block \(index)")
            } else if let corrected {
                // A bounded-distance decoder may land on another codeword within nsym / 2: reedsolo must find the
                // same one, and it must be a codeword.
                #expect(block != encoded[index])
                #expect(peerWord == block && peer[index].corrected == corrected, "block \(index)")
                #expect(ReedSolomon.syndromes(of: block, count: nsym).allSatisfy { $0 == 0 })
            } else {
                #expect(block == word, "a refused block must be left unchanged")
                beyondRefused += 1
            }
        }
        #expect(beyondRefused > 0)
    }

    struct AnnexVector: Decodable {
        let name: String
        let data: String
        let ec: String
    }

    @Test("the published Annex I codewords: every error pattern up to the capacity corrects, one more never to them")
    func publishedCodewords() throws {
        var random = SeededGenerator(salt: 302)
        let vectors = try TestResources.load(VectorFile<AnnexVector>.self, from: "reed-solomon.json").entries
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let codeword = try #require([UInt8](hex: vector.data + vector.ec))
            let ecCount = vector.ec.count / 2
            let capacity = ecCount / 2
            for trial in 0..<200 {
                let errors = trial % (capacity + 2)
                var block = Self.corrupt(codeword, count: errors, using: &random)
                let corrected = ReedSolomon.correct(&block, ecCount: ecCount, maxErrors: capacity)
                if errors <= capacity {
                    #expect(corrected == errors && block == codeword, "\(vector.name), \(errors) errors")
                } else {
                    #expect(corrected == nil || block != codeword, "\(vector.name), \(errors) errors")
                }
            }
        }
    }

    @Test("misdecode protection (Table 9 footnote b): 1-L corrects 2 of its 7 EC codewords, not 3")
    func misdecodeProtection() throws {
        #expect(QRSpec.correctableErrors(version: 1, level: .low) == 2)
        #expect(QRSpec.correctableErrors(version: 1, level: .medium) == 4)
        #expect(QRSpec.correctableErrors(version: 2, level: .low) == 4)
        #expect(QRSpec.correctableErrors(version: 1, level: .high) == 8)
        #expect(QRSpec.correctableErrors(version: 40, level: .high) == 15)
        for version in 1...40 {
            for level in QRErrorCorrection.allCases {
                #expect(
                    QRSpec.correctableErrors(version: version, level: level)
                        == tableNineCapacity(version: version, level: level))
            }
        }
    }
}
