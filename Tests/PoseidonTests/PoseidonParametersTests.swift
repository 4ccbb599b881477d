import BN254
import Curves
import Fields
import Poseidon
import TestSupport
import Testing

// MARK: - Parameters

@Suite("Poseidon parameters")
struct PoseidonParametersTests {
    @Test("the Swift table equals the generator's JSON (the Python peer's constants) for every width")
    func tableMatchesGeneratorOutput() throws {
        let file = try TestResources.load("poseidon-constants.json", as: PoseidonConstantsFile.self)
        let modulusHex =
            "0x"
            + Fr.modulusLimbs.reversed().map { limb in
                let digits = String(limb, radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }.joined()
        #expect(file.prime == modulusHex, "the generator must have used r, the BN254 scalar field order")
        #expect(file.fullRounds == PoseidonParameters.fullRoundCount)
        #expect(file.widths.map(\.t) == Array(2...17))
        for width in file.widths {
            let parameters = try PoseidonParameters.forWidth(width.t)
            #expect(parameters.width == width.t)
            #expect(parameters.partialRounds == width.partialRounds)
            #expect(
                parameters.roundConstants == (try width.roundConstants.map { try $0.map(Fr.hex) }), "t = \(width.t)")
            #expect(parameters.mds == (try width.mds.map { try $0.map(Fr.hex) }), "t = \(width.t)")
        }
    }

    @Test("round numbers are circomlib's: R_F = 8, R_P per width")
    func roundNumbers() throws {
        let expected = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68]
        for (offset, partialRounds) in expected.enumerated() {
            let parameters = try PoseidonParameters.forWidth(offset + 2)
            #expect(parameters.fullRounds == 8)
            #expect(parameters.partialRounds == partialRounds)
            #expect(parameters.roundConstants.count == 8 + partialRounds)
            let full = (0..<(8 + partialRounds)).filter(parameters.isFullRound)
            #expect(full == Array(0..<4) + Array((4 + partialRounds)..<(8 + partialRounds)))
        }
    }

    /// The reference permutation, straight from the documented meaning of `roundConstants` and `mds`.
    static func referencePermute(_ state: [Fr], _ p: PoseidonParameters) -> [Fr] {
        var state = state
        for round in 0..<(p.fullRounds + p.partialRounds) {
            state = zip(state, p.roundConstants[round]).map(+)
            for lane in state.indices where lane == 0 || p.isFullRound(round) {
                state[lane] = state[lane].squared().squared() * state[lane]
            }
            state = p.mds.map { row in zip(row, state).reduce(Fr.zero) { $0 + $1.0 * $1.1 } }
        }
        return state
    }

    @Test("the sparse form computes the reference permutation (random states, every width)")
    func sparseFormIsEquivalent() throws {
        var (generator, seed) = SplitMix64.seeded()
        for width in 2...17 {
            let parameters = try PoseidonParameters.forWidth(width)
            let sparse = parameters.sparse
            #expect(sparse.width == width)
            #expect(sparse.partialRoundConstants.count == parameters.partialRounds)
            #expect(
                sparse.sparseMatrices.allSatisfy { $0.firstRow.count == width && $0.firstColumn.count == width - 1 })
            for _ in 0..<3 {
                let state = (0..<width).map { _ in Fr.testValue(using: &generator) }
                var permuted = state
                try Poseidon.permute(&permuted)
                #expect(permuted == Self.referencePermute(state, parameters), "seed \(seed), width \(width)")
            }
        }
    }
}
