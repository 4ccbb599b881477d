import BN254
import Curves
import Fields
import TestSupport
import Testing

@testable import Circuit

// MARK: - Tampering harness

/// Replays a dishonest prover against the witnesses a gadget allocated.
enum GadgetHarness {
    /// For each witness in `witnesses` (all, or a random sample of `sample`), adds a random nonzero offset and,
    /// separately, flips it between 0 and 1 (`v ↦ 1 − v`, which keeps a bit boolean). Every such assignment must
    /// violate a constraint — unless the gadget leaves that witness free (e.g. the inverse in an equality test
    /// when the difference is 0), in which case `outputsCorrect` must still hold. Returns how many tamperings
    /// were rejected.
    @discardableResult
    static func expectTamperingDetected(
        _ cs: ConstraintSystem, witnesses: Range<Int>, sample: Int? = nil, using generator: inout SplitMix64,
        context: String, outputsCorrect: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let failing = try cs.firstUnsatisfiedConstraint()
        #expect(
            failing == nil, "\(context): honest witness rejected at constraint \(failing ?? -1)",
            sourceLocation: sourceLocation)
        #expect(outputsCorrect(), "\(context): honest output wrong", sourceLocation: sourceLocation)
        var indices = Array(witnesses)
        if let sample, sample < indices.count {
            indices.shuffle(using: &generator)
            indices = Array(indices.prefix(sample))
        }
        var rejected = 0
        for index in indices {
            let variable = Variable(kind: .witness, index: index)
            let original = cs.value(of: variable)!
            var offset = Fr.random(using: &generator)
            if offset.isZero { offset = .one }
            for tampered in [original + offset, Fr.one - original] {
                cs.overrideValue(of: variable, with: tampered)
                if try cs.isSatisfied() {
                    #expect(
                        outputsCorrect(),
                        "\(context): witness \(index) = \(tampered) satisfies the constraints with a wrong result",
                        sourceLocation: sourceLocation)
                } else {
                    rejected += 1
                }
            }
            cs.overrideValue(of: variable, with: original)
        }
        if !indices.isEmpty {
            #expect(rejected > 0, "\(context): no tampering was detected", sourceLocation: sourceLocation)
        }
        return rejected
    }
}
