import BN254
import Curves
import Fields

// MARK: - Test values and integer views of field elements

extension Fr {
    /// r as little-endian limbs.
    static var modulus: [UInt64] { Fr.modulusLimbs }

    /// A uniformly random value below `2^bitCount` (`bitCount ≤ 254`; values ≥ r are redrawn).
    static func random<R: RandomNumberGenerator>(bitCount: Int, using generator: inout R) -> Fr {
        while true {
            var limbs = (0..<4).map { _ in generator.next() }
            for i in 0..<4 {
                let low = i * 64
                if bitCount <= low {
                    limbs[i] = 0
                } else if bitCount < low + 64 {
                    limbs[i] &= (1 << UInt64(bitCount - low)) - 1
                }
            }
            if let value = Fr(canonicalLimbs: limbs) { return value }
        }
    }

    /// The canonical value's bits, little-endian.
    func bits(_ count: Int) -> [Bool] { Self.bits(ofLimbs: canonicalLimbs, count) }

    static func bits(ofLimbs limbs: [UInt64], _ count: Int) -> [Bool] {
        (0..<count).map { (limbs[$0 >> 6] >> UInt64($0 & 63)) & 1 == 1 }
    }

    /// Integer comparison of canonical values.
    static func integerLess(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
        return false
    }

    /// Integer `a + b` on four limbs (no overflow for the sums used here, which stay below 2²⁵⁵).
    static func integerSum(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var carry: UInt64 = 0
        return (0..<4).map { i in
            let (s1, o1) = a[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            return s2
        }
    }
}
