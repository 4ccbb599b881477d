// MARK: - UR encoder

/// Yields the parts of a UR for an animated QR code (BCR-2020-005 §UR Encoding): `ur:<type>/<seqNum>-<seqLen>/<part
/// as minimal Bytewords>`, the first seqLen of them the fragments in order, then fountain parts without end. A message
/// that fits in one fragment yields its single-part UR every time, as the reference does.
public struct UREncoder: Sendable {
    /// The default maximum fragment length: 200 bytes, the common choice of UR wallets and libraries (the default of
    /// Sparrow's Hummingbird, the largest NGRAVE ZERO reads). A part then has about 212 bytes of CBOR, some 440
    /// characters of minimal Bytewords — an alphanumeric QR code of version 11 at level L once upper-cased.
    public static let defaultMaxFragmentLength = 200

    /// The UR being sent.
    public let ur: UR
    private var fountain: FountainEncoder

    /// An encoder for `ur`.
    ///
    /// - Parameters:
    ///   - maxFragmentLength: The longest fragment of CBOR message per part.
    ///   - firstSequenceNumber: The sequence number before the first part.
    ///   - minFragmentLength: The shortest fragment wanted (the reference's default is 10).
    /// - Throws: ``URError/Code/invalidArgument`` for fragment bounds below 1 or out of order.
    public init(
        _ ur: UR, maxFragmentLength: Int = UREncoder.defaultMaxFragmentLength, firstSequenceNumber: UInt32 = 0,
        minFragmentLength: Int = FountainEncoder.defaultMinFragmentLength
    ) throws(URError) {
        self.ur = ur
        fountain = try FountainEncoder(
            message: ur.cbor, maxFragmentLength: maxFragmentLength, firstSequenceNumber: firstSequenceNumber,
            minFragmentLength: minFragmentLength)
    }

    /// The number of fragments: parts 1…seqLen carry them in order.
    public var sequenceLength: Int { fountain.sequenceLength }

    /// Whether the UR fits in one part.
    public var isSinglePart: Bool { fountain.isSinglePart }

    /// Whether the first seqLen parts have all been yielded.
    public var isComplete: Bool { fountain.isComplete }

    /// The next part, in lower case.
    public mutating func nextPart() -> String {
        let part = fountain.nextPart()
        if fountain.isSinglePart { return ur.string }
        return UREncoder.partString(type: ur.type, part: part)
    }

    /// `ur:<type>/<seqNum>-<seqLen>/<minimal Bytewords of the part's CBOR>`.
    static func partString(type: String, part: FountainPart) -> String {
        "ur:\(type)/\(part.sequenceNumber)-\(part.sequenceLength)/" + Bytewords.encode(part.cbor, style: .minimal)
    }
}
