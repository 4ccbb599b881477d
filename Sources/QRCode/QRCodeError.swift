// MARK: - Errors

/// Why a QR code could not be built: a stable ``code`` (snake_case raw values, safe to match on and to log) and a
/// ``message`` sentence that says what was wrong and what to do about it — the one error shape of Chronoguard's
/// libraries.
public struct QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The payload does not fit (ISO/IEC 18004:2015 §7.4.10, Table 7).
        case dataTooLong = "data_too_long"
        /// A version range reaching outside 1...40 (ISO/IEC 18004:2015 §5.3.1).
        case invalidVersionRange = "invalid_version_range"
        /// A character the requested segment mode cannot represent (§7.4.3 numeric, §7.4.4 alphanumeric).
        case invalidSegmentCharacter = "invalid_segment_character"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `data_too_long: The payload needs …`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The payload does not fit in the largest allowed version at the requested level.
    ///
    /// - Parameters:
    ///   - requiredBits: Bits the shortest encoding of the payload needs for the largest allowed version.
    ///   - availableBits: Data bits that version holds at `ecLevel`.
    ///   - version: The largest version that was allowed.
    ///   - ecLevel: The requested error-correction level.
    public static func dataTooLong(requiredBits: Int, availableBits: Int, version: Int, ecLevel: QRErrorCorrection)
        -> QRCodeError
    {
        let remedy =
            version < QRSpec.maximumVersion
            ? "allow a larger version, shorten the payload or choose a lower error-correction level"
            : "shorten the payload or choose a lower error-correction level"
        return QRCodeError(
            .dataTooLong,
            "The payload needs \(requiredBits) data bits but a version-\(version) QR code at "
                + "error-correction level \(ecLevel.letter) holds at most \(availableBits); \(remedy).")
    }

    /// The requested version range reaches outside 1...40.
    public static func invalidVersionRange(lowerBound: Int, upperBound: Int) -> QRCodeError {
        QRCodeError(
            .invalidVersionRange,
            "The version range \(lowerBound)...\(upperBound) reaches outside 1...40; "
                + "pass a range of versions between 1 and 40.")
    }

    /// A character cannot be represented in the requested segment mode.
    ///
    /// - Parameters:
    ///   - mode: The segment mode that was requested.
    ///   - offset: Zero-based index of the offending character (a UTF-8 byte offset).
    public static func invalidCharacter(mode: QRSegment.Mode, offset: Int) -> QRCodeError {
        QRCodeError(
            .invalidSegmentCharacter,
            "The byte at offset \(offset) cannot be encoded in \(mode) mode; "
                + "use a byte segment or let the encoder choose the mode automatically.")
    }
}
