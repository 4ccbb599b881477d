import BN254
import Circuit
import Curves
import Fields
import Groth16

// MARK: - The circuit

extension ZKTOTP {
    /// The R1CS of the statement (952 constraints; docs/zktotp.md):
    ///
    ///     public  totpCode, timeCounter, secretHash, txCommitment
    ///     private secret
    ///     Poseidon(secret) = secretHash                                   (circomlib Poseidon(1), 213)
    ///     h = Poseidon(secret, timeCounter)                               (circomlib Poseidon(2), 240)
    ///     totpCode = h mod 10⁶, exactly                                   (ExactModularReduction, ≈ 510)
    ///     txCommitment · txCommitment = txCommitmentSquared              (1)
    ///
    /// The commitment needs no constraint to be bound — every public input enters the verifier's IC sum, so a
    /// changed commitment changes the pairing equation — but it gets the square constraint anyway (as Tornado Cash
    /// does for its recipient/fee inputs), so that it also appears in the constraint matrices and no tool that
    /// prunes unused signals could ever drop it.
    public enum Statement {
        /// What the prover knows. ``reductionClaim`` is for adversarial tests only: `nil` is the honest prover.
        public struct Witness: Sendable {
            /// The TOTP secret.
            public var secret: Fr
            /// The public signals to prove (the honest ones follow from the secret, see
            /// ``PublicInputs/init(secret:timeCounter:txCommitment:)``).
            public var publicInputs: PublicInputs
            /// A dishonest quotient/remainder for the reduction (tests of exactness); `nil` for honest proving.
            public var reductionClaim: ExactModularReduction.Claim?

            public init(secret: Fr, publicInputs: PublicInputs, reductionClaim: ExactModularReduction.Claim? = nil) {
                self.secret = secret
                self.publicInputs = publicInputs
                self.reductionClaim = reductionClaim
            }
        }

        /// Builds the circuit into `cs`: with `witness == nil` in setup mode (shape only), with a witness in proving
        /// mode. Both produce identical matrices.
        public static func synthesize(into cs: ConstraintSystem, witness: Witness?) throws(CircuitError) {
            let inputs = witness?.publicInputs
            let totpCode = LinearCombination(try cs.allocateInstance { inputs?.totpCode })
            let timeCounter = LinearCombination(try cs.allocateInstance { inputs?.timeCounter })
            let secretHash = LinearCombination(try cs.allocateInstance { inputs?.secretHash })
            let txCommitment = LinearCombination(try cs.allocateInstance { inputs?.txCommitment })
            let secret = LinearCombination(try cs.allocateWitness { witness?.secret })

            // Poseidon(secret) = secretHash.
            cs.enforceEqual(try cs.poseidon([secret]), secretHash)

            // totpCode = Poseidon(secret, timeCounter) mod 10⁶.
            let h = try cs.poseidon([secret, timeCounter])
            let reduction = try ExactModularReduction.synthesize(cs, dividing: h, claim: witness?.reductionClaim)
            cs.enforceEqual(reduction.code, totpCode)

            // txCommitment² — keeps the commitment in the matrices (see the type's documentation).
            let squared = try cs.allocateWitness { inputs.map { $0.txCommitment.squared() } }
            cs.enforce(txCommitment, txCommitment, LinearCombination(squared), label: "txCommitment squared")
        }

        /// The constraint system in proving mode for `witness` (check ``Circuit/ConstraintSystem/isSatisfied()``).
        public static func build(_ witness: Witness) throws(CircuitError) -> ConstraintSystem {
            let cs = ConstraintSystem(mode: .proving)
            try synthesize(into: cs, witness: witness)
            return cs
        }

        /// The circuit's constraint matrices and shape, built once per process.
        public static var matrices: R1CSMatrices { Cached.value.matrices }

        /// The shape (with digest) a proving key for this circuit must have.
        public static var shape: Groth16.CircuitShape { Cached.value.shape }

        /// Number of constraints.
        public static var constraintCount: Int { matrices.constraintCount }

        private enum Cached {
            static let value: (matrices: R1CSMatrices, shape: Groth16.CircuitShape) = {
                let cs = ConstraintSystem(mode: .setup)
                // Setup mode never calls value closures, so synthesis cannot fail for lack of values.
                try! synthesize(into: cs, witness: nil)
                let matrices = cs.matrices()
                return (matrices, try! Groth16.CircuitShape(matrices))
            }()
        }
    }
}

// MARK: - Setup, prove, verify

extension ZKTOTP {
    /// A fresh key pair for the circuit. **Unsafe for real funds**: a single-party setup, see
    /// ``Groth16/Groth16/unsafeSinglePartySetup(for:using:)``.
    public static func unsafeSinglePartySetup() throws(Groth16Error) -> Groth16.ProvingKey {
        try Groth16.unsafeSinglePartySetup(for: Statement.matrices)
    }

    #if !hasFeature(Embedded)
        /// Proves the statement for `secret` at `timeCounter`, bound to `txCommitment`; returns the proof and the public
        /// signals it proves.
        ///
        /// - Throws: ``ZKTOTPError/keyForAnotherCircuit`` if the key's circuit digest differs from this build's circuit,
        ///   or a ``Groth16Error``.
        public static func prove(
            secret: Fr, timeCounter: UInt64, txCommitment: Fr,
            provingKey: Groth16.ProvingKey
        ) throws -> (proof: Groth16.Proof, publicInputs: PublicInputs) {
            let publicInputs = PublicInputs(secret: secret, timeCounter: timeCounter, txCommitment: txCommitment)
            let proof = try prove(Statement.Witness(secret: secret, publicInputs: publicInputs), provingKey: provingKey)
            return (proof, publicInputs)
        }

        /// Proves an explicit witness (the public inputs are the witness's; a dishonest one fails with
        /// ``Groth16Error/unsatisfied(row:)``).
        public static func prove(_ witness: Statement.Witness, provingKey: Groth16.ProvingKey) throws -> Groth16.Proof {
            var generator = SystemRandomNumberGenerator()
            do {
                return try prove(witness, provingKey: provingKey, using: &generator)
            } catch {
                switch error {
                case .key(let error): throw error
                case .circuit(let error): throw error
                case .groth16(let error): throw error
                }
            }
        }
    #endif

    /// Proves the statement for `secret` at `timeCounter`, bound to `txCommitment`, with the proof's randomness (r, s)
    /// from `generator`; returns the proof and the public signals it proves. Typed throws, for Embedded Swift (the
    /// WebAssembly module), where the generator is the host's CSPRNG.
    public static func prove<R: RandomNumberGenerator>(
        secret: Fr, timeCounter: UInt64, txCommitment: Fr,
        provingKey: Groth16.ProvingKey, using generator: inout R
    ) throws(ProvingError) -> (proof: Groth16.Proof, publicInputs: PublicInputs) {
        let publicInputs = PublicInputs(secret: secret, timeCounter: timeCounter, txCommitment: txCommitment)
        let witness = Statement.Witness(secret: secret, publicInputs: publicInputs)
        let proof = try prove(witness, provingKey: provingKey, using: &generator)
        return (proof, publicInputs)
    }

    /// Proves an explicit witness with the proof's randomness from `generator`.
    /// - Throws: ``ProvingError/key(_:)`` (``ZKTOTPError/keyForAnotherCircuit``), ``ProvingError/circuit(_:)`` or
    ///   ``ProvingError/groth16(_:)`` (``Groth16Error/unsatisfied(row:)`` for a dishonest witness).
    public static func prove<R: RandomNumberGenerator>(
        _ witness: Statement.Witness, provingKey: Groth16.ProvingKey, using generator: inout R
    ) throws(ProvingError) -> Groth16.Proof {
        guard provingKey.shape == Statement.shape else { throw .key(.keyForAnotherCircuit) }
        let assignment: [Fr]
        do throws(CircuitError) {
            assignment = try Statement.build(witness).fullAssignment()
        } catch {
            throw .circuit(error)
        }
        do throws(Groth16Error) {
            return try Groth16.prove(
                provingKey, matrices: Statement.matrices, assignment: assignment, using: &generator)
        } catch {
            throw .groth16(error)
        }
    }

    /// Why proving failed, one case per layer (typed throws; the untyped native API rethrows the wrapped error).
    public enum ProvingError: Error, Sendable, Hashable {
        /// The key is not for this build's circuit (``ZKTOTPError/keyForAnotherCircuit``).
        case key(ZKTOTPError)
        /// Building the constraint system failed.
        case circuit(CircuitError)
        /// The Groth16 prover refused (an unsatisfied constraint, a malformed assignment).
        case groth16(Groth16Error)
    }

    /// Whether `proof` is valid for these public signals under the verifying key.
    /// - Throws: ``Groth16Error/publicInputCount(expected:got:)`` if the key is not a 4-input key.
    public static func verify(
        _ key: Groth16.PreparedVerifyingKey, proof: Groth16.Proof,
        publicInputs: PublicInputs
    ) throws(Groth16Error) -> Bool {
        try Groth16.verify(key, proof: proof, publicInputs: publicInputs.signals)
    }
}
