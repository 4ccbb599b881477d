// MARK: - Encoded symbol

/// A finished QR code symbol: a square grid of dark and light modules plus the parameters it was
/// encoded with. The quiet zone (§6.3.8) is not included; the renderers add it.
public struct QRMatrix: Sendable, Hashable {
    /// Symbol version, 1...40 (ISO/IEC 18004:2015 §5.3.1).
    public let version: Int
    /// Error-correction level (§5.3.5).
    public let ecLevel: QRErrorCorrection
    /// Data mask pattern applied to the encoding region (§7.8.2).
    public let mask: QRMask
    /// Modules per side: 17 + 4 · version.
    public let size: Int
    /// Row-major modules, 1 = dark.
    let modules: [UInt8]

    init(version: Int, ecLevel: QRErrorCorrection, mask: QRMask, modules: [UInt8]) {
        precondition(modules.count == QRSpec.size(ofVersion: version) * QRSpec.size(ofVersion: version))
        self.version = version
        self.ecLevel = ecLevel
        self.mask = mask
        self.size = QRSpec.size(ofVersion: version)
        self.modules = modules
    }

    /// Whether the module in column `x`, row `y` is dark. (0, 0) is the top-left corner.
    /// - Precondition: `0 ≤ x < size` and `0 ≤ y < size`.
    @inlinable
    public subscript(x: Int, y: Int) -> Bool {
        precondition(x >= 0 && x < size && y >= 0 && y < size, "module coordinate out of range")
        return isDark(index: y &* size &+ x)
    }

    @usableFromInline
    func isDark(index: Int) -> Bool { modules[index] != 0 }
}

extension QRMatrix: CustomStringConvertible {
    /// A one-line summary of the symbol's parameters (not its modules).
    public var description: String {
        "QRMatrix(version: \(version), ecLevel: \(ecLevel), mask: \(mask.rawValue), size: \(size))"
    }
}
