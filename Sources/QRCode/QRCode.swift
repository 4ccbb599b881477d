// MARK: - QR code encoder (ISO/IEC 18004:2015)

/// A QR code Model 2 encoder following ISO/IEC 18004:2015. A namespace: no instances.
///
/// ```swift
/// let matrix = try QRCode.encode("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example")
/// print(matrix.terminalString())
/// let png = matrix.png(scale: 8)
/// ```
///
/// Encoding follows §7.1: the payload is split into numeric, alphanumeric and byte segments
/// (choosing the split with the fewest bits), the smallest version in the allowed range that holds
/// it at the requested level is chosen, data codewords are padded (§7.4), Reed–Solomon codewords are
/// added and interleaved per Table 9 (§7.5, §7.6), modules are placed (§7.7), and the mask with the
/// lowest penalty is applied (§7.8) together with format and version information (§7.9, §7.10).
public enum QRCode {
    /// Encodes text as its UTF-8 bytes, choosing modes, version and mask automatically.
    ///
    /// - Parameters:
    ///   - text: The payload. Digit runs and upper-case runs are packed in numeric and alphanumeric
    ///     mode when that is shorter; everything else goes in byte mode as UTF-8 without an ECI header.
    ///   - ecLevel: Error-correction level (§5.3.5). Defaults to M.
    ///   - versions: The versions the symbol may use; the smallest that fits is chosen (§5.3.1).
    ///   - mask: A fixed mask pattern, or `nil` to pick the lowest penalty (§7.8.3).
    /// - Throws: ``QRCodeError/dataTooLong(requiredBits:availableBits:version:ecLevel:)`` when the payload does not
    ///   fit the largest allowed version, ``QRCodeError/invalidVersionRange(lowerBound:upperBound:)`` for versions outside 1...40.
    public static func encode(
        _ text: some StringProtocol,
        ecLevel: QRErrorCorrection = .medium,
        versions: ClosedRange<Int> = 1...40,
        mask: QRMask? = nil
    ) throws(QRCodeError) -> QRMatrix {
        try encode(bytes: Array(text.utf8), ecLevel: ecLevel, versions: versions, mask: mask)
    }

    /// Encodes raw bytes, choosing modes, version and mask automatically.
    ///
    /// Bytes that are ASCII digits or alphanumeric characters may be carried in numeric or alphanumeric
    /// mode; a reader returns them as the same bytes.
    /// - Parameters: See ``encode(_:ecLevel:versions:mask:)``.
    public static func encode(
        bytes: some Sequence<UInt8>,
        ecLevel: QRErrorCorrection = .medium,
        versions: ClosedRange<Int> = 1...40,
        mask: QRMask? = nil
    ) throws(QRCodeError) -> QRMatrix {
        try validate(versions)
        let payload = Array(bytes)
        // The cheapest segmentation depends only on the character-count widths, which change at
        // versions 10 and 27 (Table 3), so at most three are computed.
        var segmentations: [[QRSegment]?] = [nil, nil, nil]
        for version in versions {
            let versionClass = QRSegment.versionClass(of: version)
            let segments =
                segmentations[versionClass] ?? QRSegment.optimalSegments(for: payload, versionClass: versionClass)
            segmentations[versionClass] = segments
            if let bits = encodedBitCount(of: segments, version: version),
                bits <= QRSpec.dataBits(version: version, level: ecLevel)
            {
                return build(segments: segments, version: version, ecLevel: ecLevel, mask: mask)
            }
        }
        let last = versions.upperBound
        let segments = segmentations[QRSegment.versionClass(of: last)]!
        throw tooLong(segments, version: last, ecLevel: ecLevel)
    }

    /// Encodes the given segments in order, choosing version and mask automatically.
    /// - Parameters: See ``encode(_:ecLevel:versions:mask:)``.
    public static func encode(
        segments: [QRSegment],
        ecLevel: QRErrorCorrection = .medium,
        versions: ClosedRange<Int> = 1...40,
        mask: QRMask? = nil
    ) throws(QRCodeError) -> QRMatrix {
        try validate(versions)
        for version in versions {
            if let bits = encodedBitCount(of: segments, version: version),
                bits <= QRSpec.dataBits(version: version, level: ecLevel)
            {
                return build(segments: segments, version: version, ecLevel: ecLevel, mask: mask)
            }
        }
        throw tooLong(segments, version: versions.upperBound, ecLevel: ecLevel)
    }

    // MARK: Internals

    private static func validate(_ versions: ClosedRange<Int>) throws(QRCodeError) {
        guard QRSpec.versions.contains(versions.lowerBound), QRSpec.versions.contains(versions.upperBound) else {
            throw .invalidVersionRange(lowerBound: versions.lowerBound, upperBound: versions.upperBound)
        }
    }

    private static func tooLong(_ segments: [QRSegment], version: Int, ecLevel: QRErrorCorrection) -> QRCodeError {
        // Report the bits the segments would take even where a count indicator overflows.
        let required = segments.reduce(0) { $0 + 4 + $1.mode.characterCountBits(version: version) + $1.data.count }
        return .dataTooLong(
            requiredBits: required,
            availableBits: QRSpec.dataBits(version: version, level: ecLevel),
            version: version,
            ecLevel: ecLevel
        )
    }

    /// Builds the symbol once the version is known (§7.1, steps 3 to 7).
    static func build(segments: [QRSegment], version: Int, ecLevel: QRErrorCorrection, mask: QRMask?) -> QRMatrix {
        build(
            dataCodewords: dataCodewords(for: segments, version: version, level: ecLevel), version: version,
            ecLevel: ecLevel, mask: mask)
    }

    /// Builds the symbol from its data codewords, already padded to the capacity of `version` at `ecLevel`
    /// (§7.1, steps 4 to 7). Tests use it to write bit streams this encoder does not produce.
    static func build(dataCodewords data: [UInt8], version: Int, ecLevel: QRErrorCorrection, mask: QRMask?)
        -> QRMatrix
    {
        let codewords = finalCodewords(data: data, version: version, level: ecLevel)
        var symbol = SymbolBuilder(version: version)
        symbol.placeCodewords(codewords)
        let chosen = symbol.applyBestMask(level: ecLevel, fixed: mask)
        return QRMatrix(version: version, ecLevel: ecLevel, mask: chosen, modules: symbol.modules)
    }
}
