// MARK: - Image files

/// Reads image files into ``QRGrayImage``s, recognising the format by its signature. A namespace.
///
/// ```swift
/// let image = try QRImageFile.decode(Array(pngData))
/// let symbols = QRReader.read(image)
/// ```
public enum QRImageFile {
    /// The formats this library reads.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// Portable Network Graphics (ISO/IEC 15948:2004).
        case png = "png"
        /// Netpbm greymap, plain (`P2`) or raw (`P5`).
        case pgm = "pgm"
        /// Netpbm pixmap, plain (`P3`) or raw (`P6`).
        case ppm = "ppm"
    }

    /// The format whose signature `bytes` start with: the 8-byte PNG signature (ISO/IEC 15948 §5.2) or a Netpbm magic
    /// number; `nil` for anything else.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.count >= 8 && Array(bytes[0..<8]) == PNGDecoder.signature { return .png }
        guard PNMDecoder.isPNM(bytes) else { return nil }
        return bytes[1] == 0x32 || bytes[1] == 0x35 ? .pgm : .ppm
    }

    /// Decodes a PNG, PGM or PPM file to luminance.
    ///
    /// Colour is reduced to BT.601 luma and transparency composited over white (see ``QRGrayImage``); images above
    /// ``QRGrayImage/maximumPixelCount`` pixels are refused before anything is allocated for them.
    /// - Throws: ``QRImageError/Code/unknownFormat`` for other formats, other ``QRImageError`` codes for corrupt files.
    public static func decode(_ bytes: [UInt8]) throws(QRImageError) -> QRGrayImage {
        switch format(of: bytes) {
        case .png: try PNGDecoder.decode(bytes)
        case .pgm, .ppm: try PNMDecoder.decode(bytes)
        case nil: throw .unknownFormat()
        }
    }
}
