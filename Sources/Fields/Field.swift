// MARK: - Field

/// A finite field: the arithmetic shared by the prime fields ``Fq``/``Fr`` and the extension
/// fields ``Fq2``, ``Fq6`` and ``Fq12`` (arkworks `ark_ff::Field`).
///
/// Values are always fully reduced, so `==` compares field elements.
public protocol Field: Sendable, Hashable, CustomStringConvertible {
    /// The additive identity.
    static var zero: Self { get }
    /// The multiplicative identity.
    static var one: Self { get }
    /// `true` for the additive identity.
    var isZero: Bool { get }

    /// Field addition.
    static func + (a: Self, b: Self) -> Self
    /// Field subtraction.
    static func - (a: Self, b: Self) -> Self
    /// Field multiplication.
    static func * (a: Self, b: Self) -> Self
    /// Additive inverse.
    static prefix func - (a: Self) -> Self
    /// In-place addition.
    static func += (a: inout Self, b: Self)
    /// In-place subtraction.
    static func -= (a: inout Self, b: Self)
    /// In-place multiplication.
    static func *= (a: inout Self, b: Self)

    /// `self²`.
    func squared() -> Self
    /// `2·self`.
    func doubled() -> Self
    /// The multiplicative inverse, or `nil` for zero.
    func inverse() -> Self?

    /// A uniformly random element drawn from `generator`.
    static func random<R: RandomNumberGenerator>(using generator: inout R) -> Self
}

// MARK: - Generic helpers

extension Field {
    /// A uniformly random element from `SystemRandomNumberGenerator` (a CSPRNG).
    @inlinable
    public static func random() -> Self {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// `self^e` for an exponent given as little-endian 64-bit limbs (square-and-multiply,
    /// variable time in the exponent).
    @inlinable
    public func pow(_ exponentLimbs: [UInt64]) -> Self {
        var result = Self.one
        var started = false
        for limb in exponentLimbs.reversed() {
            var bit = 63
            while bit >= 0 {
                if started { result = result.squared() }
                if (limb >> UInt64(bit)) & 1 == 1 {
                    result = started ? result * self : self
                    started = true
                }
                bit -= 1
            }
        }
        return result
    }

    /// Inverts every nonzero element in place with one inversion and 3(n − 1) multiplications
    /// (Montgomery's trick); zeros stay zero.
    @inlinable
    public static func batchInvert(_ elements: inout [Self]) {
        var prefix = [Self]()
        prefix.reserveCapacity(elements.count)
        var accumulator = Self.one
        for e in elements {
            prefix.append(accumulator)
            if !e.isZero { accumulator *= e }
        }
        guard var inv = accumulator.inverse() else { return }
        for i in stride(from: elements.count - 1, through: 0, by: -1) where !elements[i].isZero {
            let e = elements[i]
            elements[i] = inv * prefix[i]
            inv *= e
        }
    }
}
