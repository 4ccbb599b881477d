import BN254
import Curves
import Fields
import TestSupport
import Testing

// MARK: - MSM and fixed-base tables

@Suite("Multi-scalar multiplication and fixed-base tables") struct MultiScalarMultiplicationTests {
    /// Σ sᵢ·Pᵢ one multiplication at a time (BN254's wNAF, an independent code path).
    func naive<Curve: ShortWeierstrassCurve>(_ bases: [Affine<Curve>], _ scalars: [Fr]) -> Projective<Curve>
    where Curve.ScalarField == Fr {
        zip(bases, scalars).reduce(Projective<Curve>.infinity) { $0 + Projective($1.0) * $1.1 }
    }

    /// Scalars shaped like Groth16 witnesses: zeros, ones, small values, r − 1 and full-size random elements.
    func witnessLikeScalars(_ n: Int) -> [Fr] {
        (0..<n).map { i in
            switch i % 6 {
            case 0: .zero
            case 1: .one
            case 2: Fr(UInt64.random(in: 2...1_000_000))
            case 3: -Fr.one
            default: Fr.random()
            }
        }
    }

    @Test(arguments: [1, 3, 4, 5, 31, 32, 77, 300])
    func g1MatchesNaiveSum(count: Int) {
        let bases = (0..<count).map { i in i % 13 == 12 ? G1Affine.infinity : randomG1() }
        let scalars = witnessLikeScalars(count).shuffled()
        #expect(Projective.multiScalarMultiplication(bases, scalars) == naive(bases, scalars))
    }

    @Test(arguments: [2, 9, 70])
    func g2MatchesNaiveSum(count: Int) {
        let bases = (0..<count).map { _ in randomG2() }
        let scalars = witnessLikeScalars(count).shuffled()
        #expect(Projective.multiScalarMultiplication(bases, scalars) == naive(bases, scalars))
    }

    @Test func repeatedAndOppositeBasesCancel() {
        // Equal bases land in the same bucket (doubling inside the bucket) and P + (−P) must give infinity.
        let p = randomG1()
        let s = Fr.random()
        let bases = Array(repeating: p, count: 40) + [-p]
        let scalars = Array(repeating: s, count: 40) + [s * Fr(40)]
        #expect(Projective.multiScalarMultiplication(bases, scalars).isInfinity)
        #expect(Projective.multiScalarMultiplication([G1Affine](), [Fr]()).isInfinity)
    }

    @Test(arguments: [2, 4, 7, 8, 10])
    func fixedBaseTableMatchesScalarMultiplication(width: Int) {
        let table = FixedBaseTable(base: G1Affine.generator, windowWidth: width)
        let scalars = [Fr.zero, .one, -Fr.one, Fr(UInt64.max)] + (0..<12).map { _ in Fr.random() }
        let points = table.multiplyAll(scalars)
        for (scalar, point) in zip(scalars, points) {
            #expect(Projective(point) == G1Projective.generator * scalar)
        }
        let g2 = FixedBaseTable(base: G2Affine.generator, windowWidth: width)
        let s = Fr.random()
        #expect(g2.multiply(s) == G2Projective.generator * s)
    }

    @Test(arguments: [0, 1, 7, 8, 33, 130])
    func g1MatchesSumOfProducts(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 41)
        let points = G1Projective.batchNormalize(
            (0..<count).map { i in
                i % 11 == 5 ? .infinity : G1Projective.generator * Fr.random(using: &rng)
            })
        let scalars = (0..<count).map { i in i % 13 == 3 ? Fr.zero : (i % 17 == 4 ? -Fr.one : Fr.random(using: &rng)) }
        var expected = G1Projective.infinity
        for (p, s) in zip(points, scalars) { expected += Projective(p) * s }
        #expect(G1Projective.multiScalarMultiplication(points, scalars) == expected)
    }

    @Test func g2MatchesSumOfProducts() {
        var rng = SplitMix64(seed: 42)
        let points = G2Projective.batchNormalize((0..<12).map { _ in G2Projective.generator * Fr.random(using: &rng) })
        let scalars = (0..<12).map { _ in Fr.random(using: &rng) }
        var expected = G2Projective.infinity
        for (p, s) in zip(points, scalars) { expected += Projective(p) * s }
        #expect(G2Projective.multiScalarMultiplication(points, scalars) == expected)
    }
}

func randomG1() -> G1Affine { (G1Projective.generator * Fr.random()).affine }

func randomG2() -> G2Affine { (G2Projective.generator * Fr.random()).affine }
