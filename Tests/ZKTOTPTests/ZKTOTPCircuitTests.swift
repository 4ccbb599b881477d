import BN254
import Circuit
import Curves
import Fields
import Testing
import ZKTOTP

// MARK: - Circuit shape

@Suite struct ZKTOTPCircuitTests {
    @Test func shapeAndSize() throws {
        let matrices = ZKTOTP.Statement.matrices
        #expect(matrices.instanceColumnCount == 5, "one + totpCode, timeCounter, secretHash, txCommitment")
        // 213 (Poseidon(1)) + 240 (Poseidon(2)) + 254 bits + bounds + 4 linking constraints ≈ 950.
        #expect(
            (900...1_019).contains(matrices.constraintCount),
            "\(matrices.constraintCount) constraints; more than 1019 would double the FFT domain")
        #expect(ZKTOTP.Statement.shape.domainLog2Size == 10)
    }

    @Test func setupAndProvingModesBuildTheSameMatrices() throws {
        let secret = ZKTOTP.newSecret()
        let inputs = ZKTOTP.PublicInputs(secret: secret, timeCounter: 57_000_000, txCommitment: .random())
        let cs = try ZKTOTP.Statement.build(.init(secret: secret, publicInputs: inputs))
        #expect(cs.matrices() == ZKTOTP.Statement.matrices)
        #expect(cs.instanceValues == inputs.signals)
    }

    @Test func everyPublicInputIsUsedByAConstraint() {
        let matrices = ZKTOTP.Statement.matrices
        for column in 1..<matrices.instanceColumnCount {
            let used = [matrices.a, matrices.b, matrices.c].contains {
                $0.contains { $0.contains { $0.column == column } }
            }
            #expect(used, "public input \(column) must appear in the constraints")
        }
    }

    @Test func wrongStatementsAreUnsatisfiable() throws {
        let secret = ZKTOTP.newSecret()
        let honest = ZKTOTP.PublicInputs(secret: secret, timeCounter: 1234, txCommitment: .random())
        let variants = [
            ZKTOTP.PublicInputs(
                totpCode: honest.totpCode + .one, timeCounter: honest.timeCounter,
                secretHash: honest.secretHash, txCommitment: honest.txCommitment),
            ZKTOTP.PublicInputs(
                totpCode: honest.totpCode, timeCounter: honest.timeCounter + .one,
                secretHash: honest.secretHash, txCommitment: honest.txCommitment),
            ZKTOTP.PublicInputs(
                totpCode: honest.totpCode, timeCounter: honest.timeCounter,
                secretHash: honest.secretHash + .one, txCommitment: honest.txCommitment),
            ZKTOTP.PublicInputs(
                totpCode: honest.totpCode + Fr(1_000_000), timeCounter: honest.timeCounter,
                secretHash: honest.secretHash, txCommitment: honest.txCommitment),
        ]
        for inputs in variants {
            #expect(try !ZKTOTP.Statement.build(.init(secret: secret, publicInputs: inputs)).isSatisfied())
        }
        let other = ZKTOTP.newSecret()
        #expect(try !ZKTOTP.Statement.build(.init(secret: other, publicInputs: honest)).isSatisfied())
    }
}
