import EVMKit
import Foundation
import TestSupport
import Testing

@Suite("Sign-In with Ethereum (EIP-4361)")
struct SIWETests {
    // MARK: Vectors and peer models

    struct Vectors: Decodable {
        struct Valid: Decodable {
            let name: String
            let text: String
            let scheme: String?
            let domain: String
            let address: String
            let statement: String?
            let uri: String
            let chain_id: String
            let nonce: String
            let issued_at: String
            let issued_at_unix: Double
            let expiration_time: String?
            let not_before: String?
            let request_id: String?
            let resources: [String]?
        }
        struct Reject: Decodable {
            let name: String
            let text: String
            let code: String
        }
        let valid: [Valid]
        let reject: [Reject]
    }

    /// The peer's field names (siwe_peer.py).
    struct Fields: Codable, Equatable {
        var scheme: String?
        var domain: String
        var address: String
        var statement: String?
        var uri: String
        var version: String
        var chainId: String
        var nonce: String
        var issuedAt: String
        var expirationTime: String?
        var notBefore: String?
        var requestId: String?
        var resources: [String]?

        init(_ m: SIWEMessage) {
            scheme = m.scheme
            domain = m.domain
            address = m.address.checksummed
            statement = m.statement
            uri = m.uri
            version = m.version
            chainId = String(m.chainID)
            nonce = m.nonce
            issuedAt = m.issuedAt.text
            expirationTime = m.expirationTime?.text
            notBefore = m.notBefore?.text
            requestId = m.requestID
            resources = m.resources
        }
    }
    struct SignRandomRequest: Encodable {
        let command = "sign_random"
        let count: Int
        let seed: UInt64
    }
    struct Signed: Decodable {
        let fields: Fields
        let text: String
        let address: String
        let signature: String
    }
    struct SignRandomReply: Decodable { let results: [Signed] }
    struct RenderRequest: Encodable {
        let command = "render"
        let items: [Fields]
    }
    struct RecoverRequest: Encodable {
        struct Item: Encodable {
            let text: String
            let signature: String
        }
        let command = "recover"
        let items: [Item]
    }
    struct StringsReply: Decodable { let results: [String] }

    static func peer<Request: Encodable, Reply: Decodable>(_ request: Request, as: Reply.Type) throws -> Reply {
        try ExternalPeer.python(script: TestVectors.url("siwe_peer.py", in: .module), request: request)
    }

    static func code(_ body: () throws -> Void) -> EVMError.Code? {
        do {
            try body()
            return nil
        } catch { return (error as? EVMError)?.code }
    }

    // MARK: Random messages (Swift side)

    static func randomMessage(_ rng: inout SplitMix64, address: EthereumAddress) throws -> SIWEMessage {
        let domains = ["example.com", "app.chronoguard.io", "localhost:3000", "[::1]:443", "user@wallet.example"]
        let statementCharacters = Array(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -._~:/?#[]@!$&'()*+,;=")
        let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let uris = [
            "https://example.com/login", "https://app.chronoguard.io/siwe?next=%2Fhome#x", "http://localhost:3000/",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        ]
        func string(_ characters: [Character], _ range: ClosedRange<Int>) -> String {
            String((0..<Int.random(in: range, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
        }
        let issued = Date(
            timeIntervalSince1970: Double(Int64.random(in: 946_684_800_000...4_102_444_800_000, using: &rng)) / 1000)
        var statement = Bool.random(using: &rng) ? string(statementCharacters, 1...100) : nil
        if statement?.allSatisfy({ $0 == " " }) == true { statement = "x" }
        return try SIWEMessage(
            scheme: Int.random(in: 0..<4, using: &rng) == 0 ? "https" : nil,
            domain: domains.randomElement(using: &rng)!,
            address: address,
            statement: statement,
            uri: uris.randomElement(using: &rng)!,
            chainID: [1, 10, 137, 8453, 11_155_111, UInt64.max].randomElement(using: &rng)!,
            nonce: string(alphanumerics, 8...24),
            issuedAt: try SIWETimestamp(issued),
            expirationTime: Bool.random(using: &rng)
                ? try SIWETimestamp(issued.addingTimeInterval(Double(Int.random(in: 1...86_400, using: &rng)))) : nil,
            notBefore: Bool.random(using: &rng) ? try SIWETimestamp(issued.addingTimeInterval(30)) : nil,
            requestID: Bool.random(using: &rng) ? string(alphanumerics + Array("-._~!$&'()*+,;=:@"), 1...30) : nil,
            resources: Int.random(in: 0...2, using: &rng) == 0
                ? nil : (0..<Int.random(in: 0...3, using: &rng)).map { _ in uris.randomElement(using: &rng)! })
    }

    /// `message` with one field changed (the field chosen by `which`, 0..<12), everything else kept.
    static func tampered(_ m: SIWEMessage, _ which: Int, _ rng: inout SplitMix64) throws -> SIWEMessage {
        func shifted(_ t: SIWETimestamp?) throws -> SIWETimestamp {
            try SIWETimestamp((t ?? m.issuedAt).date.addingTimeInterval(1))
        }
        return try SIWEMessage(
            scheme: which == 0 ? (m.scheme == nil ? "https" : nil) : m.scheme,
            domain: which == 1 ? "evil.example" : m.domain,
            address: which == 2 ? try EthereumAddress(bytes: rng.bytes(20)) : m.address,
            statement: which == 3 ? (m.statement == nil ? "I accept" : m.statement! + "!") : m.statement,
            uri: which == 4 ? "https://evil.example/login" : m.uri,
            chainID: which == 5 ? (m.chainID == UInt64.max ? 1 : m.chainID + 1) : m.chainID,
            nonce: which == 6 ? m.nonce + "0" : m.nonce,
            issuedAt: which == 7 ? try shifted(m.issuedAt) : m.issuedAt,
            expirationTime: which == 8 ? try shifted(m.expirationTime) : m.expirationTime,
            notBefore: which == 9 ? try shifted(m.notBefore) : m.notBefore,
            requestID: which == 10 ? (m.requestID ?? "") + "x" : m.requestID,
            resources: which == 11 ? (m.resources ?? []) + ["https://evil.example/grant"] : m.resources)
    }

    /// A verifier that expects exactly this message's origin, URI and chain, its clock at the first instant inside the
    /// message's time window (nil when the window is empty).
    static func verifier(for m: SIWEMessage) -> SIWEVerifier? {
        let start = max(m.issuedAt.date, m.notBefore?.date ?? m.issuedAt.date)
        if let end = m.expirationTime?.date, end <= start { return nil }
        return SIWEVerifier(
            domain: m.domain, uri: m.uri, chainID: m.chainID, scheme: m.scheme ?? "https", clock: { start })
    }

    // MARK: Tests

    @Test("EIP-4361's examples and our valid vectors parse to their fields and re-render byte for byte")
    func validVectors() throws {
        let vectors = try TestVectors.load(Vectors.self, resource: "siwe_vectors", in: .module)
        #expect(vectors.valid.filter { $0.name.hasPrefix("EIP-4361 example") }.count == 3)
        for v in vectors.valid {
            let m = try SIWEMessage(text: v.text)
            #expect(m.text == v.text, "\(v.name)")
            #expect(m.scheme == v.scheme && m.domain == v.domain, "\(v.name)")
            #expect(m.address.checksummed == v.address && m.statement == v.statement && m.uri == v.uri, "\(v.name)")
            #expect(String(m.chainID) == v.chain_id && m.nonce == v.nonce && m.version == "1", "\(v.name)")
            #expect(m.issuedAt.text == v.issued_at, "\(v.name)")
            #expect(abs(m.issuedAt.date.timeIntervalSince1970 - v.issued_at_unix) < 0.000_01, "\(v.name)")
            #expect(m.expirationTime?.text == v.expiration_time && m.notBefore?.text == v.not_before, "\(v.name)")
            #expect(m.requestID == v.request_id && m.resources == v.resources, "\(v.name)")
            #expect(try SIWEMessage(text: m.text) == m, "\(v.name)")
        }
    }

    @Test("Deviations from the ABNF are refused with their EVMError code and the failing line's byte offset")
    func rejectVectors() throws {
        let vectors = try TestVectors.load(Vectors.self, resource: "siwe_vectors", in: .module)
        #expect(vectors.reject.count >= 50)
        for v in vectors.reject {
            let error = #expect(throws: EVMError.self, "\(v.name)") { try SIWEMessage(text: v.text) }
            #expect(error?.code.rawValue == v.code, "\(v.name): \(String(describing: error))")
            if let offset = error?.offset {
                #expect(offset >= 0 && offset <= v.text.utf8.count, "\(v.name): offset \(offset)")
            } else {
                Issue.record("\(v.name): no offset in \(String(describing: error))")
            }
        }
    }

    @Test("200 random messages built and signed by eth-account parse, round-trip and verify; any tampering fails")
    func ethAccountSignedMessages() throws {
        var (rng, seed) = SplitMix64.seeded()
        let reply = try Self.peer(SignRandomRequest(count: 200, seed: seed % 1_000_000_007), as: SignRandomReply.self)
        #expect(reply.results.count == 200)
        var verified = 0
        var windowClosed = 0
        for (index, signed) in reply.results.enumerated() {
            let label = "seed \(seed) message \(index)"
            let m = try SIWEMessage(text: signed.text)
            #expect(m.text == signed.text, "\(label)")
            #expect(Fields(m) == signed.fields, "\(label)")
            #expect(m.address.checksummed == signed.address, "\(label)")
            let signature = try Hex.decodePrefixed("0x" + signed.signature, byteCount: 65, what: "signature")
            #expect(try m.signer(of: ECDSASignature(rsv: signature)) == m.address, "\(label)")
            if let verifier = Self.verifier(for: m) {
                let accepted = try verifier.verify(text: signed.text, signature: signature, nonce: m.nonce)
                #expect(accepted == m, "\(label)")
                verified += 1
            } else {
                // Expiration before not-before: no instant is valid, and the verifier says which bound failed.
                let verifier = SIWEVerifier(
                    domain: m.domain, uri: m.uri, chainID: m.chainID, scheme: m.scheme ?? "https",
                    clock: { m.notBefore!.date })
                #expect(
                    Self.code { try verifier.verify(text: signed.text, signature: signature, nonce: m.nonce) }
                        == .siweExpired, "\(label)")
                windowClosed += 1
            }
            // Every single-field change of the signed text breaks the signature.
            let which = Int.random(in: 0..<12, using: &rng)
            let changed = try Self.tampered(m, which, &rng)
            #expect(changed.text != m.text, "\(label) field \(which)")
            #expect(!changed.isValidSignature(try ECDSASignature(rsv: signature)), "\(label) field \(which)")
            if let verifier = Self.verifier(for: changed) {
                let result = Self.code {
                    try verifier.verify(text: changed.text, signature: signature, nonce: changed.nonce)
                }
                #expect(result == .siweSignerMismatch || result == .invalidSignature, "\(label) field \(which)")
            }
            // A flipped signature bit fails too.
            var flipped = signature
            flipped[Int.random(in: 0..<64, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            if let verifier = Self.verifier(for: m) {
                let result = Self.code { try verifier.verify(text: signed.text, signature: flipped, nonce: m.nonce) }
                #expect(result == .siweSignerMismatch || result == .invalidSignature, "\(label) flipped signature")
            }
        }
        #expect(verified > 150 && verified + windowClosed == 200, "verified \(verified), closed \(windowClosed)")
    }

    @Test("100 random messages signed here: eth-account recovers our address and renders our fields to our text")
    func ourSignaturesRecoverInEthAccount() throws {
        var (rng, seed) = SplitMix64.seeded()
        var items: [RecoverRequest.Item] = []
        var messages: [SIWEMessage] = []
        for _ in 0..<100 {
            let key = Secp256k1PrivateKey.generate()
            let m = try Self.randomMessage(&rng, address: key.address)
            let signature = try PersonalMessage.sign(m.messageBytes, with: key)
            #expect(m.isValidSignature(signature))
            items.append(.init(text: m.text, signature: Hex.encode(signature.rsv, prefix: false)))
            messages.append(m)
        }
        let recovered = try Self.peer(RecoverRequest(items: items), as: StringsReply.self).results
        #expect(recovered == messages.map(\.address.checksummed), "seed \(seed)")
        let rendered = try Self.peer(RenderRequest(items: messages.map(Fields.init)), as: StringsReply.self).results
        #expect(rendered == messages.map(\.text), "seed \(seed)")
        for m in messages { #expect(try SIWEMessage(text: m.text) == m, "seed \(seed)") }
        #expect(messages.contains { $0.resources == [] } && messages.contains { $0.statement == nil })
    }

    @Test("The verifier checks origin, URI, chain, nonce, the time window at its clock, and the signer, in that order")
    func verifierChecks() throws {
        let key = try Secp256k1PrivateKey(bytes: Array(repeating: 0x11, count: 32))
        let issued = try SIWETimestamp(rfc3339: "2025-03-01T12:00:00.000Z")
        let message = try SIWEMessage(
            domain: "app.chronoguard.io", address: key.address, statement: "Sign in to Chronoguard",
            uri: "https://app.chronoguard.io/login", chainID: 1, nonce: "K7q2ZrX9pL", issuedAt: issued,
            expirationTime: try SIWETimestamp(rfc3339: "2025-03-01T12:05:00.000Z"),
            notBefore: try SIWETimestamp(rfc3339: "2025-03-01T12:00:30Z"))
        let signature = try PersonalMessage.sign(message.messageBytes, with: key)
        func verify(
            domain: String = "app.chronoguard.io", uri: String = "https://app.chronoguard.io/login",
            chainID: UInt64 = 1, scheme: String = "https", nonce: String = "K7q2ZrX9pL", at offset: TimeInterval = 60,
            skew: TimeInterval = 0, maximumAge: TimeInterval? = nil, message m: SIWEMessage? = nil,
            signature s: ECDSASignature? = nil
        ) -> EVMError.Code? {
            let now = issued.date.addingTimeInterval(offset)
            let verifier = SIWEVerifier(
                domain: domain, uri: uri, chainID: chainID, scheme: scheme, clockSkew: skew, maximumAge: maximumAge,
                clock: { now })
            return Self.code { try verifier.verify(m ?? message, signature: s ?? signature, nonce: nonce) }
        }
        #expect(verify() == nil)
        #expect(verify(domain: "app.chronoguard.io.evil") == .siweDomainMismatch)
        #expect(verify(scheme: "http") == .siweDomainMismatch)  // no scheme in the message means https
        #expect(verify(uri: "https://app.chronoguard.io/other") == .siweURIMismatch)
        #expect(verify(chainID: 5) == .siweChainIDMismatch)
        #expect(verify(nonce: "K7q2ZrX9pM") == .siweNonceMismatch)
        #expect(verify(at: -5) == .siweIssuedInFuture)
        #expect(verify(at: 10) == .siweNotYetValid)
        #expect(verify(at: 30) == nil)  // exactly Not Before
        #expect(verify(at: 299.999) == nil)
        #expect(verify(at: 300) == .siweExpired)  // at Expiration Time
        #expect(verify(at: 310, skew: 20) == nil)
        #expect(verify(at: -5, skew: 40) == nil)
        #expect(verify(at: 60, maximumAge: 59) == .siweExpired)
        #expect(verify(at: 60, maximumAge: 60) == nil)
        let other = try Secp256k1PrivateKey(bytes: Array(repeating: 0x22, count: 32))
        #expect(verify(signature: try PersonalMessage.sign(message.messageBytes, with: other)) == .siweSignerMismatch)
        // The signature of another text by the right key.
        #expect(
            verify(signature: try PersonalMessage.sign(message.messageBytes + [0x0A], with: key))
                == .siweSignerMismatch)
        // A message with an explicit scheme: it must equal the verifier's.
        let withScheme = try SIWEMessage(
            scheme: "http", domain: "localhost:3000", address: key.address, uri: "http://localhost:3000/",
            chainID: 1, nonce: "K7q2ZrX9pL", issuedAt: issued)
        let schemeSignature = try PersonalMessage.sign(withScheme.messageBytes, with: key)
        let local = (domain: "localhost:3000", uri: "http://localhost:3000/")
        #expect(
            verify(domain: local.domain, uri: local.uri, message: withScheme, signature: schemeSignature)
                == .siweDomainMismatch)
        #expect(
            verify(
                domain: local.domain, uri: local.uri, scheme: "http", message: withScheme, signature: schemeSignature)
                == nil)
        // From text: a malformed signature is refused before any recovery.
        let verifier = SIWEVerifier(
            domain: "app.chronoguard.io", uri: "https://app.chronoguard.io/login", chainID: 1,
            clock: { issued.date.addingTimeInterval(60) })
        func fromText(_ text: String, _ rsv: [UInt8]) -> EVMError.Code? {
            Self.code { try verifier.verify(text: text, signature: rsv, nonce: "K7q2ZrX9pL") }
        }
        #expect(try verifier.verify(text: message.text, signature: signature.rsv, nonce: "K7q2ZrX9pL") == message)
        #expect(fromText(message.text, Array(signature.rsv.prefix(64))) == .invalidSignature)
        var badV = signature.rsv
        badV[64] = 29
        #expect(fromText(message.text, badV) == .invalidSignature)
        // High s (n - s with the other parity) is the same ECDSA signature, but Ethereum refuses it (EIP-2).
        let highS = try ECDSASignature(
            r: signature.r, s: ECDSASignature.groupOrder.subtractingReportingOverflow(signature.s).partialValue,
            yParity: 1 - signature.yParity)
        #expect(verify(signature: highS) == .invalidSignature)
        #expect(fromText(message.text + "\n", signature.rsv) == .siweUnexpectedLine)
    }

    @Test("Building refuses fields outside the ABNF")
    func builderValidation() throws {
        let address = try EthereumAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let at = try SIWETimestamp(rfc3339: "2025-01-01T00:00:00Z")
        func build(
            scheme: String? = nil, domain: String = "example.com", statement: String? = nil,
            uri: String = "https://example.com", chainID: UInt64 = 1, nonce: String = "abcdefgh",
            requestID: String? = nil, resources: [String]? = nil
        ) -> EVMError.Code? {
            Self.code {
                _ = try SIWEMessage(
                    scheme: scheme, domain: domain, address: address, statement: statement, uri: uri, chainID: chainID,
                    nonce: nonce, issuedAt: at, requestID: requestID, resources: resources)
            }
        }
        #expect(build() == nil)
        #expect(build(scheme: "") == .siweInvalidScheme)
        #expect(build(scheme: "ht tp") == .siweInvalidScheme)
        #expect(build(domain: "") == .siweInvalidDomain)
        #expect(build(domain: "example.com/path") == .siweInvalidDomain)
        #expect(build(statement: "") == .siweInvalidStatement)
        #expect(build(statement: "two\nlines") == .siweInvalidStatement)
        #expect(build(uri: "") == .siweInvalidURI)
        #expect(build(uri: "1http://x") == .siweInvalidURI)
        #expect(build(chainID: 0) == .siweInvalidChainID)
        #expect(build(nonce: "abcdefg") == .siweInvalidNonce)
        #expect(build(nonce: "abcdéfgh") == .siweInvalidNonce)
        #expect(build(requestID: "") == .siweInvalidRequestID)
        #expect(build(resources: ["https://ok", "bad resource"]) == .siweInvalidResource)
    }

    @Test("Timestamps agree with Foundation's ISO 8601 parser and round-trip")
    func timestamps() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SplitMix64(seed: 3339)
        for _ in 0..<1000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...253_402_300_799_000, using: &rng)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let stamp = try SIWETimestamp(date)
            #expect((stamp.date.timeIntervalSince1970 * 1000).rounded() == Double(milliseconds), "\(stamp.text)")
            let foundation = try #require(formatter.date(from: stamp.text), "\(stamp.text)")
            #expect(abs(foundation.timeIntervalSince(stamp.date)) < 0.0005, "\(stamp.text)")
            #expect(try SIWETimestamp(rfc3339: stamp.text) == stamp)
        }
        #expect(throws: EVMError.self) { try SIWETimestamp(Date(timeIntervalSince1970: 253_402_300_800)) }
    }
}
