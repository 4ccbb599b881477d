import BN254
import Curves
import Fields
import Foundation
import TestSupport

// MARK: - Known-answer vectors

/// `Resources/poseidon-vectors.json`: circomlib-compatible Poseidon known answers (decimal), each with its source.
struct PoseidonVectorFile: Decodable {
    struct Vector: Decodable {
        let source: String
        let inputs: [String]
        let output: String
    }

    let vectors: [Vector]
}

// MARK: - Generated constants

/// `Resources/poseidon-constants.json`, written by scripts/generate-poseidon-constants.py next to the Swift table.
struct PoseidonConstantsFile: Decodable {
    struct Width: Decodable {
        let t: Int
        let partialRounds: Int
        let roundConstants: [[String]]
        let mds: [[String]]
    }

    let prime: String
    let fullRounds: Int
    let widths: [Width]
}

enum TestResources {
    static func load<T: Decodable>(_ name: String, as _: T.Type = T.self) throws -> T {
        guard
            let url = Bundle.module.url(forResource: "Resources", withExtension: nil)?
                .appendingPathComponent(name)
        else { throw ExternalPeer.Failure(description: "missing test resource \(name)") }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}

// MARK: - Field element helpers

extension Fr {
    /// Parses a decimal test value, failing the test loudly on a malformed vector file.
    static func decimal(_ text: String) throws -> Fr {
        guard let value = Fr(decimalString: text) else {
            throw ExternalPeer.Failure(description: "not a canonical decimal field element: \(text)")
        }
        return value
    }

    /// Parses `0x` + 64 hex digits.
    static func hex(_ text: String) throws -> Fr {
        let digits = Array(text.utf8.dropFirst(2))
        guard text.hasPrefix("0x"), digits.count == 64 else {
            throw ExternalPeer.Failure(description: "not a 32-byte hex field element: \(text)")
        }
        var bytes = [UInt8]()
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw ExternalPeer.Failure(description: "bad hex digit in \(text)")
            }
            bytes.append(byte)
        }
        guard let value = Fr(bigEndianBytes: bytes) else {
            throw ExternalPeer.Failure(description: "hex value not below r: \(text)")
        }
        return value
    }

    /// A test input: mostly uniform, with the edge values 0, 1, r − 1 and small or power-of-two values mixed in.
    static func testValue<R: RandomNumberGenerator>(using generator: inout R) -> Fr {
        switch generator.next() % 8 {
        case 0: Fr(generator.next() % 4)
        case 1: -Fr(1 + generator.next() % 3)  // r − 1, r − 2, r − 3
        case 2: Fr(2).pow([generator.next() % 254])  // 2⁰ … 2²⁵³
        default: Fr.random(using: &generator)
        }
    }
}
