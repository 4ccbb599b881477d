import ChainKit
import Foundation
import TestSupport
import Testing

@Suite("Sign In With Solana")
struct SIWSMessageTests {
    struct Vectors: Decodable {
        struct Valid: Decodable {
            let name: String
            let text: String
            let statement: String?
            let chain_id: String
            let resources: [String]?
            let issued_at_unix: Double
            let expiration_unix: Double
        }
        struct Reject: Decodable {
            let name: String
            let text: String
            let code: String
        }
        let address: String
        let valid: [Valid]
        let reject: [Reject]
    }

    // MARK: Random messages

    static func randomMessage(_ rng: inout SplitMix64, address: SolanaPublicKey) throws -> SIWSMessage {
        let domains = [
            "example.com", "app.chronoguard.io", "localhost:3000", "127.0.0.1:8080", "[::1]:443", "user@wallet.example",
        ]
        let statementCharacters = Array(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -._~:/?#[]@!$&'()*+,;=")
        let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let uris = [
            "https://example.com/login", "https://app.chronoguard.io/siws?next=%2Fhome#x", "http://localhost:3000/",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        ]
        func string(_ characters: [Character], _ range: ClosedRange<Int>) -> String {
            String((0..<Int.random(in: range, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
        }
        let issued = Date(
            timeIntervalSince1970: Double(Int64.random(in: 946_684_800_000...4_102_444_800_000, using: &rng)) / 1000)
        let issuedAt = try SIWSTimestamp(issued)
        let expirationTime = try SIWSTimestamp(
            issued.addingTimeInterval(Double(Int.random(in: 1...86_400, using: &rng))))
        var statement = Bool.random(using: &rng) ? string(statementCharacters, 1...120) : nil
        if statement?.allSatisfy({ $0 == " " }) == true { statement = "x" }
        return try SIWSMessage(
            domain: domains.randomElement(using: &rng)!,
            address: address,
            statement: statement,
            uri: uris.randomElement(using: &rng)!,
            chainID: SIWSMessage.ChainID.allCases.randomElement(using: &rng)!,
            nonce: string(alphanumerics, 8...24),
            issuedAt: issuedAt,
            expirationTime: expirationTime,
            notBefore: Bool.random(using: &rng) ? try SIWSTimestamp(issued.addingTimeInterval(30)) : nil,
            requestID: Bool.random(using: &rng) ? string(alphanumerics + Array("-._~!$&'()*+,;=:@"), 1...30) : nil,
            resources: Int.random(in: 0...3, using: &rng) == 0
                ? nil : (0..<Int.random(in: 0...3, using: &rng)).map { _ in uris.randomElement(using: &rng)! })
    }

    // MARK: Tests

    @Test("Canonical vectors parse, expose their fields and re-render byte for byte")
    func validVectors() throws {
        let vectors = try TestResources.load("siws_vectors", as: Vectors.self)
        for vector in vectors.valid {
            let message = try SIWSMessage(text: vector.text)
            #expect(message.text == vector.text, "\(vector.name)")
            #expect(message.address.base58 == vectors.address)
            #expect(message.statement == vector.statement, "\(vector.name)")
            #expect(message.chainID.rawValue == vector.chain_id)
            #expect(message.resources == vector.resources, "\(vector.name)")
            #expect(message.version == "1")
            #expect(abs(message.issuedAt.date.timeIntervalSince1970 - vector.issued_at_unix) < 0.0005, "\(vector.name)")
            #expect(
                abs(message.expirationTime.date.timeIntervalSince1970 - vector.expiration_unix) < 0.0005,
                "\(vector.name)")
        }
    }

    @Test("Non-canonical or invalid texts are rejected with stable codes")
    func rejectVectors() throws {
        let vectors = try TestResources.load("siws_vectors", as: Vectors.self)
        #expect(vectors.reject.count >= 30)
        for vector in vectors.reject {
            let error = #expect(throws: SIWSError.self, "\(vector.name)") { try SIWSMessage(text: vector.text) }
            #expect(error?.code.rawValue == vector.code, "\(vector.name): \(String(describing: error))")
        }
    }

    @Test(
        "300 random messages: our text equals the reference renderer's, the reference parser reads our fields, and we round-trip"
    )
    func referenceImplementation() throws {
        struct Fields: Codable, Equatable {
            var domain: String
            var address: String
            var statement: String?
            var uri: String?
            var version: String?
            var chainId: String?
            var nonce: String?
            var issuedAt: String?
            var expirationTime: String?
            var notBefore: String?
            var requestId: String?
            var resources: [String]?
        }
        struct RenderRequest: Encodable {
            let command = "siws_render"
            let items: [Fields]
        }
        struct ParseRequest: Encodable {
            let command = "siws_parse"
            let items: [String]
        }
        struct RenderResponse: Decodable { let results: [String] }
        struct ParseResponse: Decodable { let results: [Fields?] }

        var rng = SplitMix64(seed: 4361)
        let messages = try (0..<300).map { _ in try Self.randomMessage(&rng, address: SolanaKeypair().publicKey) }
        let fields = messages.map { m in
            Fields(
                domain: m.domain, address: m.address.base58, statement: m.statement, uri: m.uri, version: m.version,
                chainId: m.chainID.rawValue, nonce: m.nonce, issuedAt: m.issuedAt.text,
                expirationTime: m.expirationTime.text, notBefore: m.notBefore?.text, requestId: m.requestID,
                resources: m.resources)
        }
        let rendered = try PythonPeer.call("message_peer", RenderRequest(items: fields), as: RenderResponse.self)
            .results
        let parsed = try PythonPeer.call(
            "message_peer", ParseRequest(items: messages.map(\.text)), as: ParseResponse.self
        ).results
        for (index, message) in messages.enumerated() {
            #expect(message.text == rendered[index], "message \(index)")
            #expect(parsed[index] == fields[index], "message \(index)")
            #expect(try SIWSMessage(text: message.text) == message, "message \(index)")
        }
        #expect(messages.contains { $0.resources == [] } && messages.contains { $0.statement == nil })
    }

    @Test("Rounding down never stamps a message after the instant it was issued")
    func roundingDownNeverStampsTheFuture() throws {
        var rng = SplitMix64(seed: 8601)
        for _ in 0..<5_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 1_600_000_000...2_100_000_000, using: &rng))
            let down = try SIWSTimestamp(date, rounding: .down)
            #expect(
                down.date <= date && date.timeIntervalSince(down.date) < 0.001,
                "\(date.timeIntervalSince1970) → \(down.text)")
            let nearest = try SIWSTimestamp(date)
            #expect(abs(nearest.date.timeIntervalSince(date)) <= 0.0005 + 1e-6)
        }
    }

    @Test("Timestamps agree with Foundation's ISO 8601 parser")
    func timestamps() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SplitMix64(seed: 3339)
        for _ in 0..<2000 {
            // 1900 ... 9999-12-31
            let milliseconds = Int64.random(in: -2_208_988_800_000...253_402_300_799_000, using: &rng)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let stamp = try SIWSTimestamp(date)
            #expect(stamp.text.count == 24 && stamp.text.hasSuffix("Z"))
            #expect((stamp.date.timeIntervalSince1970 * 1000).rounded() == Double(milliseconds), "\(stamp.text)")
            let foundation = try #require(formatter.date(from: stamp.text), "\(stamp.text)")
            #expect(abs(foundation.timeIntervalSince(stamp.date)) < 0.0005, "\(stamp.text)")
            #expect(try SIWSTimestamp(rfc3339: stamp.text) == stamp)

            // The same instant written with a random offset.
            let offsetMinutes = Int.random(in: -(23 * 60 + 59)...(23 * 60 + 59), using: &rng)
            let local = date.addingTimeInterval(Double(offsetMinutes * 60))
            let localText = try SIWSTimestamp(local).text.dropLast()
            let sign = offsetMinutes < 0 ? "-" : "+"
            let text = localText + sign + String(format: "%02d:%02d", abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
            let withOffset = try SIWSTimestamp(rfc3339: String(text))
            #expect(abs(withOffset.date.timeIntervalSince(date)) < 0.0005, "\(text)")
            #expect(withOffset.text == String(text))
            if let parsed = formatter.date(from: String(text)) {
                #expect(abs(parsed.timeIntervalSince(withOffset.date)) < 0.0005, "\(text)")
            }
        }
        // year 10000
        #expect(throws: SIWSError.self) { try SIWSTimestamp(Date(timeIntervalSince1970: 253_402_300_800)) }
    }

    @Test("Signatures: PyNaCl verifies ours, we verify PyNaCl's; server-side checks")
    func signaturesAndChecks() throws {
        var rng = SplitMix64(seed: 122)
        let keypairs = (0..<50).map { _ in SolanaKeypair() }
        let messages = try keypairs.map { try Self.randomMessage(&rng, address: $0.publicKey) }
        let signatures = try zip(keypairs, messages).map { try $0.sign($1.messageBytes) }
        let verdicts = try naclVerify(
            zip(keypairs, zip(messages, signatures)).map { ($0.publicKey.bytes, $1.0.messageBytes, $1.1.bytes) })
        #expect(verdicts == Array(repeating: true, count: 50))

        let seeds = (0..<50).map { _ in rng.bytes(32) }
        let theirMessages = try seeds.map {
            try Self.randomMessage(&rng, address: try SolanaKeypair(seed: $0).publicKey)
        }
        let theirs = try naclSign(seeds: seeds, messages: theirMessages.map(\.messageBytes))
        for (message, signed) in zip(theirMessages, theirs) {
            let signature = try SolanaSignature(bytes: signed.signature)
            #expect(message.isValidSignature(signature))
            let reparsed = try SIWSMessage(text: String(decoding: message.messageBytes, as: UTF8.self))
            #expect(reparsed.isValidSignature(signature))
        }

        // Server-side verification of one message.
        let keypair = SolanaKeypair()
        let issued = try SIWSTimestamp(rfc3339: "2025-03-01T12:00:00.000Z")
        let message = try SIWSMessage(
            domain: "app.chronoguard.io", address: keypair.publicKey, statement: "Sign in to Chronoguard",
            uri: "https://app.chronoguard.io/login", chainID: .mainnet, nonce: "K7q2ZrX9pL", issuedAt: issued,
            expirationTime: try SIWSTimestamp(rfc3339: "2025-03-01T12:05:00.000Z"),
            notBefore: try SIWSTimestamp(rfc3339: "2025-03-01T12:00:30Z"))
        let signature = try keypair.sign(message.messageBytes)
        let now = issued.date.addingTimeInterval(60)
        try message.verify(
            signature: signature, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL", at: now)
        func code(_ body: () throws -> Void) -> SIWSError.Code? {
            do {
                try body()
                return nil
            } catch { return (error as? SIWSError)?.code }
        }
        let otherText = try keypair.sign(message.messageBytes + [0x0A])
        #expect(
            code {
                try message.verify(
                    signature: signature, expectedDomain: "app.chronoguard.io.evil", expectedNonce: "K7q2ZrX9pL",
                    at: now)
            } == .domainMismatch)
        #expect(
            code {
                try message.verify(
                    signature: signature, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pM", at: now)
            } == .nonceMismatch)
        #expect(
            code {
                try message.verify(
                    signature: signature, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL",
                    at: issued.date.addingTimeInterval(300))
            } == .expired)
        #expect(
            code {
                try message.verify(
                    signature: signature, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL",
                    at: issued.date.addingTimeInterval(10))
            } == .notYetValid)
        #expect(
            code {
                try message.verify(
                    signature: signature, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL",
                    at: issued.date.addingTimeInterval(-5))
            } == .issuedInFuture)
        #expect(
            code {
                try message.verify(
                    signature: signature, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL",
                    at: issued.date.addingTimeInterval(-5), clockSkew: 40)
            } == nil)
        #expect(
            code {
                try message.verify(
                    signature: SolanaSignature.empty, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL",
                    at: now)
            } == .invalidSignature)
        #expect(
            code {
                try message.verify(
                    signature: otherText, expectedDomain: "app.chronoguard.io", expectedNonce: "K7q2ZrX9pL", at: now)
            } == .invalidSignature)
    }

    @Test("Building refuses fields outside the ABNF")
    func builderValidation() throws {
        let address = SolanaKeypair().publicKey
        let at = try SIWSTimestamp(rfc3339: "2025-01-01T00:00:00Z")
        func build(
            domain: String = "example.com", statement: String? = nil, uri: String = "https://example.com",
            nonce: String = "abcdefgh", requestID: String? = nil, resources: [String]? = nil
        ) -> SIWSError.Code? {
            do {
                _ = try SIWSMessage(
                    domain: domain, address: address, statement: statement, uri: uri, chainID: .devnet, nonce: nonce,
                    issuedAt: at, expirationTime: at, requestID: requestID, resources: resources)
                return nil
            } catch { return error.code }
        }
        #expect(build() == nil)
        #expect(build(domain: "") == .invalidDomain)
        #expect(build(domain: "example.com/path") == .invalidDomain)
        #expect(build(statement: "") == .invalidStatement)
        #expect(build(statement: "two\nlines") == .invalidStatement)
        #expect(build(uri: "") == .invalidURI)
        #expect(build(uri: "1http://x") == .invalidURI)
        #expect(build(nonce: "abcdefg") == .invalidNonce)
        #expect(build(nonce: "abcdéfgh") == .invalidNonce)
        #expect(build(requestID: "") == .invalidRequestID)
        #expect(build(resources: ["https://ok", "bad resource"]) == .invalidResource)
    }
}
