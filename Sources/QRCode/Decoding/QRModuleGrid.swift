// MARK: - Sampled module grid

/// A square grid of modules read from an image (or taken from an encoder): the hand-over between the detector, which
/// finds a symbol in pixels and samples it, and the symbol decoder, which reads format and version information,
/// unmasks and error-corrects it (ISO/IEC 18004:2015 §12, steps a–k).
///
/// Unlike ``QRMatrix`` it carries no version, level or mask: those are what decoding recovers. Row-major,
/// `1` = dark, `(0, 0)` the top-left corner as the symbol is meant to be read (a mirrored grid is the transpose).
public struct QRModuleGrid: Sendable, Hashable {
    /// Modules per side (21, 25, …, 177 for a well-formed symbol; any positive size is representable).
    public let size: Int
    /// Row-major modules, 1 = dark, 0 = light.
    public private(set) var modules: [UInt8]

    /// A grid from row-major modules (any nonzero byte is dark).
    /// - Returns: `nil` when `size` is not positive or `modules.count != size · size`.
    public init?(size: Int, modules: [UInt8]) {
        guard size > 0, size <= 1024, modules.count == size &* size else { return nil }
        self.size = size
        self.modules = modules.map { $0 == 0 ? 0 : 1 }
    }

    /// An all-light grid of the given size, to be filled by sampling.
    /// - Precondition: `1 ≤ size ≤ 1024`.
    public init(size: Int) {
        precondition(size > 0 && size <= 1024, "grid size out of range")
        self.size = size
        self.modules = [UInt8](repeating: 0, count: size * size)
    }

    /// The modules of an encoded symbol.
    public init(_ matrix: QRMatrix) {
        self.size = matrix.size
        self.modules = matrix.modules
    }

    /// Whether the module in column `x`, row `y` is dark.
    /// - Precondition: `0 ≤ x < size` and `0 ≤ y < size`.
    public subscript(x: Int, y: Int) -> Bool {
        get {
            precondition(x >= 0 && x < size && y >= 0 && y < size, "module coordinate out of range")
            return modules[y &* size &+ x] != 0
        }
        set {
            precondition(x >= 0 && x < size && y >= 0 && y < size, "module coordinate out of range")
            modules[y &* size &+ x] = newValue ? 1 : 0
        }
    }

    /// The grid mirrored about its main diagonal: what a mirror image of the symbol samples to (§12, note on
    /// mirror imaging: a decoder retries with rows and columns exchanged).
    public func transposed() -> QRModuleGrid {
        var result = QRModuleGrid(size: size)
        for y in 0..<size {
            for x in 0..<size { result.modules[x &* size &+ y] = modules[y &* size &+ x] }
        }
        return result
    }
}
