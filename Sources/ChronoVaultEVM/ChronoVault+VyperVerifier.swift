import BN254
import EVMKit
import Foundation
import Groth16

// MARK: - The fixed-key Vyper verifier

extension ChronoVault {
    /// The Groth16 verifier for `key` as Vyper 0.4.3 source with the key compiled in as constants
    /// (`chronoguard zk vyper --keys DIR`): `contracts/evm/templates/Groth16VerifierFixedKey.vy.template` with its 24
    /// placeholders filled — decimal base-field elements, G2 points imaginary part first (EIP-197). Same interface
    /// and verdicts as the deploy-time-key `Groth16Verifier.vy` the CLI deploys; a test compiles both and compares.
    public static func vyperVerifier(for key: Groth16.VerifyingKey) throws(EVMError) -> String {
        guard key.ic.count == 5 else {
            throw EVMError(
                .abiValueMismatch, "the Vyper verifier is for 4 public signals (5 IC points); got \(key.ic.count)")
        }
        var values: [String: String] = [
            "ALPHA_X": key.alpha1.x.decimalString, "ALPHA_Y": key.alpha1.y.decimalString,
        ]
        for (name, point) in [("BETA", key.beta2), ("GAMMA", key.gamma2), ("DELTA", key.delta2)] {
            values["\(name)_X1"] = point.x.c1.decimalString
            values["\(name)_X0"] = point.x.c0.decimalString
            values["\(name)_Y1"] = point.y.c1.decimalString
            values["\(name)_Y0"] = point.y.c0.decimalString
        }
        for (index, point) in key.ic.enumerated() {
            // The point at infinity is written 0, 0 (the precompiles' encoding of it).
            values["IC\(index)_X"] = point.isInfinity ? "0" : point.x.decimalString
            values["IC\(index)_Y"] = point.isInfinity ? "0" : point.y.decimalString
        }
        var source = ContractArtifact.groth16VerifierFixedKeyTemplate
        for (name, value) in values { source = source.replacingOccurrences(of: "{{\(name)}}", with: value) }
        guard !source.contains("{{") else {
            throw EVMError(.invalidABIType, "the verifier template has a placeholder this generator does not fill")
        }
        return source
    }
}
