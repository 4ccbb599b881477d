import Crypto
import EVMKit
import Foundation
import OTPRegistry
import OTPRegistryServer
import Prometheus
import TestSupport
import Testing

/// RFC 5869 HKDF-SHA256 and the key hierarchy, against RFC 5869 Appendix A and Python's `cryptography`.
@Suite("OTP registry key hierarchy (RFC 5869)")
struct KeyHierarchyTests {
    struct Vector: Decodable {
        let name: String
        let ikm: String
        let salt: String
        let info: String
        let length: Int
        let okm: String
    }

    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map {
            let start = hex.index(hex.startIndex, offsetBy: $0)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("RFC 5869 Appendix A test cases 1–3 (SHA-256)")
    func rfcVectors() throws {
        let vectors = try TestVectors.load([Vector].self, resource: "rfc5869_vectors", in: .module)
        #expect(vectors.count == 3)
        for vector in vectors {
            let okm = try RegistryKeyHierarchy.hkdfSHA256(
                ikm: Self.bytes(vector.ikm), salt: Self.bytes(vector.salt), info: Self.bytes(vector.info),
                length: vector.length)
            #expect(Self.hex(okm) == vector.okm, "\(vector.name)")
        }
    }

    @Test("HKDF and the three levels agree with Python's cryptography on random inputs")
    func pythonPeer() throws {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        let script = try JSONPeerURL.peer()
        for round in 0..<25 {
            let ikm = random(Int.random(in: 1...80, using: &generator))
            let salt = round % 5 == 0 ? [] : random(Int.random(in: 1...80, using: &generator))
            let info = random(Int.random(in: 0...60, using: &generator))
            let length = Int.random(in: 1...300, using: &generator)
            let reply =
                try ExternalPeer.pythonJSON(
                    script: script,
                    request: [
                        "op": "hkdf", "ikm": Self.hex(ikm), "salt": Self.hex(salt), "info": Self.hex(info),
                        "length": length,
                    ]) as? [String: Any]
            let ours = try RegistryKeyHierarchy.hkdfSHA256(ikm: ikm, salt: salt, info: info, length: length)
            #expect(reply?["okm"] as? String == Self.hex(ours))
        }
        for _ in 0..<10 {
            let master = random(32)
            let user = "0x" + Self.hex(random(20))
            let scope = ["transfer", "withdraw:eth", "admin.rotate"].randomElement()!
            let hierarchy = try RegistryKeyHierarchy(masterKey: master, app: "chronoguard-registry")
            let reply =
                try ExternalPeer.pythonJSON(
                    script: script,
                    request: [
                        "op": "hierarchy", "master": Self.hex(master), "app": "chronoguard-registry", "user": user,
                        "scope": scope,
                    ]) as? [String: Any]
            let userSeed = hierarchy.userSeed(userID: user).withUnsafeBytes { Array($0) }
            let actionSeed = hierarchy.actionSeed(userID: user, scope: scope).withUnsafeBytes { Array($0) }
            #expect(reply?["user"] as? String == Self.hex(userSeed))
            #expect(reply?["action"] as? String == Self.hex(actionSeed))
            // Isolation: another user's and another scope's seeds differ.
            #expect(hierarchy.userSeed(userID: user + "0").withUnsafeBytes { Array($0) } != userSeed)
            #expect(hierarchy.actionSeed(userID: user, scope: scope + "x").withUnsafeBytes { Array($0) } != actionSeed)
        }
    }

    @Test("HKDF output length bounds (RFC 5869 §2.3) are errors, not traps")
    func lengthBounds() {
        #expect(throws: RegistryError.self) {
            try RegistryKeyHierarchy.hkdfSHA256(ikm: [1], salt: [], info: [], length: 0)
        }
        #expect(throws: RegistryError.self) {
            try RegistryKeyHierarchy.hkdfSHA256(ikm: [1], salt: [], info: [], length: 255 * 32 + 1)
        }
        #expect(throws: RegistryError.self) { try RegistryKeyHierarchy(masterKey: [1, 2, 3], app: "x") }
    }
}

enum JSONPeerURL {
    static func peer() throws -> URL { try TestVectors.url("registry_peer.py", in: .module) }
}

/// The served OpenAPI document: valid OpenAPI 3.1 (openapi-spec-validator) and its paths are exactly the routes.
@Suite("OTP registry OpenAPI document")
struct RegistryOpenAPITests {
    @Test("openapi-spec-validator accepts it; its paths are the served routes")
    func document() throws {
        let output = try ExternalPeer.run(
            "python3",
            [
                "-c",
                "import json,sys; from openapi_spec_validator import validate; d=json.load(sys.stdin); validate(d); "
                    + "print(json.dumps(sorted(d['paths'])))",
            ], stdin: Data(RegistryOpenAPI.json.utf8))
        let paths = try JSONDecoder().decode([String].self, from: output)
        let routes = RegistryController(
            service: try RegistryOpenAPITests.placeholderService(), registry: PrometheusCollectorRegistry()
        ).routes.map(\.path)
        #expect(paths == Set(routes).sorted())
    }

    static func placeholderService() throws -> RegistryService {
        let key = Secp256k1PrivateKey.generate()
        return try RegistryService(
            configuration: .init(
                signInDomain: "registry.example", signInURI: "https://registry.example/login", chainID: 1337,
                registry: key.address),
            masterKey: [UInt8](repeating: 1, count: 32),
            store: try RegistryStore(path: ":memory:", auditKey: SymmetricKey(size: .bits256)),
            issuer: IssuerAccount(key: key, client: EthereumRPCClient(url: URL(string: "http://127.0.0.1:1")!)))
    }
}
