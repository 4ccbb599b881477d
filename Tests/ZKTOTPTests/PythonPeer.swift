import BN254
import BigInt
import Curves
import Fields
import Foundation
import TestSupport

// MARK: - Python peers

/// The JSON-tree peers of `TestSupport` (a batch per process call; a missing package fails with the install hint).
enum PythonPeer {
    static func run(_ script: String, _ request: Any) throws -> Any {
        try JSONPeer.run(script, request, bundle: .module)
    }
    static func tree(_ text: String) throws -> Any { try JSONPeer.tree(text) }
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
