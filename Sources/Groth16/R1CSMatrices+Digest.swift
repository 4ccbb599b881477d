import BN254
import Circuit
import Curves
import Fields

// MARK: - Matrix digest

extension R1CSMatrices {
    /// SHA-256 (FIPS 180-4) of the matrices in a canonical byte encoding, which a proving key records so a prover can
    /// tell that a key belongs to a circuit:
    ///
    ///     "chronoguard.r1cs.v1" ‖ u64le(constraints) ‖ u64le(instance columns) ‖ u64le(witness columns)
    ///     ‖ for M in (A, B, C), for each row: u32le(entry count) ‖ (u32le(column) ‖ be32(coefficient))*
    ///
    /// Rows are already sorted by column with nonzero coefficients, so equal constraint systems hash equally.
    public var digest: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(64 + 36 * nonzeroCount + 12 * constraintCount)
        bytes.append(contentsOf: Array("chronoguard.r1cs.v1".utf8))
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { bytes.append(contentsOf: $0) } }
        func u64(_ v: Int) { withUnsafeBytes(of: UInt64(v).littleEndian) { bytes.append(contentsOf: $0) } }
        u64(constraintCount)
        u64(instanceColumnCount)
        u64(witnessColumnCount)
        for matrix in [a, b, c] {
            for row in matrix {
                u32(row.count)
                for entry in row {
                    u32(entry.column)
                    bytes.append(contentsOf: entry.coefficient.bigEndianBytes)
                }
            }
        }
        return Groth16.sha256(bytes)
    }
}
