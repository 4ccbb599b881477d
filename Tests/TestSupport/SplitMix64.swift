// MARK: - SplitMix64

/// A small seedable generator (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014)
/// so that a failing random case can be replayed from the seed printed with it. Tests only: never for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator with a fresh random seed, returned together with that seed.
    public static func seeded() -> (generator: SplitMix64, seed: UInt64) {
        let seed = UInt64.random(in: .min ... .max)
        return (SplitMix64(seed: seed), seed)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15  // 2⁶⁴ / golden ratio
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` pseudo-random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
