import BN254
import Curves
import Fields

// MARK: - Binary proving key format (version 1)

/// The on-disk proving key (docs/groth16.md, "Proving key format"). All integers little-endian; points in the EVM
/// encodings (G1: 64-byte EIP-196 x ‖ y, G2: 128-byte EIP-197 x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0, all zeros = infinity):
///
///     offset  size  field
///          0     8  magic "CGG16PK\0"
///          8     4  format version (1)
///         12     4  curve (1 = BN254)
///         16     4  constraint count m
///         20     4  instance columns ℓ + 1 (the constant one and the public inputs)
///         24     4  witness columns w
///         28     4  log₂ n (evaluation domain size)
///         32    32  SHA-256 of the constraint matrices (R1CSMatrices.digest)
///         64        α₁, β₂, γ₂, δ₂, IC[ℓ + 1] (G1), β₁, δ₁,
///                   A[ℓ + 1 + w] (G1), B₁[ℓ + 1 + w] (G1), B₂[ℓ + 1 + w] (G2), H[n − 1] (G1), L[w] (G1)
///        end−32  32  SHA-256 of every preceding byte
///
/// The reader checks the magic, version and curve, bounds every count before allocating, requires the exact total
/// length the header implies, verifies the trailing digest, and checks every point is on its curve; the verifying
/// key's G2 points are also checked for G2 membership. (The B₂ query is not subgroup-checked: a corrupted key can
/// only produce proofs that fail verification, and the digest already catches corruption.)
extension Groth16.ProvingKey {
    /// "CGG16PK\0".
    static let magic: [UInt8] = Array("CGG16PK".utf8) + [0]
    /// Curve identifier 1: BN254 (alt_bn128).
    static let curveBN254: UInt32 = 1
    /// Header bytes before the points.
    static let headerSize = 64
    /// EIP-196 G1 encoding size.
    static let g1Size = 64
    /// EIP-197 G2 encoding size.
    static let g2Size = 128
    /// SHA-256 output size.
    static let digestSize = 32
    /// Largest accepted column or constraint count: 2²⁸, the largest FFT domain of 𝔽ᵣ.
    static let maximumCount = 1 << 28

    /// The key in binary format version 1.
    public func serialized() -> [UInt8] {
        var out = [UInt8]()
        let columns = shape.columnCount
        out.reserveCapacity(Self.expectedSize(shape: shape))
        out += Self.magic
        for value in [
            Self.formatVersion, Self.curveBN254, UInt32(shape.constraintCount),
            UInt32(shape.instanceColumnCount), UInt32(shape.witnessColumnCount),
            UInt32(shape.domainLog2Size),
        ] {
            withUnsafeBytes(of: value.littleEndian) { out += $0 }
        }
        out += shape.matricesDigest
        let vk = verifyingKey
        out += vk.alpha1.eip196Bytes + vk.beta2.eip197Bytes + vk.gamma2.eip197Bytes + vk.delta2.eip197Bytes
        for p in vk.ic { out += p.eip196Bytes }
        out += beta1.eip196Bytes + delta1.eip196Bytes
        assert(aQuery.count == columns)
        for p in aQuery { out += p.eip196Bytes }
        for p in bG1Query { out += p.eip196Bytes }
        for p in bG2Query { out += p.eip197Bytes }
        for p in hQuery { out += p.eip196Bytes }
        for p in lQuery { out += p.eip196Bytes }
        out += Groth16.sha256(out)
        return out
    }

    static func expectedSize(shape: Groth16.CircuitShape) -> Int {
        let columns = shape.columnCount
        let g1Count =
            1 + shape.instanceColumnCount + 2 + 2 * columns + ((1 << shape.domainLog2Size) - 1)
            + shape.witnessColumnCount
        let g2Count = 3 + columns
        return headerSize + g1Count * g1Size + g2Count * g2Size + digestSize
    }

    /// Reads a key in binary format version 1 (see the format above).
    /// - Throws: ``Groth16Error/malformedProvingKey(_:)`` naming what was wrong, or
    ///   ``Groth16Error/unsupportedProvingKeyVersion(_:)``.
    public init(serialized bytes: [UInt8]) throws(Groth16Error) {
        guard bytes.count >= Self.headerSize + Self.digestSize else {
            throw .malformedProvingKey("the file is \(bytes.count) bytes, shorter than the header")
        }
        guard Array(bytes[0..<8]) == Self.magic else {
            throw .malformedProvingKey("the file does not start with the \"CGG16PK\" magic")
        }
        func u32(_ offset: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << UInt32(8 * $1) }
        }
        let version = u32(8)
        guard version == Self.formatVersion else { throw .unsupportedProvingKeyVersion(version) }
        guard u32(12) == Self.curveBN254 else { throw .malformedProvingKey("curve \(u32(12)) is not BN254 (1)") }
        let constraints = Int(u32(16))
        let instance = Int(u32(20))
        let witness = Int(u32(24))
        let log2 = Int(u32(28))
        guard constraints <= Self.maximumCount, (1...Self.maximumCount).contains(instance),
            witness <= Self.maximumCount, log2 <= Fr.twoAdicity,
            (1 << log2) >= constraints + instance
        else {
            throw .malformedProvingKey(
                "inconsistent header: \(constraints) constraints, \(instance) instance "
                    + "columns, \(witness) witnesses, domain 2^\(log2)")
        }
        let shape = Groth16.CircuitShape(
            constraintCount: constraints, instanceColumnCount: instance,
            witnessColumnCount: witness, domainLog2Size: log2,
            matricesDigest: Array(bytes[32..<64]))
        let expected = Self.expectedSize(shape: shape)
        guard bytes.count == expected else {
            throw .malformedProvingKey("the header implies \(expected) bytes but the file has \(bytes.count)")
        }
        let body = bytes[0..<(expected - Self.digestSize)]
        guard Groth16.sha256(Array(body)) == Array(bytes[(expected - Self.digestSize)...]) else {
            throw .malformedProvingKey("the SHA-256 checksum does not match; the file is corrupted")
        }

        var reader = PointReader(bytes: bytes, offset: Self.headerSize)
        let alpha1 = try reader.g1("alpha_1")
        let beta2 = try reader.g2("beta_2", subgroupCheck: true)
        let gamma2 = try reader.g2("gamma_2", subgroupCheck: true)
        let delta2 = try reader.g2("delta_2", subgroupCheck: true)
        let ic = try reader.g1s(instance, "IC")
        let beta1 = try reader.g1("beta_1")
        let delta1 = try reader.g1("delta_1")
        let columns = instance + witness
        let aQuery = try reader.g1s(columns, "A query")
        let bG1Query = try reader.g1s(columns, "B query (G1)")
        var bG2Query = [G2Affine]()
        bG2Query.reserveCapacity(columns)
        for i in 0..<columns { bG2Query.append(try reader.g2("B query (G2)[\(i)]", subgroupCheck: false)) }
        let hQuery = try reader.g1s((1 << log2) - 1, "H query")
        let lQuery = try reader.g1s(witness, "L query")
        let verifyingKey = Groth16.VerifyingKey(unchecked: alpha1, beta2, gamma2, delta2, ic)
        try self.init(
            shape: shape, verifyingKey: verifyingKey, beta1: beta1, delta1: delta1, aQuery: aQuery,
            bG1Query: bG1Query, bG2Query: bG2Query, hQuery: hQuery, lQuery: lQuery)
    }
}

/// Sequential point decoding with errors naming the element.
private struct PointReader {
    let bytes: [UInt8]
    var offset: Int

    mutating func coordinate(_ what: String) throws(Groth16Error) -> Fq {
        defer { offset += 32 }
        guard let x = Fq(bigEndianBytes: Array(bytes[offset..<(offset + 32)])) else {
            throw .malformedProvingKey("\(what) has a coordinate not below the field modulus")
        }
        return x
    }

    mutating func g1(_ what: String) throws(Groth16Error) -> G1Affine {
        let x = try coordinate(what)
        let y = try coordinate(what)
        if x.isZero && y.isZero { return .infinity }
        // G1 has cofactor 1: on the curve means in the group.
        guard G1Config.isOnCurve(x: x, y: y) else { throw .malformedProvingKey("\(what) is not on the curve") }
        return G1Affine(uncheckedX: x, y: y)
    }

    mutating func g1s(_ count: Int, _ what: String) throws(Groth16Error) -> [G1Affine] {
        var points = [G1Affine]()
        points.reserveCapacity(count)
        for i in 0..<count { points.append(try g1("\(what)[\(i)]")) }
        return points
    }

    mutating func g2(_ what: String, subgroupCheck: Bool) throws(Groth16Error) -> G2Affine {
        let x1 = try coordinate(what)
        let x0 = try coordinate(what)
        let y1 = try coordinate(what)
        let y0 = try coordinate(what)
        let x = Fq2(c0: x0, c1: x1)
        let y = Fq2(c0: y0, c1: y1)
        if x.isZero && y.isZero { return .infinity }
        guard G2Config.isOnCurve(x: x, y: y) else { throw .malformedProvingKey("\(what) is not on the curve") }
        let point = G2Affine(uncheckedX: x, y: y)
        if subgroupCheck && !point.isInPrimeOrderSubgroup {
            throw .malformedProvingKey("\(what) is not in the order-r subgroup")
        }
        return point
    }
}
