import BN254
import Curves
import Fields
import PropertyBased
import TestSupport
import Testing

@Suite("Optimal ate pairing")
struct PairingTests {
    @Test func bilinearity() async {
        await propertyCheck(count: 3, input: Arbitrary.nonzeroFr, Arbitrary.nonzeroFr) { a, b in
            let p = G1Affine.generator
            let q = G2Affine.generator
            let lhs = Pairing.pairing((p * a).affine, (q * b).affine)
            let base = Pairing.pairing(p, q)
            #expect(lhs == base.pow((a * b).canonicalLimbs))
            #expect(lhs == Pairing.pairing((p * (a * b)).affine, q))
            #expect(lhs == Pairing.pairing(p, (q * (a * b)).affine))
        }
    }

    @Test func nonDegenerateAndOrderR() {
        let e = Pairing.pairing(.generator, .generator)
        #expect(e != .one)
        #expect(e.pow(Fr.modulusLimbs) == .one)
    }

    @Test func inversePairsCancel() {
        var rng = SplitMix64(seed: 21)
        let p = (G1Affine.generator * Fr.random(using: &rng)).affine
        let q = G2Prepared((G2Affine.generator * Fr.random(using: &rng)).affine)
        #expect(Pairing.pairingCheck([(p, q), (-p, q)]))
        #expect(!Pairing.pairingCheck([(p, q), (p, q)]))
        #expect(Pairing.pairingCheck([]))
    }

    @Test func multiMillerLoopMatchesProductOfSinglePairings() {
        var rng = SplitMix64(seed: 22)
        let pairs = (0..<3).map { _ in
            ((G1Affine.generator * Fr.random(using: &rng)).affine, (G2Affine.generator * Fr.random(using: &rng)).affine)
        }
        let product = pairs.map { Pairing.pairing($0.0, $0.1) }.reduce(Fq12.one, *)
        #expect(Pairing.multiPairing(pairs.map { ($0.0, G2Prepared($0.1)) }) == product)
    }

    @Test func infinityContributesOne() {
        let q = G2Prepared(.generator)
        #expect(Pairing.pairing(.infinity, .generator) == .one)
        #expect(Pairing.pairing(.generator, .infinity) == .one)
        let e = Pairing.pairing(.generator, .generator)
        #expect(Pairing.multiPairing([(.generator, q), (.infinity, q), (.generator, G2Prepared(.infinity))]) == e)
    }
}
