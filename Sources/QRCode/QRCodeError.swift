// MARK: - Errors

/// Why a QR code could not be built.
///
/// Every case has a stable ``code`` (snake_case, safe to match on and to log) and a ``message``
/// sentence that says what was wrong and what to do about it.
public enum QRCodeError: Error, Sendable, Hashable {
    /// The payload does not fit in the largest allowed version at the requested level
    /// (ISO/IEC 18004:2015 §7.4.10, Table 7).
    ///
    /// - Parameters:
    ///   - requiredBits: Bits the shortest encoding of the payload needs for the largest allowed version.
    ///   - availableBits: Data bits that version holds at `ecLevel`.
    ///   - version: The largest version that was allowed.
    ///   - ecLevel: The requested error-correction level.
    case dataTooLong(requiredBits: Int, availableBits: Int, version: Int, ecLevel: QRErrorCorrection)

    /// The requested version range reaches outside 1...40 (ISO/IEC 18004:2015 §5.3.1).
    case invalidVersionRange(lowerBound: Int, upperBound: Int)

    /// A character cannot be represented in the requested segment mode
    /// (ISO/IEC 18004:2015 §7.4.3 numeric, §7.4.4 alphanumeric).
    ///
    /// - Parameters:
    ///   - mode: The segment mode that was requested.
    ///   - offset: Zero-based index of the offending character (a UTF-8 byte offset).
    case invalidCharacter(mode: QRSegment.Mode, offset: Int)

    /// A stable machine-readable identifier for the failure.
    public var code: String {
        switch self {
        case .dataTooLong: "data_too_long"
        case .invalidVersionRange: "invalid_version_range"
        case .invalidCharacter: "invalid_segment_character"
        }
    }

    /// A sentence saying what was wrong and what to do about it.
    public var message: String {
        switch self {
        case let .dataTooLong(required, available, version, level):
            let remedy = version < QRSpec.maximumVersion
                ? "allow a larger version, shorten the payload or choose a lower error-correction level"
                : "shorten the payload or choose a lower error-correction level"
            return "The payload needs \(required) data bits but a version-\(version) QR code at "
                + "error-correction level \(level.letter) holds at most \(available); \(remedy)."
        case let .invalidVersionRange(lower, upper):
            return "The version range \(lower)...\(upper) reaches outside 1...40; "
                + "pass a range of versions between 1 and 40."
        case let .invalidCharacter(mode, offset):
            return "The byte at offset \(offset) cannot be encoded in \(mode) mode; "
                + "use a byte segment or let the encoder choose the mode automatically."
        }
    }
}

extension QRCodeError: CustomStringConvertible {
    /// The code and the message, e.g. `data_too_long: The payload needs …`.
    public var description: String { "\(code): \(message)" }
}
