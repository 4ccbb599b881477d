// MARK: - Data segments (ISO/IEC 18004:2015 §7.4)

/// A run of payload data encoded in one mode: the unit of the QR code bit stream (§7.4.1).
///
/// Most callers never build segments: ``QRCode/encode(_:ecLevel:versions:mask:)`` picks the
/// cheapest mix of modes itself. Build them to force a mode, e.g. in tests or for interoperability.
public struct QRSegment: Sendable, Hashable {
    /// The encodation modes this encoder supports (§7.3, §7.4). Kanji and ECI are not implemented.
    public enum Mode: Sendable, Hashable, CaseIterable {
        /// Decimal digits 0–9, three per 10 bits (§7.4.3).
        case numeric
        /// Digits, upper-case A–Z, space and `$ % * + - . / :`, two per 11 bits (§7.4.4).
        case alphanumeric
        /// Arbitrary 8-bit bytes, conventionally UTF-8 or ISO 8859-1 text (§7.4.5).
        case byte

        /// The mode's row of Tables 2 and 3, shared with the decoder.
        var dataMode: QRSpec.DataMode {
            switch self {
            case .numeric: .numeric
            case .alphanumeric: .alphanumeric
            case .byte: .byte
            }
        }

        /// Four-bit mode indicator (§7.4.2, Table 2).
        var indicator: UInt32 { dataMode.rawValue }

        /// Length of the character count indicator for a version (§7.4.2, Table 3).
        func characterCountBits(version: Int) -> Int {
            characterCountBits(versionClass: QRSegment.versionClass(of: version))
        }

        /// Table 3 by version class: 0 = versions 1–9, 1 = 10–26, 2 = 27–40.
        func characterCountBits(versionClass: Int) -> Int {
            dataMode.characterCountBits(versionClass: versionClass)
        }
    }

    /// The segment's mode.
    public let mode: Mode
    /// Number of characters (digits, alphanumeric characters or bytes) in the segment.
    public let characterCount: Int
    /// The encoded data bits, without mode and character count indicators.
    let data: BitBuffer

    init(mode: Mode, characterCount: Int, data: BitBuffer) {
        self.mode = mode
        self.characterCount = characterCount
        self.data = data
    }

    // MARK: Construction

    /// A numeric-mode segment (§7.4.3).
    /// - Throws: ``QRCodeError/invalidCharacter(mode:offset:)`` if `digits` holds anything but 0–9.
    public static func numeric(_ digits: some StringProtocol) throws(QRCodeError) -> QRSegment {
        let bytes = Array(digits.utf8)
        if let offset = bytes.firstIndex(where: { !isNumeric($0) }) {
            throw .invalidCharacter(mode: .numeric, offset: offset)
        }
        return numeric(validated: bytes[...])
    }

    /// An alphanumeric-mode segment (§7.4.4).
    /// - Throws: ``QRCodeError/invalidCharacter(mode:offset:)`` for a character outside the 45-character set.
    public static func alphanumeric(_ text: some StringProtocol) throws(QRCodeError) -> QRSegment {
        let bytes = Array(text.utf8)
        if let offset = bytes.firstIndex(where: { !isAlphanumeric($0) }) {
            throw .invalidCharacter(mode: .alphanumeric, offset: offset)
        }
        return alphanumeric(validated: bytes[...])
    }

    /// A byte-mode segment holding `bytes` unchanged (§7.4.5).
    public static func bytes(_ bytes: some Sequence<UInt8>) -> QRSegment {
        byte(Array(bytes)[...])
    }

    /// A byte-mode segment holding the UTF-8 encoding of `text` (§7.4.5). No ECI header is written;
    /// readers recognise UTF-8 in byte mode by content.
    public static func utf8(_ text: some StringProtocol) -> QRSegment {
        byte(Array(text.utf8)[...])
    }

    // MARK: Encoders for validated input

    /// Three digits per 10 bits, a final pair in 7 bits, a final single digit in 4 bits (§7.4.3).
    static func numeric(validated digits: ArraySlice<UInt8>) -> QRSegment {
        var bits = BitBuffer(minimumCapacity: (digits.count * 10 + 2) / 3)
        var index = digits.startIndex
        while index < digits.endIndex {
            let take = min(3, digits.endIndex - index)
            var value: UInt32 = 0
            for digit in digits[index..<index + take] { value = value * 10 + UInt32(digit - 0x30) }
            bits.append(value, bitCount: take * 3 + 1)  // 3 → 10, 2 → 7, 1 → 4 bits
            index += take
        }
        return QRSegment(mode: .numeric, characterCount: digits.count, data: bits)
    }

    /// Pairs as 45 · first + second in 11 bits, a final single character in 6 bits (§7.4.4).
    static func alphanumeric(validated text: ArraySlice<UInt8>) -> QRSegment {
        var bits = BitBuffer(minimumCapacity: (text.count * 11 + 1) / 2)
        var index = text.startIndex
        while index + 1 < text.endIndex {
            let pair =
                UInt32(alphanumericValue[Int(text[index])]) * 45 + UInt32(alphanumericValue[Int(text[index + 1])])
            bits.append(pair, bitCount: 11)
            index += 2
        }
        if index < text.endIndex {
            bits.append(UInt32(alphanumericValue[Int(text[index])]), bitCount: 6)
        }
        return QRSegment(mode: .alphanumeric, characterCount: text.count, data: bits)
    }

    /// Eight bits per byte (§7.4.5).
    static func byte(_ bytes: ArraySlice<UInt8>) -> QRSegment {
        var bits = BitBuffer(minimumCapacity: bytes.count * 8)
        for byte in bytes { bits.append(UInt32(byte), bitCount: 8) }
        return QRSegment(mode: .byte, characterCount: bytes.count, data: bits)
    }

    // MARK: Sizes

    /// Bits the segment occupies in a symbol of `version` (mode indicator + count + data), or `nil`
    /// when its character count does not fit that version's count indicator (§7.4.2, Table 3).
    func encodedBitCount(version: Int) -> Int? {
        let countBits = mode.characterCountBits(version: version)
        guard characterCount < 1 << countBits else { return nil }
        return 4 + countBits + data.count
    }

    /// Version class for Table 3: 0 for versions 1–9, 1 for 10–26, 2 for 27–40.
    static func versionClass(of version: Int) -> Int { QRSpec.versionClass(of: version) }

    // MARK: Character sets

    /// Whether a byte is an ASCII digit, the numeric-mode character set (§7.4.3).
    @inline(__always)
    static func isNumeric(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Whether a byte is in the 45-character alphanumeric set (§7.4.4, Table 5).
    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool { alphanumericValue[Int(byte)] != 0xFF }

    /// The 45 characters of Table 5 (§7.4.4) as ASCII bytes, indexed by their value; the decoder maps values back
    /// with it.
    static let alphanumericCharacters: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// Table 5 of §7.4.4: value of each alphanumeric character, 0xFF for bytes outside the set.
    /// 0–9 → 0–9, A–Z → 10–35, then space 36, $ 37, % 38, * 39, + 40, - 41, . 42, / 43, : 44.
    static let alphanumericValue: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphanumericCharacters.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()
}

extension QRSegment.Mode: CustomStringConvertible {
    /// The mode's name as the standard spells it: numeric, alphanumeric or byte.
    public var description: String {
        switch self {
        case .numeric: "numeric"
        case .alphanumeric: "alphanumeric"
        case .byte: "byte"
        }
    }
}
