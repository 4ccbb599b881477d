import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): a small deterministic generator so that random test
/// cases are reproducible. Set `QRCODE_TEST_SEED` to explore other cases.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The seed from `QRCODE_TEST_SEED`, or a fixed default, mixed with a per-test salt.
    init(salt: UInt64) {
        let base =
            ProcessInfo.processInfo.environment["QRCODE_TEST_SEED"].flatMap { UInt64($0) } ?? 0x5152_436F_6465_2021
        self.init(seed: base ^ salt &* 0x9E37_79B9_7F4A_7C15)
    }

    mutating func next() -> UInt64 {
        // Constants from SplitMix64: golden-ratio increment and the two mix multipliers.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    var hex: String { map { String(format: "%02x", $0) }.joined() }

    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self = bytes
    }
}
