// MARK: - Decoding errors

/// Why a QR code symbol could not be decoded: a stable ``code`` (snake_case raw values, safe to match on and to log)
/// and a ``message`` sentence that says what was wrong and what to do about it — the shape of ``QRCodeError``.
///
/// A decode fails rather than return a doubtful payload: a Reed–Solomon block with more errors than it can correct,
/// or a bit stream that breaks the rules of ISO/IEC 18004:2015 §7.4, is an error, never a best guess.
public struct QRDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The grid is not 21…177 modules per side in steps of 4 (ISO/IEC 18004:2015 §5.3.1).
        case invalidGridSize = "invalid_grid_size"
        /// Neither copy of the format information is within 3 bits of a valid codeword (§7.9).
        case formatInformationUnreadable = "format_information_unreadable"
        /// Neither copy of the version information is within 3 bits of a valid codeword (§7.10).
        case versionInformationUnreadable = "version_information_unreadable"
        /// The version information names a version whose size is not the grid's (§7.10, §5.3.1).
        case versionMismatch = "version_mismatch"
        /// A Reed–Solomon block holds more errors than it can correct (§7.5.2, Table 9).
        case tooManyErrors = "too_many_errors"
        /// The corrected data codewords are not a valid bit stream (§7.4).
        case malformedBitstream = "malformed_bitstream"
        /// Symbols given to ``QRStructuredAppend/combine(_:)`` do not form one complete structured-append
        /// message (§7.4.8).
        case structuredAppendIncomplete = "structured_append_incomplete"
        /// Symbols given to ``QRStructuredAppend/combine(_:)`` belong to different messages, or their parity byte
        /// does not match their data (§7.4.8).
        case structuredAppendMismatch = "structured_append_mismatch"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `too_many_errors: Reed–Solomon block 3 of 8 …`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The grid's size is not that of a QR code symbol.
    public static func invalidGridSize(_ size: Int) -> QRDecodeError {
        QRDecodeError(
            .invalidGridSize,
            "The grid is \(size) modules per side, but a QR code symbol has 17 + 4 · version modules (21 to 177); "
                + "sample the symbol again with the size its timing patterns give.")
    }

    /// Neither copy of the format information could be read.
    ///
    /// - Parameter distance: Smallest Hamming distance of either copy to a valid format codeword.
    public static func formatInformationUnreadable(distance: Int) -> QRDecodeError {
        QRDecodeError(
            .formatInformationUnreadable,
            "Both copies of the format information differ from every valid codeword in at least \(distance) of 15 "
                + "bits (at most 3 can be corrected); the symbol is too damaged or was sampled wrongly.")
    }

    /// Neither copy of the version information could be read, or the two copies disagree.
    ///
    /// - Parameter distance: Smallest Hamming distance of either copy to a valid version codeword.
    public static func versionInformationUnreadable(distance: Int) -> QRDecodeError {
        QRDecodeError(
            .versionInformationUnreadable,
            "The version information could not be read: the best copy differs from a valid codeword in \(distance) "
                + "of 18 bits (at most 3 can be corrected) or the copies disagree; the symbol is too damaged or was "
                + "sampled wrongly.")
    }

    /// The version information disagrees with the grid's size.
    public static func versionMismatch(encoded: Int, size: Int) -> QRDecodeError {
        QRDecodeError(
            .versionMismatch,
            "The version information says version \(encoded) (\(17 + 4 * encoded) modules per side) but the grid "
                + "is \(size) modules per side; sample the symbol again at the size the version information gives.")
    }

    /// A block could not be corrected.
    public static func tooManyErrors(block: Int, of blockCount: Int, capacity: Int) -> QRDecodeError {
        QRDecodeError(
            .tooManyErrors,
            "Reed–Solomon block \(block + 1) of \(blockCount) has more errors than the \(capacity) codewords it can "
                + "correct; the symbol is too damaged, or a mirrored or misread grid was given.")
    }

    /// The bit stream broke a rule of §7.4.
    ///
    /// - Parameters:
    ///   - reason: What was wrong, as a sentence fragment.
    ///   - bitOffset: Where in the data bit stream the fault was found.
    public static func malformedBitstream(_ reason: String, bitOffset: Int) -> QRDecodeError {
        QRDecodeError(
            .malformedBitstream,
            "The data bit stream is malformed at bit \(bitOffset): \(reason); the symbol was written by a "
                + "non-conforming encoder or its damage was miscorrected.")
    }

    /// Structured-append symbols that do not make up a whole message.
    public static func structuredAppendIncomplete(_ reason: String) -> QRDecodeError {
        QRDecodeError(
            .structuredAppendIncomplete,
            "The structured-append message is incomplete: \(reason); scan every symbol of the sequence.")
    }

    /// Structured-append symbols that belong to different messages or whose parity does not match.
    public static func structuredAppendMismatch(_ reason: String) -> QRDecodeError {
        QRDecodeError(
            .structuredAppendMismatch,
            "The structured-append symbols do not form one message: \(reason); pass only the symbols of one sequence.")
    }
}
