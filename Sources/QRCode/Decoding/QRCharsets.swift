// MARK: - Text interpretation (ISO/IEC 18004:2015 §7.4.2.2 ECI, §7.4.5 byte mode, §7.4.6 Kanji mode)

/// Turns decoded data into text: the character sets behind the ECI designators this decoder supports, Shift_JIS for
/// Kanji mode, and the default interpretation of byte mode. A namespace; the tables are in
/// `QRCharsets+Generated.swift`.
enum QRCharsets {
    /// The text of a whole symbol (or structured-append message): `nil` if any segment cannot be interpreted.
    ///
    /// Consecutive byte-mode segments under the same ECI are decoded together, so a multi-byte character split
    /// between them (as structured append may split it between symbols) is read whole.
    static func text(of segments: [QRDecodedSegment]) -> String? {
        var result = ""
        var index = 0
        while index < segments.count {
            let segment = segments[index]
            guard segment.mode == .byte else {
                guard let text = segment.text else { return nil }
                result += text
                index += 1
                continue
            }
            var run = segment.bytes
            var end = index + 1
            while end < segments.count, segments[end].mode == .byte, segments[end].eci == segment.eci {
                run += segments[end].bytes
                end += 1
            }
            guard let text = byteText(run, eci: segment.eci) else { return nil }
            result += text
            index = end
        }
        return result
    }

    /// The text of one segment's bytes (see ``QRDecodedSegment/bytes``), or `nil` when they are not valid in its
    /// character set.
    static func text(of bytes: [UInt8], mode: QRDecodedSegment.Mode, eci: Int?) -> String? {
        switch mode {
        // Numeric and alphanumeric characters (and FNC1's GS) are ASCII whatever the ECI (§7.4.3, §7.4.4).
        case .numeric, .alphanumeric: ascii(bytes)
        case .byte: byteText(bytes, eci: eci)
        case .kanji: shiftJIS(bytes, doubleByteOnly: true)
        }
    }

    /// Byte-mode data under an ECI designator, or under none (§7.4.2.2, Table 4 of AIM ECI assignments):
    /// without ECI, UTF-8 when the bytes are valid UTF-8 and ISO/IEC 8859-1 otherwise. Returns `nil` for an ECI this
    /// decoder does not support, or for bytes the designated encoding does not define.
    static func byteText(_ bytes: [UInt8], eci: Int?) -> String? {
        guard let eci else { return String(validating: bytes, as: UTF8.self) ?? latin1(bytes) }
        switch eci {
        case 0, 2: return singleByte(bytes, codec: "cp437")
        case 1, 3: return latin1(bytes)
        case 4...13: return singleByte(bytes, codec: "iso8859_\(eci - 2)")  // ISO/IEC 8859-2 … 8859-11
        case 15...18: return singleByte(bytes, codec: "iso8859_\(eci - 2)")  // 8859-13 … 8859-16 (no 8859-12)
        case 20: return shiftJIS(bytes, doubleByteOnly: false)
        case 21: return singleByte(bytes, codec: "cp1250")
        case 22: return singleByte(bytes, codec: "cp1251")
        case 23: return singleByte(bytes, codec: "cp1252")
        case 24: return singleByte(bytes, codec: "cp1256")
        case 25: return utf16BigEndian(bytes)
        case 26: return String(validating: bytes, as: UTF8.self)
        case 27, 170: return ascii(bytes)  // ISO/IEC 646 IRV (US-ASCII); 170 is its invariant subset
        default: return nil
        }
    }

    // MARK: Encodings

    static func ascii(_ bytes: [UInt8]) -> String? {
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        return latin1(bytes)
    }

    /// ISO/IEC 8859-1: every byte is the Unicode scalar of the same value.
    static func latin1(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    static func singleByte(_ bytes: [UInt8], codec: String) -> String? {
        guard let table = singleByteCodecNames.firstIndex(of: codec) else { return nil }
        let base = table * 128
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
            } else {
                guard let scalar = scalar(singleByteUpperHalves[base + Int(byte) - 0x80]) else { return nil }
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Shift_JIS; Kanji-mode data is double-byte characters only.
    static func shiftJIS(_ bytes: [UInt8], doubleByteOnly: Bool) -> String? {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let lead = Int(bytes[index])
            if !doubleByteOnly, let single = scalar(shiftJISSingleByte[lead]) {
                scalars.append(single)
                index += 1
                continue
            }
            guard index + 1 < bytes.count, let character = shiftJISDoubleByte(lead: lead, trail: Int(bytes[index + 1]))
            else { return nil }
            scalars.append(character)
            index += 2
        }
        return String(scalars)
    }

    /// The JIS X 0208 character of a Shift_JIS byte pair, or `nil`.
    static func shiftJISDoubleByte(lead: Int, trail: Int) -> Unicode.Scalar? {
        let row: Int
        switch lead {
        case 0x81...0x9F: row = lead - 0x81
        case 0xE0...0xEF: row = lead - 0xE0 + 31
        default: return nil
        }
        guard (0x40...0xFC).contains(trail) else { return nil }
        return scalar(shiftJISDoubleByte[row * 189 + trail - 0x40])
    }

    static func utf16BigEndian(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        for index in stride(from: 0, to: bytes.count, by: 2) {
            units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        return String(validating: units, as: UTF16.self)
    }

    /// A table entry as a scalar; 0xFFFF (undefined) and surrogates give `nil`.
    @inline(__always)
    private static func scalar(_ value: UInt16) -> Unicode.Scalar? {
        value == 0xFFFF ? nil : Unicode.Scalar(value)
    }
}
