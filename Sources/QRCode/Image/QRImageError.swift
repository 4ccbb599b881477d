// MARK: - Image decoding errors

/// Why an image could not be read: a stable ``code`` (snake_case raw values, safe to match on and to log) and a
/// ``message`` sentence that says what was wrong and what to do about it — the one error shape of Chronoguard's
/// libraries, here for PNG (ISO/IEC 15948), zlib/DEFLATE (RFC 1950, RFC 1951), PGM/PPM (Netpbm) and pixel buffers.
public struct QRImageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The bytes start with no signature this library reads (PNG, PGM or PPM).
        case unknownFormat = "unknown_format"
        /// The file ends before a structure it announced is complete.
        case truncated = "truncated"
        /// A chunk's CRC-32 does not match its type and data (ISO/IEC 15948 §5.3).
        case checksumMismatch = "checksum_mismatch"
        /// A header field holds a value the format does not allow (ISO/IEC 15948 §11.2.2, Netpbm header).
        case invalidHeader = "invalid_header"
        /// The file's structure breaks a rule of its format (chunk order, palette, filter type, sample values).
        case malformed = "malformed"
        /// The compressed image data is not a valid zlib/DEFLATE stream (RFC 1950, RFC 1951).
        case invalidCompressedData = "invalid_compressed_data"
        /// The image is larger than ``QRGrayImage/maximumPixelCount`` or decompresses to more than it announced.
        case tooLarge = "too_large"
        /// A feature the format allows but this decoder does not implement.
        case unsupported = "unsupported"
        /// A pixel buffer whose dimensions, row stride or byte count do not fit together.
        case invalidPixelBuffer = "invalid_pixel_buffer"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `truncated: The PNG file ends …`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The bytes are not a PNG, PGM or PPM file.
    public static func unknownFormat() -> QRImageError {
        QRImageError(
            .unknownFormat,
            "The bytes start with no PNG, PGM or PPM signature; convert the image to PNG or pass its pixels "
                + "through QRGrayImage's pixel-buffer initialiser.")
    }

    /// The file ends inside `structure`.
    public static func truncated(_ format: String, _ structure: String) -> QRImageError {
        QRImageError(
            .truncated, "The \(format) file ends inside \(structure); the file is incomplete, fetch or copy it again.")
    }

    /// A PNG chunk's CRC does not match.
    public static func checksumMismatch(chunk: String) -> QRImageError {
        QRImageError(
            .checksumMismatch,
            "The CRC-32 of the PNG chunk \(chunk) does not match its contents; the file is corrupted, "
                + "fetch or copy it again.")
    }

    /// A header field holds an invalid value.
    public static func invalidHeader(_ format: String, _ detail: String) -> QRImageError {
        QRImageError(
            .invalidHeader,
            "The \(format) header is invalid: \(detail); the file is corrupted or not a \(format) image.")
    }

    /// The file breaks a structural rule.
    public static func malformed(_ format: String, _ detail: String) -> QRImageError {
        QRImageError(.malformed, "The \(format) file is malformed: \(detail); re-encode the image with another tool.")
    }

    /// The compressed data is not valid DEFLATE/zlib.
    public static func invalidCompressedData(_ detail: String) -> QRImageError {
        QRImageError(
            .invalidCompressedData,
            "The compressed image data is not a valid zlib stream (RFC 1950/1951): \(detail); "
                + "the file is corrupted, fetch or copy it again.")
    }

    /// The image has more pixels than allowed.
    public static func tooLarge(width: Int, height: Int) -> QRImageError {
        QRImageError(
            .tooLarge,
            "The image claims \(width)×\(height) pixels, more than the \(QRGrayImage.maximumPixelCount) this "
                + "decoder accepts; scale the image down before decoding.")
    }

    /// Decompressed data larger than the image needs.
    public static func tooMuchData(limit: Int) -> QRImageError {
        QRImageError(
            .tooLarge,
            "The compressed image data expands to more than the \(limit) bytes its header announces; "
                + "the file is corrupted or hostile, re-encode it.")
    }

    /// A feature this decoder does not implement.
    public static func unsupported(_ detail: String) -> QRImageError {
        QRImageError(.unsupported, "\(detail) is not supported; convert the image to an 8-bit PNG.")
    }

    /// A pixel buffer whose geometry is inconsistent.
    public static func invalidPixelBuffer(_ detail: String) -> QRImageError {
        QRImageError(
            .invalidPixelBuffer,
            "The pixel buffer is inconsistent: \(detail); pass positive dimensions, a row stride of at least "
                + "width × bytes per pixel and at least (height − 1) × stride + width × bytes per pixel bytes.")
    }
}
