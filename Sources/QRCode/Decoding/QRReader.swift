// MARK: - Reading QR codes from images

/// Reads every QR code symbol in an image: the detector finds and samples candidate grids (any rotation, perspective,
/// inverted symbols, several symbols per image), the symbol decoder reads and error-corrects each (ISO/IEC
/// 18004:2015 §12; mirror images by transposition), and the first candidate of a detection that decodes wins. A symbol
/// found twice (by two finder triples or binarizations) is reported once. Only payloads that passed Reed–Solomon
/// correction are returned.
public enum QRReader {
    /// The symbols in `image`, in the order the detector found them.
    public static func read(_ image: QRGrayImage) -> [QRDecodedSymbol] {
        var symbols: [QRDecodedSymbol] = []
        var seen: [(corners: [QRPoint], bytes: [UInt8])] = []
        for detection in QRDetector.detect(in: image) {
            for grid in detection.candidates {
                guard let symbol = try? QRSymbolDecoder.decode(grid) else { continue }
                let duplicate = seen.contains { other in
                    other.bytes == symbol.bytes && overlaps(other.corners, detection.corners)
                }
                if !duplicate {
                    symbols.append(symbol)
                    seen.append((detection.corners, symbol.bytes))
                }
                break
            }
        }
        return symbols
    }

    /// Whether two detections' centres lie within each other's quadrilateral bounds (the same symbol found twice).
    static func overlaps(_ a: [QRPoint], _ b: [QRPoint]) -> Bool {
        guard !a.isEmpty, !b.isEmpty else { return true }
        func centre(_ points: [QRPoint]) -> QRPoint {
            QRPoint(
                x: points.map(\.x).reduce(0, +) / Double(points.count),
                y: points.map(\.y).reduce(0, +) / Double(points.count))
        }
        func contains(_ points: [QRPoint], _ p: QRPoint) -> Bool {
            let xs = points.map(\.x)
            let ys = points.map(\.y)
            return p.x >= (xs.min() ?? 0) && p.x <= (xs.max() ?? 0) && p.y >= (ys.min() ?? 0) && p.y <= (ys.max() ?? 0)
        }
        return contains(a, centre(b)) || contains(b, centre(a))
    }
}
