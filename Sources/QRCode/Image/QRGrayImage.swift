// MARK: - 8-bit luminance image

/// An 8-bit luminance image, the input of the detector (ISO/IEC 18004:2015 §12 works on a binarised image, which the
/// detector derives from this one): `width × height` samples, row-major, 0 = black, 255 = white.
///
/// Build one from an image file with ``QRImageFile/decode(_:)``, or from a camera frame or bitmap with
/// ``init(width:height:bytesPerRow:format:pixels:)``. Colour is reduced to luma with the ITU-R BT.601 weights
/// (Y = 0.299 R + 0.587 G + 0.114 B, in 16-bit fixed point: (19595 R + 38470 G + 7471 B + 32768) >> 16), and
/// transparency is composited over white (a QR code printed on a transparent background is read as if on paper).
/// Images are limited to ``maximumPixelCount`` pixels.
public struct QRGrayImage: Sendable, Hashable {
    /// The most pixels an image may have: 2²⁶ = 67,108,864 (64 Mi pixels, e.g. 8192 × 8192). Every decoder checks a
    /// file's claimed dimensions against it before allocating anything.
    public static let maximumPixelCount = 1 << 26

    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Row-major luminance, `width × height` bytes, 0 = black, 255 = white.
    public let pixels: [UInt8]

    /// An image from row-major luminance bytes.
    /// - Throws: ``QRImageError/Code/invalidPixelBuffer`` when a dimension is not positive or
    ///   `pixels.count != width · height`, ``QRImageError/Code/tooLarge`` above ``maximumPixelCount``.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(QRImageError) {
        try Self.validate(width: width, height: height)
        guard pixels.count == width * height else {
            throw .invalidPixelBuffer("\(pixels.count) luminance bytes for a \(width)×\(height) image")
        }
        self.init(unchecked: width, height, pixels)
    }

    /// An image whose geometry the caller has checked.
    init(unchecked width: Int, _ height: Int, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The luminance at column `x`, row `y`.
    /// - Precondition: `0 ≤ x < width` and `0 ≤ y < height`.
    public subscript(x: Int, y: Int) -> UInt8 {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel coordinate out of range")
        return pixels[y * width + x]
    }

    /// Checks that both dimensions are positive and the pixel count is within ``maximumPixelCount``.
    static func validate(width: Int, height: Int) throws(QRImageError) {
        guard width > 0, height > 0 else { throw .invalidPixelBuffer("the size \(width)×\(height) is not positive") }
        guard width <= maximumPixelCount, height <= maximumPixelCount / width else {
            throw .tooLarge(width: width, height: height)
        }
    }

    // MARK: Pixel conversions

    /// BT.601 luma of 8-bit R, G, B (ITU-R BT.601-7 §2.5.1 weights 0.299, 0.587, 0.114, rounded fixed point).
    @inline(__always)
    static func luma(_ red: Int, _ green: Int, _ blue: Int) -> Int {
        (19595 * red + 38470 * green + 7471 * blue + 32768) >> 16
    }

    /// `value` (0...255) with straight alpha `alpha` (0...255) composited over white, rounded.
    @inline(__always)
    static func overWhite(_ value: Int, alpha: Int) -> Int {
        (value * alpha + 255 * (255 - alpha) + 127) / 255
    }
}

// MARK: - Pixel buffers

extension QRGrayImage {
    /// Layouts of 8-bit-per-channel pixel buffers, as cameras and bitmap APIs hand them over.
    public enum PixelFormat: String, Sendable, Hashable, CaseIterable {
        /// One luminance byte per pixel (also the Y plane of a YUV 4:2:0 camera frame).
        case gray8 = "gray8"
        /// Red, green, blue.
        case rgb8 = "rgb8"
        /// Red, green, blue, straight (not premultiplied) alpha.
        case rgba8 = "rgba8"
        /// Blue, green, red, straight alpha (`kCVPixelFormatType_32BGRA`; camera alpha is opaque).
        case bgra8 = "bgra8"
        /// Alpha, red, green, blue.
        case argb8 = "argb8"

        /// Bytes per pixel.
        public var bytesPerPixel: Int {
            switch self {
            case .gray8: 1
            case .rgb8: 3
            case .rgba8, .bgra8, .argb8: 4
            }
        }
    }

    /// An image from a pixel buffer: `height` rows of `width` pixels in `format`, each row starting `bytesPerRow`
    /// bytes after the previous one (padding bytes at row ends are ignored). Colour becomes BT.601 luma, alpha is
    /// composited over white (see ``QRGrayImage``).
    ///
    /// - Parameters:
    ///   - bytesPerRow: The row stride; `nil` for tightly packed rows (`width · format.bytesPerPixel`).
    /// - Throws: ``QRImageError/Code/invalidPixelBuffer`` when the stride is shorter than a row or the buffer holds
    ///   fewer than `(height − 1) · bytesPerRow + width · bytesPerPixel` bytes; ``QRImageError/Code/tooLarge`` above
    ///   ``maximumPixelCount``.
    public init(width: Int, height: Int, bytesPerRow: Int? = nil, format: PixelFormat, pixels: UnsafeRawBufferPointer)
        throws(QRImageError)
    {
        try Self.validate(width: width, height: height)
        let rowBytes = width * format.bytesPerPixel
        let stride = bytesPerRow ?? rowBytes
        guard stride >= rowBytes else {
            throw .invalidPixelBuffer("a row stride of \(stride) bytes is shorter than a row of \(rowBytes) bytes")
        }
        guard stride <= Int.max / height, pixels.count >= (height - 1) * stride + rowBytes else {
            throw .invalidPixelBuffer("\(pixels.count) bytes for \(height) rows with a stride of \(stride) bytes")
        }
        var luminance = [UInt8](repeating: 0, count: width * height)
        luminance.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let row = y * stride
                let base = y * width
                switch format {
                case .gray8:
                    for x in 0..<width { out[base + x] = pixels[row + x] }
                case .rgb8:
                    for x in 0..<width {
                        let p = row + 3 * x
                        out[base + x] = UInt8(Self.luma(Int(pixels[p]), Int(pixels[p + 1]), Int(pixels[p + 2])))
                    }
                case .rgba8, .bgra8, .argb8:
                    let (r, g, b, a) =
                        format == .rgba8 ? (0, 1, 2, 3) : format == .bgra8 ? (2, 1, 0, 3) : (1, 2, 3, 0)
                    for x in 0..<width {
                        let p = row + 4 * x
                        let y = Self.luma(Int(pixels[p + r]), Int(pixels[p + g]), Int(pixels[p + b]))
                        out[base + x] = UInt8(Self.overWhite(y, alpha: Int(pixels[p + a])))
                    }
                }
            }
        }
        self.init(unchecked: width, height, luminance)
    }

    /// An image from a pixel buffer held in an array; see ``init(width:height:bytesPerRow:format:pixels:)-(_,_,_,_,UnsafeRawBufferPointer)``.
    public init(width: Int, height: Int, bytesPerRow: Int? = nil, format: PixelFormat, pixels: [UInt8])
        throws(QRImageError)
    {
        let result = pixels.withUnsafeBytes { buffer in
            Result { () throws(QRImageError) -> QRGrayImage in
                try QRGrayImage(width: width, height: height, bytesPerRow: bytesPerRow, format: format, pixels: buffer)
            }
        }
        self = try result.get()
    }
}
