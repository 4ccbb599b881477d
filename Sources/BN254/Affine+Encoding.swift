import Curves
import Fields

// MARK: - EIP-196 / EIP-197 encodings

extension Affine where Curve == G1Config {
    /// Decodes the 64-byte EIP-196 encoding x ‖ y (32-byte big-endian coordinates); all zeros is
    /// the point at infinity.
    ///
    /// - Throws: ``CurvePointError/invalidEncoding`` for a wrong length or a coordinate ≥ p,
    ///   ``CurvePointError/notOnCurve`` if the point is not on y² = x³ + 3.
    public init(eip196Bytes bytes: [UInt8]) throws(CurvePointError) {
        guard bytes.count == 64,
            let x = Fq(bigEndianBytes: Array(bytes[0..<32])),
            let y = Fq(bigEndianBytes: Array(bytes[32..<64]))
        else { throw .invalidEncoding }
        if x.isZero && y.isZero {
            self = .infinity
            return
        }
        try self.init(x: x, y: y)
    }

    /// The 64-byte EIP-196 encoding x ‖ y; all zeros for the point at infinity.
    public var eip196Bytes: [UInt8] {
        isInfinity ? [UInt8](repeating: 0, count: 64) : x.bigEndianBytes + y.bigEndianBytes
    }
}

extension Affine where Curve == G2Config {
    /// Decodes the 128-byte EIP-197 encoding x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0 (imaginary part first,
    /// 32-byte big-endian each); all zeros is the point at infinity. Checks the curve equation and
    /// G2 subgroup membership, as the precompile does.
    ///
    /// - Throws: ``CurvePointError/invalidEncoding``, ``CurvePointError/notOnCurve`` or
    ///   ``CurvePointError/notInSubgroup``.
    public init(eip197Bytes bytes: [UInt8]) throws(CurvePointError) {
        guard bytes.count == 128,
            let x1 = Fq(bigEndianBytes: Array(bytes[0..<32])),
            let x0 = Fq(bigEndianBytes: Array(bytes[32..<64])),
            let y1 = Fq(bigEndianBytes: Array(bytes[64..<96])),
            let y0 = Fq(bigEndianBytes: Array(bytes[96..<128]))
        else { throw .invalidEncoding }
        let x = Fq2(c0: x0, c1: x1)
        let y = Fq2(c0: y0, c1: y1)
        if x.isZero && y.isZero {
            self = .infinity
            return
        }
        try self.init(x: x, y: y)
    }

    /// The 128-byte EIP-197 encoding x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0; all zeros for infinity.
    public var eip197Bytes: [UInt8] {
        if isInfinity { return [UInt8](repeating: 0, count: 128) }
        return x.c1.bigEndianBytes + x.c0.bigEndianBytes + y.c1.bigEndianBytes + y.c0.bigEndianBytes
    }
}
