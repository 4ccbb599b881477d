// MARK: - Reading symbols from images (ISO/IEC 18004:2015 §12, the whole reference decode algorithm)

/// Finds and decodes every QR symbol in an image: ``QRDetector`` locates and samples symbols, ``QRSymbolDecoder``
/// decodes the sampled grids (format and version information, unmasking, Reed–Solomon correction, bit stream). A
/// namespace.
///
/// ```swift
/// let image = try QRImageFile.decode(Array(pngData))
/// for symbol in QRReader.read(image) { print(symbol.text ?? "\(symbol.bytes.count) bytes") }
/// ```
///
/// Binarisations are tried in turn — local thresholds, then one global threshold, then local thresholds on a
/// smoothed image, each in both polarities (light-on-dark symbols, §6.2) — and for each symbol candidate the sampled
/// grids in order of likelihood, until one decodes. A symbol found again by a later attempt is reported once. Only
/// decoded symbols are returned: Reed–Solomon decoding (§7.5.2) rejects a grid it cannot correct, so a payload is
/// either the one written in the symbol or absent.
public enum QRReader {
    /// One decoding attempt: a binarisation and a polarity.
    private static let passes: [(QRBinarizer.Method, inverted: Bool)] = [
        (.local, false), (.local, true), (.global, false), (.global, true), (.smoothedLocal, false),
        (.smoothedLocal, true), (.localMidrange, false), (.localMidrange, true),
    ]

    /// Decodes every symbol found in `image`, in the order they were found.
    public static func read(_ image: QRGrayImage) -> [QRDecodedSymbol] {
        readWithDetections(image).map { $0.symbol }
    }

    /// Decodes every symbol found in `image` together with the detection (position, outline) it was decoded from.
    public static func readWithDetections(_ image: QRGrayImage) -> [(symbol: QRDecodedSymbol, detection: QRDetection)] {
        var found: [(symbol: QRDecodedSymbol, detection: QRDetection)] = []
        var binarized: [QRBinarizer.Method: QRBitImage] = [:]
        for (method, inverted) in passes {
            let bits: QRBitImage
            if let cached = binarized[method] {
                bits = cached
            } else {
                bits = QRBinarizer.binarize(image, method)
                binarized[method] = bits
            }
            var failedHere = 0
            for detection in QRDetector.detect(
                in: inverted ? bits.inverted() : bits, gray: image, inverted: inverted, disjoint: false)
            {
                // A symbol already decoded owns its finder patterns.
                if found.contains(where: { $0.detection.sharesFinder(with: detection) }) { continue }
                var decoded: QRDecodedSymbol?
                for grid in detection.candidates {
                    if let symbol = try? QRSymbolDecoder.decode(grid) {
                        decoded = symbol
                        break
                    }
                }
                if let decoded {
                    found.append((decoded, detection))
                } else {
                    failedHere += 1
                }
            }
            // Further binarisations only help symbols not yet read: stop once a pass read everything it saw.
            if !found.isEmpty && failedHere == 0 { break }
        }
        return found
    }
}

extension QRDetection {
    /// Whether the two detections use a common finder pattern (centres within two modules).
    func sharesFinder(with other: QRDetection) -> Bool {
        let tolerance = 2 * max(moduleSize, other.moduleSize)
        let mine = [topLeft, topRight, bottomLeft]
        let theirs = [other.topLeft, other.topRight, other.bottomLeft]
        return mine.contains { point in theirs.contains { $0.distance(to: point) <= tolerance } }
    }
}
