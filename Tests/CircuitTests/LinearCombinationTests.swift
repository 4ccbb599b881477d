import BN254
import Curves
import Fields
import TestSupport
import Testing

@testable import Circuit

// MARK: - LinearCombination

@Suite("LinearCombination")
struct LinearCombinationTests {
    static let pool: [Variable] =
        [.one]
        + (0..<3).map { Variable(kind: .instance, index: $0) }
        + (0..<5).map { Variable(kind: .witness, index: $0) }

    static func randomTerms(using generator: inout SplitMix64) -> [(Variable, Fr)] {
        (0..<Int(generator.next() % 9)).map { _ in
            let variable = pool[Int(generator.next() % UInt64(pool.count))]
            let coefficient = generator.next() % 4 == 0 ? Fr(generator.next() % 3) : Fr.random(using: &generator)
            return (variable, coefficient)
        }
    }

    @Test("merging keeps terms sorted, unique and nonzero, and preserves values (300 random combinations)")
    func mergingInvariants() {
        var (generator, seed) = SplitMix64.seeded()
        for _ in 0..<300 {
            let termsA = Self.randomTerms(using: &generator)
            let termsB = Self.randomTerms(using: &generator)
            let a = LinearCombination(termsA)
            let b = LinearCombination(termsB)
            var reference = [Variable: Fr]()
            for (variable, coefficient) in termsA { reference[variable, default: .zero] += coefficient }
            #expect(a.terms.map(\.variable) == a.terms.map(\.variable).sorted(), "seed \(seed)")
            #expect(Set(a.terms.map(\.variable)).count == a.terms.count, "seed \(seed)")
            #expect(a.terms.allSatisfy { !$0.coefficient.isZero }, "seed \(seed)")
            #expect(
                Dictionary(uniqueKeysWithValues: a.terms.map { ($0.variable, $0.coefficient) })
                    == reference.filter { !$0.value.isZero }, "seed \(seed)")

            var assignment = [Variable: Fr]()
            for variable in Self.pool { assignment[variable] = variable == .one ? .one : Fr.random(using: &generator) }
            let value: (LinearCombination) -> Fr = { $0.evaluate { assignment[$0] }! }
            let naive = termsA.reduce(Fr.zero) { $0 + $1.1 * assignment[$1.0]! }
            #expect(value(a) == naive, "seed \(seed)")
            let k = Fr.random(using: &generator)
            #expect(value(a + b) == value(a) + value(b), "seed \(seed)")
            #expect(value(a - b) == value(a) - value(b), "seed \(seed)")
            #expect(value(k * a) == k * value(a), "seed \(seed)")
            #expect(value(a.adding(b, scaledBy: k)) == value(a) + k * value(b), "seed \(seed)")
            #expect(a + b - b == a, "seed \(seed)")
            #expect((a - a).terms.isEmpty && (-a + a) == .zero, "seed \(seed)")
            #expect(value(a + k) == value(a) + k, "seed \(seed)")
        }
    }

    @Test("constants and zero coefficients")
    func constants() {
        let c = Fr(42)
        #expect(LinearCombination.constant(c).constantValue == c)
        #expect(LinearCombination.zero.constantValue == .zero)
        #expect(LinearCombination.one.constantValue == .one)
        #expect(LinearCombination(Variable(kind: .witness, index: 0), coefficient: .zero) == .zero)
        let mixed = LinearCombination(Variable(kind: .witness, index: 0)) + c
        #expect(!mixed.isConstant && mixed.constantValue == nil)
        #expect((mixed - LinearCombination(Variable(kind: .witness, index: 0))).constantValue == c)
        #expect(LinearCombination.constant(.zero).terms.isEmpty)
    }
}
