import BN254
import Circuit
import Curves
import Fields
import Foundation
import Groth16
import Testing
import ZKTOTP

// MARK: - End-to-end proofs of the TOTP statement

/// One key pair for the TOTP circuit and one honest proof, shared by the tests below.
enum TOTPFixture {
    struct Value: Sendable {
        let key: Groth16.ProvingKey
        let prepared: Groth16.PreparedVerifyingKey
        let secret: Fr
        let proof: Groth16.Proof
        let inputs: ZKTOTP.PublicInputs
    }

    static let shared: Value = {
        let key = try! ZKTOTP.unsafeSinglePartySetup()
        let secret = ZKTOTP.newSecret()
        let commitment = try! ZKTOTP.transactionCommitment(
            chainID: 8453, wallet: (0..<20).map { UInt8($0) }, transactionHash: (0..<32).map { UInt8(255 - $0) },
            nonce: 5)
        let (proof, inputs) = try! ZKTOTP.prove(
            secret: secret, timeCounter: 59_000_123, txCommitment: commitment,
            provingKey: key)
        return Value(key: key, prepared: key.verifyingKey.prepared(), secret: secret, proof: proof, inputs: inputs)
    }()
}

@Suite struct ZKTOTPProofTests {
    let f = TOTPFixture.shared

    func verify(_ proof: Groth16.Proof, _ inputs: ZKTOTP.PublicInputs) throws -> Bool {
        try ZKTOTP.verify(f.prepared, proof: proof, publicInputs: inputs)
    }

    @Test func anHonestProofVerifies() throws {
        #expect(try verify(f.proof, f.inputs))
        #expect(f.inputs.totpCode == Fr(UInt64(ZKTOTP.codeValue(secret: f.secret, timeCounter: 59_000_123))))
        #expect(f.inputs.secretHash == ZKTOTP.secretHash(f.secret))
    }

    @Test func anotherSecretAndTimeProveUnderTheSameKey() throws {
        let secret = ZKTOTP.newSecret()
        let (proof, inputs) = try ZKTOTP.prove(
            secret: secret, timeCounter: 1, txCommitment: -Fr.one,
            provingKey: f.key)
        #expect(try verify(proof, inputs))
        #expect(try !verify(proof, f.inputs))
    }

    @Test func everyTamperedSignalIsRejected() throws {
        var signals = f.inputs.signals
        for i in signals.indices {
            for delta in [Fr.one, Fr(1_000_000), Fr.random()] {
                signals = f.inputs.signals
                signals[i] += delta
                #expect(try !verify(f.proof, try ZKTOTP.PublicInputs(signals)), "signal \(i) + \(delta)")
            }
        }
    }

    @Test func aChangedCommitmentIsRejected() throws {
        // Same wallet and transaction, but another chain, wallet, transaction or nonce (SEEDS-NOTES item 6).
        let wallet = (0..<20).map { UInt8($0) }
        let hash = (0..<32).map { UInt8(255 - $0) }
        let others = try [
            ZKTOTP.transactionCommitment(chainID: 1, wallet: wallet, transactionHash: hash, nonce: 5),
            ZKTOTP.transactionCommitment(chainID: 8453, wallet: wallet.reversed(), transactionHash: hash, nonce: 5),
            ZKTOTP.transactionCommitment(chainID: 8453, wallet: wallet, transactionHash: hash.reversed(), nonce: 5),
            ZKTOTP.transactionCommitment(chainID: 8453, wallet: wallet, transactionHash: hash, nonce: 6),
            -f.inputs.txCommitment,  // same square: the square constraint alone would not tell them apart
        ]
        for commitment in others {
            let inputs = ZKTOTP.PublicInputs(
                totpCode: f.inputs.totpCode, timeCounter: f.inputs.timeCounter,
                secretHash: f.inputs.secretHash, txCommitment: commitment)
            #expect(try !verify(f.proof, inputs))
        }
    }

    @Test func swappedAndReplacedProofPointsAreRejected() throws {
        let p = f.proof
        let random1 = (G1Projective.generator * Fr.random()).affine
        let random2 = (G2Projective.generator * Fr.random()).affine
        for proof in try [
            Groth16.Proof(a: p.c, b: p.b, c: p.a), Groth16.Proof(a: -p.a, b: p.b, c: p.c),
            Groth16.Proof(a: p.a, b: -p.b, c: p.c), Groth16.Proof(a: p.a, b: p.b, c: -p.c),
            Groth16.Proof(a: random1, b: p.b, c: p.c), Groth16.Proof(a: p.a, b: random2, c: p.c),
            Groth16.Proof(a: p.a, b: p.b, c: random1),
        ] {
            #expect(try !verify(proof, f.inputs))
        }
    }

    @Test func aWrongCodeCannotBeProven() throws {
        let honest = f.inputs
        let lying = ZKTOTP.PublicInputs(
            totpCode: honest.totpCode + .one, timeCounter: honest.timeCounter,
            secretHash: honest.secretHash, txCommitment: honest.txCommitment)
        let error = #expect(throws: Groth16Error.self) {
            try ZKTOTP.prove(.init(secret: f.secret, publicInputs: lying), provingKey: f.key)
        }
        #expect(error?.code.rawValue == "unsatisfied_constraint")
    }

    @Test func keysForOtherCircuitsAreRefused() throws {
        let cs = ConstraintSystem(mode: .setup)
        _ = try cs.allocateInstance { nil }
        let otherKey = try Groth16.unsafeSinglePartySetup(for: cs.matrices())
        #expect(throws: ZKTOTPError.keyForAnotherCircuit) {
            try ZKTOTP.prove(secret: f.secret, timeCounter: 1, txCommitment: .zero, provingKey: otherKey)
        }
    }

    @Test func filesRoundTripAndPyEccAgrees() throws {
        let proofJSON = f.proof.snarkJSON
        let publicJSON = Groth16.publicSignalsJSON(f.inputs.signals)
        let vkJSON = f.key.verifyingKey.snarkJSON
        let proof = try Groth16.Proof(snarkJSON: Data(proofJSON.utf8))
        let inputs = try ZKTOTP.PublicInputs(Groth16.publicSignals(snarkJSON: Data(publicJSON.utf8)))
        let vk = try Groth16.VerifyingKey(snarkJSON: Data(vkJSON.utf8))
        #expect(proof == f.proof && inputs == f.inputs && vk == f.key.verifyingKey)
        #expect(try Groth16.ProvingKey(serialized: f.key.serialized()) == f.key)

        var tampered = f.inputs.signals
        tampered[3] += .one
        let cases: [[String: Any]] = try [
            [
                "op": "verify", "vk": PythonPeer.tree(vkJSON), "proof": PythonPeer.tree(proofJSON),
                "public": PythonPeer.tree(publicJSON),
            ],
            [
                "op": "verify", "vk": PythonPeer.tree(vkJSON), "proof": PythonPeer.tree(proofJSON),
                "public": PythonPeer.tree(Groth16.publicSignalsJSON(tampered)),
            ],
        ]
        let reply = try #require(try PythonPeer.run("groth16_peer.py", ["cases": cases]) as? [String: Any])
        #expect(
            reply["results"] as? [Bool] == [true, false],
            "py_ecc must accept the TOTP proof and reject it with a changed commitment")
    }
}
