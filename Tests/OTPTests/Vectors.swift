import Foundation
import TestSupport

// MARK: - Test-vector files (Resources/*.json)

struct RFC6238Vectors: Decodable {
    struct Vector: Decodable {
        let time: Int64
        let step: String
        let algorithm: String
        let code: String
    }
    let seeds: [String: String]
    let vectors: [Vector]

    static func load() throws -> RFC6238Vectors {
        try TestVectors.load(RFC6238Vectors.self, resource: "rfc6238-appendix-b", in: .module)
    }
}

struct RFC4226Vectors: Decodable {
    struct Vector: Decodable {
        let counter: UInt64
        let hmac: String
        let truncated: UInt32
        let code: String
    }
    let secret: String
    let vectors: [Vector]

    static func load() throws -> RFC4226Vectors {
        try TestVectors.load(RFC4226Vectors.self, resource: "rfc4226-appendix-d", in: .module)
    }
}

struct RFC4648Vectors: Decodable {
    struct Vector: Decodable {
        let plain: String
        let base32: String
    }
    let vectors: [Vector]

    static func load() throws -> RFC4648Vectors {
        try TestVectors.load(RFC4648Vectors.self, resource: "rfc4648-base32", in: .module)
    }
}
