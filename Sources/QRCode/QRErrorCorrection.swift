// MARK: - Error-correction level

/// The error-correction level of a QR code symbol (ISO/IEC 18004:2015 §5.3.5, Table 1).
///
/// Higher levels spend more codewords on Reed–Solomon redundancy, so the symbol survives more
/// damage but holds less data at a given version.
public enum QRErrorCorrection: Int, CaseIterable, Sendable, Hashable, Comparable {
    /// Level L: recovers about 7 % of the codewords.
    case low = 0
    /// Level M: recovers about 15 % of the codewords.
    case medium = 1
    /// Level Q: recovers about 25 % of the codewords.
    case quartile = 2
    /// Level H: recovers about 30 % of the codewords.
    case high = 3

    /// The one-letter name the standard uses: `L`, `M`, `Q` or `H`.
    public var letter: Character {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    /// The two-bit indicator carried in the format information (ISO/IEC 18004:2015 §7.9.1, Table 12):
    /// L = 01, M = 00, Q = 11, H = 10. Note that the indicator is *not* ordered by strength.
    var formatIndicator: UInt32 {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// Orders levels by strength: L < M < Q < H.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension QRErrorCorrection: CustomStringConvertible {
    /// The level's letter, `L`, `M`, `Q` or `H`.
    public var description: String { String(letter) }
}
