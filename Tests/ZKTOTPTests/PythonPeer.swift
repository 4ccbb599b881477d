import BN254
import BigInt
import Foundation
import TestSupport

// MARK: - Python peers

/// Runs a committed Python helper from `Resources/` (through `TestSupport.ExternalPeer`) with one JSON request on stdin and decodes its JSON reply, so a
/// single process call checks a whole batch of cases. A missing interpreter or package fails the test with a
/// message pointing at scripts/install-test-deps.sh; it never skips.
enum PythonPeer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ script: String, _ request: Any) throws -> Any {
        guard let resources = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw Failure(description: "test resources are missing from the bundle (expected Resources/)")
        }
        return try ExternalPeer.pythonJSON(script: resources.appendingPathComponent(script), request: request)
    }

    /// Parses one of our JSON documents into a JSON tree for a request.
    static func tree(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }
}

// MARK: - Big integers


/// r as a big integer (independent of BN254's limb constants: the decimal from EIP-197).
let scalarModulus = BigUInt("21888242871839275222246405745257275088548364400416034343698204186575808495617", radix: 10)!

extension BigUInt {
    /// The canonical integer of a field element.
    init(_ x: Fr) { self.init(x.decimalString, radix: 10)! }

    /// As four little-endian limbs (the value must be below 2²⁵⁶).
    var limbs: FieldLimbs {
        let w = (0..<4).map { $0 < words.count ? UInt64(words[$0]) : 0 }
        return FieldLimbs(w[0], w[1], w[2], w[3])
    }
}

extension Fr {
    /// `value mod r`.
    init(_ value: BigUInt) { self.init(decimalString: String(value % scalarModulus))! }
}
