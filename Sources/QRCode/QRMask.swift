// MARK: - Data mask patterns

/// One of the eight data mask patterns of ISO/IEC 18004:2015 §7.8.2, Table 10.
///
/// The raw value is the three-bit mask pattern reference stored in the format information.
/// In the conditions below `i` is the row (y) and `j` the column (x) of a module; a module whose
/// condition is true is inverted.
public enum QRMask: Int, CaseIterable, Sendable, Hashable {
    /// `000`: (i + j) mod 2 = 0
    case pattern0 = 0
    /// `001`: i mod 2 = 0
    case pattern1 = 1
    /// `010`: j mod 3 = 0
    case pattern2 = 2
    /// `011`: (i + j) mod 3 = 0
    case pattern3 = 3
    /// `100`: ((i div 2) + (j div 3)) mod 2 = 0
    case pattern4 = 4
    /// `101`: (i j) mod 2 + (i j) mod 3 = 0
    case pattern5 = 5
    /// `110`: ((i j) mod 2 + (i j) mod 3) mod 2 = 0
    case pattern6 = 6
    /// `111`: ((i + j) mod 2 + (i j) mod 3) mod 2 = 0
    case pattern7 = 7

    /// Whether the module in column `x`, row `y` is inverted by this mask (Table 10).
    @inlinable
    public func inverts(x: Int, y: Int) -> Bool {
        let i = y
        let j = x
        switch self {
        case .pattern0: return (i + j) % 2 == 0
        case .pattern1: return i % 2 == 0
        case .pattern2: return j % 3 == 0
        case .pattern3: return (i + j) % 3 == 0
        case .pattern4: return (i / 2 + j / 3) % 2 == 0
        case .pattern5: return (i * j) % 2 + (i * j) % 3 == 0
        case .pattern6: return ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case .pattern7: return ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }
}

extension QRMask: CustomStringConvertible {
    /// `mask` followed by the pattern reference, e.g. `mask 5`.
    public var description: String { "mask \(rawValue)" }
}
