import Curves
import Fields

// MARK: - The GLV endomorphism (public scalars only)

extension Secp256k1 {
    /// λ, a cube root of unity mod n with λ·(x, y) = (β·x, y) for every point (Gallant, Lambert and Vanstone,
    /// "Faster point multiplication on elliptic curves with efficient endomorphisms", CRYPTO 2001, §4 example 4).
    @usableFromInline static let lambda = Fn(
        canonical: FieldLimbs(
            0xDF02_967C_1B23_BD72, 0x122E_22EA_2081_6678, 0xA526_1C02_8812_645A, 0x5363_AD4C_C05C_30E0))!
    /// β, the cube root of unity mod p matching λ.
    @usableFromInline static let beta = Fp(
        canonical: FieldLimbs(
            0xC139_6C28_7195_01EE, 0x9CF0_4975_12F5_8995, 0x6E64_479E_AC34_34E9, 0x7AE9_6A2B_657C_0710))!
    /// g₁ = round(2³⁸⁴·b₂ / n) and g₂ = round(2³⁸⁴·(−b₁) / n) for the reduced lattice basis (a₁, b₁), (a₂, b₂) of
    /// {(x, y) : x + y·λ ≡ 0 mod n} found by the extended Euclidean algorithm (GLV §4; the constants libsecp256k1
    /// uses in `secp256k1_scalar_split_lambda`).
    @usableFromInline static let g1 = FieldLimbs(
        0xE893_209A_45DB_B031, 0x3DAA_8A14_71E8_CA7F, 0xE86C_90E4_9284_EB15, 0x3086_D221_A7D4_6BCD)
    @usableFromInline static let g2 = FieldLimbs(
        0x1571_B4AE_8AC4_7F71, 0x2212_08AC_9DF5_06C6, 0x6F54_7FA9_0ABF_E4C4, 0xE443_7ED6_010E_8828)
    /// −b₁ = 0xE4437ED6010E88286F547FA90ABFE4C3 and −b₂ mod n.
    @usableFromInline static let minusB1 = Fn(
        canonical: FieldLimbs(0x6F54_7FA9_0ABF_E4C3, 0xE443_7ED6_010E_8828, 0, 0))!
    @usableFromInline static let minusB2 = Fn(
        canonical: FieldLimbs(
            0xD765_CDA8_3DB1_562C, 0x8A28_0AC5_0774_346D, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF))!

    /// `round(a·b / 2³⁸⁴)` for 256-bit a and b (the result is below 2¹²⁸ for the g constants).
    @inlinable
    static func multiplyShift384(_ a: FieldLimbs, _ b: FieldLimbs) -> FieldLimbs {
        let high = UInt256(limbs: a).multipliedFullWidth(by: UInt256(limbs: b)).high.limbs
        // Bits 384… of the product (limbs 6 and 7), plus bit 383 (the top bit of limb 5) for rounding.
        let round = high.l1 >> 63
        let (l0, o0) = high.l2.addingReportingOverflow(round)
        return FieldLimbs(l0, high.l3 &+ (o0 ? 1 : 0), 0, 0)
    }

    /// k = k₁ + k₂·λ (mod n) with |k₁|, |k₂| < 2¹²⁸, each returned as a magnitude and a sign (GLV §4).
    @inlinable
    static func splitLambda(_ k: Fn) -> (k1: FieldLimbs, negate1: Bool, k2: FieldLimbs, negate2: Bool) {
        let canonical = k.canonical
        let c1 = Fn(canonical: multiplyShift384(canonical, g1))!
        let c2 = Fn(canonical: multiplyShift384(canonical, g2))!
        let k2 = c1 * minusB1 + c2 * minusB2
        let k1 = k - lambda * k2
        func signed(_ value: Fn) -> (FieldLimbs, Bool) {
            let c = value.canonical
            // Above n/2 the value is a negative number of small magnitude: use n − c and negate the point.
            if ECDSASignature.halfGroupOrder.limbs.isLess(than: c) { return ((-value).canonical, true) }
            return (c, false)
        }
        let (m1, n1) = signed(k1)
        let (m2, n2) = signed(k2)
        return (m1, n1, m2, n2)
    }

    /// The width-w non-adjacent form of a value below 2¹²⁹: odd digits in (−2^(w−1), 2^(w−1)), at most one nonzero
    /// digit in any w consecutive positions (Hankerson, Menezes and Vanstone, *Guide to Elliptic Curve Cryptography*,
    /// Algorithm 3.35). Least significant digit first.
    @inlinable
    static func nonAdjacentForm(_ value: FieldLimbs, width: Int) -> [Int8] {
        var k = (value.l0, value.l1, value.l2)
        var digits = [Int8]()
        digits.reserveCapacity(132)
        let window = UInt64(1) << UInt64(width)
        while k.0 | k.1 | k.2 != 0 {
            var digit: Int64 = 0
            if k.0 & 1 == 1 {
                digit = Int64(k.0 & (window - 1))
                if digit >= Int64(window >> 1) { digit -= Int64(window) }
                // k −= digit (a negative digit adds), over three limbs.
                if digit > 0 {
                    let (d0, b0) = k.0.subtractingReportingOverflow(UInt64(digit))
                    let (d1, b1) = k.1.subtractingReportingOverflow(b0 ? 1 : 0)
                    k = (d0, d1, k.2 &- (b1 ? 1 : 0))
                } else {
                    let (s0, c0) = k.0.addingReportingOverflow(UInt64(-digit))
                    let (s1, c1) = k.1.addingReportingOverflow(c0 ? 1 : 0)
                    k = (s0, s1, k.2 &+ (c1 ? 1 : 0))
                }
            }
            digits.append(Int8(digit))
            k = ((k.0 >> 1) | (k.1 << 63), (k.1 >> 1) | (k.2 << 63), k.2 >> 1)
        }
        return digits
    }

    /// secp256k1 as a curve of the shared `Curves` layer (arkworks `ark_secp256k1::Config`): y² = x³ + 7, cofactor 1.
    /// Verification and recovery use its Jacobian arithmetic (`dbl-2009-l`, `madd-2007-bl`; variable time, for
    /// public data); signing keeps the complete, branch-free formulas of ``Point``.
    public enum Curve: ShortWeierstrassCurve {
        public typealias BaseField = Fp
        public typealias ScalarField = Fn

        /// b = 7.
        @inlinable
        public static var b: Fp { Fp(7) }

        /// G (SEC 2 v2 §2.4.1).
        public static var generator: Affine<Curve> { Affine(uncheckedX: Point.generator.x, y: Point.generator.y) }

        /// Always `true`: the cofactor is 1.
        @inlinable
        public static func isInPrimeOrderSubgroup(_ point: Projective<Curve>) -> Bool { true }
    }

    /// Odd multiples G, 3G, …, 63G for width-7 NAF digits of the generator's scalar; 32 points, built once.
    @usableFromInline
    static let oddGeneratorMultiples: [Affine<Curve>] = {
        let g = Projective<Curve>.generator
        let doubledGenerator = g.doubled()
        var odd = [g]
        for _ in 1..<32 { odd.append(odd[odd.count - 1].adding(doubledGenerator)) }
        return Projective.batchNormalize(odd)
    }()

    /// λ applied to ``oddGeneratorMultiples``: (β·x, y).
    @usableFromInline
    static let oddLambdaGeneratorMultiples: [Affine<Curve>] = oddGeneratorMultiples.map {
        Affine(uncheckedX: $0.x * beta, y: $0.y)
    }

    /// Affine forms of Jacobian points that are not at infinity, with one variable-time inversion (Montgomery's
    /// trick): for public points only.
    @inlinable
    static func normalizePublic(_ points: [Projective<Curve>]) -> [Affine<Curve>] {
        var prefix = [Fp]()
        prefix.reserveCapacity(points.count)
        var accumulator = Fp.one
        for point in points {
            prefix.append(accumulator)
            accumulator *= point.z
        }
        guard var inverse = accumulator.inverseVariableTime() else { return Projective.batchNormalize(points) }
        var result = [Affine<Curve>](repeating: .infinity, count: points.count)
        for i in stride(from: points.count - 1, through: 0, by: -1) {
            let zInverse = inverse * prefix[i]
            inverse *= points[i].z
            let zInverse2 = zInverse.squared()
            result[i] = Affine(uncheckedX: points[i].x * zInverse2, y: points[i].y * zInverse2 * zInverse)
        }
        return result
    }

    /// `a·G + b·P` for public scalars and a public P ≠ ∞ (verification, recovery), variable time: both scalars are
    /// split with the endomorphism (a = a₁ + a₂λ, b = b₁ + b₂λ), and the four half-length products are interleaved
    /// over one chain of ~129 Jacobian doublings (Straus–Shamir): width-7 NAFs against the precomputed odd multiples
    /// of G and λG, width-5 NAFs against odd multiples of P and λP (normalised here with one inversion), all with
    /// mixed additions. About 129 doublings and 2 × 16 + 2 × 22 additions, where the plain method needs 256
    /// doublings and ~100 additions.
    @inlinable
    static func linearCombination(generatorScalar a: Fn, _ point: Affine<Curve>, _ b: Fn) -> Projective<Curve> {
        let (a1, negateA1, a2, negateA2) = splitLambda(a)
        let (b1, negateB1, b2, negateB2) = splitLambda(b)
        let p = Projective(point)
        let doubledPoint = p.doubled()
        var oddJacobian = [p]
        for _ in 1..<8 { oddJacobian.append(oddJacobian[oddJacobian.count - 1].adding(doubledPoint)) }
        let odd = normalizePublic(oddJacobian)
        let lambdaOdd = odd.map { Affine<Curve>(uncheckedX: $0.x * beta, y: $0.y) }
        let nafs = [
            nonAdjacentForm(a1, width: 7), nonAdjacentForm(a2, width: 7),
            nonAdjacentForm(b1, width: 5), nonAdjacentForm(b2, width: 5),
        ]
        // A digit's sign flips when its half-scalar was negated.
        let negations = [negateA1, negateA2, negateB1, negateB2]
        let length = nafs.map(\.count).max() ?? 0
        var accumulator = Projective<Curve>.infinity
        for i in stride(from: length - 1, through: 0, by: -1) {
            accumulator = accumulator.doubled()
            for table in 0..<4 where i < nafs[table].count && nafs[table][i] != 0 {
                let digit = Int(nafs[table][i])
                let index = abs(digit) >> 1
                let entry: Affine<Curve>
                switch table {
                case 0: entry = oddGeneratorMultiples[index]
                case 1: entry = oddLambdaGeneratorMultiples[index]
                case 2: entry = odd[index]
                default: entry = lambdaOdd[index]
                }
                accumulator = accumulator.adding(mixed: (digit < 0) != negations[table] ? -entry : entry)
            }
        }
        return accumulator
    }
}
