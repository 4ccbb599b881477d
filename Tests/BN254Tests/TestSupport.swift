import BN254
import BigInt
import Curves
import Fields
import PropertyBased

// MARK: - Generators

/// Property-test generators for BN254 types. Field generators mix uniform elements with the
/// edge values 0, 1, 2, −1, −2 (one draw in eight) so reductions at the boundary are exercised.
enum Arbitrary {
    static func field<F: MontgomeryPrimeField>(_: F.Type) -> Generator<F, Shrink.None<F>> {
        Generator { rng in
            if rng.next() % 8 == 0 {
                let edges: [F] = [.zero, .one, F(2), -F.one, -F(2)]
                return edges[Int(rng.next() % UInt64(edges.count))]
            }
            return F.random(using: &rng)
        }
    }

    static var fq: Generator<Fq, Shrink.None<Fq>> { field(Fq.self) }
    static var fr: Generator<Fr, Shrink.None<Fr>> { field(Fr.self) }
    /// Uniform nonzero scalars.
    static var nonzeroFr: Generator<Fr, Shrink.None<Fr>> {
        Generator { rng in
            while true {
                let x = Fr.random(using: &rng)
                if !x.isZero { return x }
            }
        }
    }
}

// MARK: - BigInt reference

/// Conversions to attaswift/BigInt, used as an independent slow reference for modular arithmetic.
enum Reference {
    static func big<F: PrimeField>(_ x: F) -> BigUInt {
        BigUInt(words: x.canonicalLimbs.map { UInt($0) })
    }

    static func modulus<F: PrimeField>(_: F.Type) -> BigUInt {
        BigUInt(words: F.modulusLimbs.map { UInt($0) })
    }

    static func limbs(_ x: BigUInt) -> [UInt64] {
        var words = x.words.map { UInt64($0) }
        while words.count < 4 { words.append(0) }
        return words
    }

    static func element<F: PrimeField>(_ x: BigUInt, as _: F.Type) -> F {
        F(canonicalLimbs: limbs(x % modulus(F.self)))!
    }
}
