// MARK: - Decoded symbol

/// A decoded QR code symbol: its parameters, its data segments and the payload they carry
/// (ISO/IEC 18004:2015 §12, steps a–k).
///
/// ``bytes`` is what the symbol holds, exactly; ``text`` is that data interpreted as characters per the ECI in force
/// (§7.4.2.2) or, without one, as UTF-8 when the bytes are valid UTF-8 and ISO/IEC 8859-1 otherwise.
public struct QRDecodedSymbol: Sendable, Hashable {
    /// Symbol version, 1...40 (§5.3.1).
    public let version: Int
    /// Error-correction level from the format information (§7.9).
    public let ecLevel: QRErrorCorrection
    /// Data mask pattern from the format information (§7.8.2).
    public let mask: QRMask
    /// Whether the symbol was read from the transposed grid, i.e. it was a mirror image (§12).
    public let mirrored: Bool
    /// The data segments in stream order (§7.4).
    public let segments: [QRDecodedSegment]
    /// The raw data of all segments, concatenated: numeric and alphanumeric characters as ASCII bytes, byte-mode data
    /// unchanged and Kanji characters as two Shift_JIS bytes each (§7.4.3–§7.4.6).
    public let bytes: [UInt8]
    /// The data as text, or `nil` when some part of it cannot be interpreted (an ECI this decoder does not support,
    /// bytes invalid in the ECI's encoding, or a Kanji code outside JIS X 0208).
    public let text: String?
    /// Codewords that Reed–Solomon error correction changed, over all blocks (§7.5.2).
    public let correctedCodewords: Int
    /// The structured-append header, when the symbol is one of a sequence (§7.4.8).
    public let structuredAppend: QRStructuredAppend?
    /// The FNC1 mode indicator, when the data follows GS1 or an industry application's rules (§7.4.8.2, §7.4.8.3).
    public let fnc1: QRFNC1?
}

/// One segment of decoded data: a mode and the characters it carried (ISO/IEC 18004:2015 §7.4).
public struct QRDecodedSegment: Sendable, Hashable {
    /// The modes that carry data (§7.4.2, Table 2).
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Digits 0–9 (§7.4.3).
        case numeric
        /// The 45-character set of Table 5 (§7.4.4).
        case alphanumeric
        /// 8-bit bytes (§7.4.5).
        case byte
        /// Shift_JIS double-byte characters of JIS X 0208 (§7.4.6).
        case kanji
    }

    /// The segment's mode.
    public let mode: Mode
    /// Characters in the segment's character count indicator (digits, characters, bytes or Kanji).
    public let characterCount: Int
    /// The segment's data: ASCII bytes for numeric and alphanumeric, the bytes themselves for byte mode and two
    /// Shift_JIS bytes per character for Kanji mode. In FNC1 mode an alphanumeric `%` stands for the GS separator and
    /// is given here as 0x1D, `%%` as one `%` (§7.4.8.2).
    public let bytes: [UInt8]
    /// The ECI designator in force for the segment (§7.4.2.2), or `nil` when no ECI header preceded it.
    public let eci: Int?
    /// The segment's data as text, or `nil` when it cannot be interpreted on its own (see ``QRDecodedSymbol/text``).
    public let text: String?
}

/// The structured-append header of a symbol that is one of a sequence (ISO/IEC 18004:2015 §7.4.8).
public struct QRStructuredAppend: Sendable, Hashable {
    /// Position of this symbol in the sequence, 0-based (0...15).
    public let index: Int
    /// Number of symbols in the sequence (1...16).
    public let total: Int
    /// XOR of every data byte of the whole message, the same in every symbol of the sequence (§7.4.8.3).
    public let parity: UInt8

    public init(index: Int, total: Int, parity: UInt8) {
        self.index = index
        self.total = total
        self.parity = parity
    }
}

/// The FNC1 mode of a symbol's data (ISO/IEC 18004:2015 §7.4.8.2, §7.4.8.3).
public enum QRFNC1: Sendable, Hashable {
    /// FNC1 in the first position: the data follows the GS1 General Specifications.
    case gs1
    /// FNC1 in the second position: the data follows an industry application's rules, named by the 8-bit
    /// application indicator (a letter's ASCII value + 100, or two digits 00–99).
    case industry(applicationIndicator: UInt8)
}
