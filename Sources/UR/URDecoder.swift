import QRCode

// MARK: - UR decoder

/// Puts a UR back together from its parts (BCR-2020-005 §UR Encoding), single-part or multi-part, received in any
/// order, in any ASCII case, with repeats and losses.
///
/// Every part must belong to the same message: same type, and for multi-part URs the same sequence length, message
/// length, checksum and fragment length as the first (else ``URError/Code/partFromOtherMessage``, leaving the decoder
/// as it was). A single-part UR is accepted alongside multi-part ones of the same message (same length and CRC-32).
public struct URDecoder: Sendable {
    /// Where decoding stands after a part.
    public enum Progress: Sendable, Hashable {
        /// More parts are needed: `estimatedFraction` is a rough 0…0.99 (the reference's estimate),
        /// `receivedFragments` of `expectedFragments` are known.
        case inProgress(estimatedFraction: Double, receivedFragments: Int, expectedFragments: Int)
        /// The UR is complete and its message checked.
        case complete(UR)
    }

    private struct Expected: Sendable {
        let type: String
        let messageLength: Int
        let checksum: UInt32
    }

    private var fountain: FountainDecoder
    private var expected: Expected?

    /// The decoded UR, once complete.
    public private(set) var result: UR?

    /// A decoder that refuses messages longer than `maxMessageLength` bytes (1 MiB by default).
    public init(maxMessageLength: Int = FountainDecoder.defaultMaxMessageLength) {
        fountain = FountainDecoder(maxMessageLength: maxMessageLength)
    }

    /// The type of the UR being decoded, once a part has been received.
    public var expectedType: String? { expected?.type }

    /// A rough fraction of the work done, 0…1.
    public var estimatedFractionComplete: Double { result != nil ? 1 : fountain.estimatedFractionComplete }

    /// The number of valid parts received, repeats included.
    public var processedPartCount: Int { fountain.processedPartCount }

    /// Takes in one part string.
    ///
    /// - Throws: ``URError/Code/invalidScheme``, ``URError/Code/invalidType``, ``URError/Code/invalidPath``,
    ///   ``URError/Code/invalidSequence``, the Bytewords codes, ``URError/Code/invalidPart`` (also when the
    ///   `seqNum-seqLen` component disagrees with the part's CBOR), ``URError/Code/partFromOtherMessage``,
    ///   ``URError/Code/messageTooLong``, ``URError/Code/messageChecksumMismatch``, or a CBOR code when the completed
    ///   message is not deterministic CBOR.
    @discardableResult
    public mutating func receive(_ text: String) throws(URError) -> Progress {
        let parsed = try ParsedUR(text)
        switch parsed.body {
        case .single(let body):
            // Two letters per byte and four checksum bytes: refuse an over-long message before decoding it.
            let claimed = body.utf8.count / 2 - 4
            guard claimed <= fountain.maxMessageLength else {
                throw URError.messageTooLong("message length", claimed: claimed, limit: fountain.maxMessageLength)
            }
            let ur = try UR(type: parsed.type, cbor: try Bytewords.decode(body, style: .minimal))
            try check(type: ur.type, messageLength: ur.cbor.count, checksum: CRC32.checksum(ur.cbor))
            if result == nil {
                expected = Expected(type: ur.type, messageLength: ur.cbor.count, checksum: CRC32.checksum(ur.cbor))
                result = ur
            }
        case .multi(let sequenceNumber, let sequenceLength, let fragment):
            let part = try FountainPart(
                cbor: try Bytewords.decode(fragment, style: .minimal), maxMessageLength: fountain.maxMessageLength)
            guard part.sequenceNumber == sequenceNumber, part.sequenceLength == sequenceLength else {
                throw URError.invalidPart(
                    "its path says \(sequenceNumber)-\(sequenceLength) but its CBOR says "
                        + "\(part.sequenceNumber)-\(part.sequenceLength)")
            }
            try check(type: parsed.type, messageLength: part.messageLength, checksum: part.checksum)
            if result == nil {
                if expected == nil {
                    expected = Expected(type: parsed.type, messageLength: part.messageLength, checksum: part.checksum)
                }
                let complete = try fountain.receive(part)
                if complete, let message = fountain.message {
                    result = try UR(type: parsed.type, cbor: message)
                }
            } else if let header = fountain.header {
                // Complete already: only check that the part belongs to the message.
                try FountainDecoder.check(
                    FountainDecoder.Header(
                        sequenceLength: part.sequenceLength, messageLength: part.messageLength,
                        checksum: part.checksum, fragmentLength: part.data.count),
                    against: header)
            }
        }
        return progress
    }

    /// Where decoding stands.
    public var progress: Progress {
        if let result { return .complete(result) }
        return .inProgress(
            estimatedFraction: fountain.estimatedFractionComplete, receivedFragments: fountain.receivedFragmentCount,
            expectedFragments: fountain.expectedPartCount ?? 0)
    }

    /// Refuses a part whose type, message length or checksum differ from the first part's.
    private func check(type: String, messageLength: Int, checksum: UInt32) throws(URError) {
        guard let expected else { return }
        if type != expected.type {
            throw URError.partFromOtherMessage("type", expected: expected.type, found: type)
        }
        if messageLength != expected.messageLength {
            throw URError.partFromOtherMessage(
                "message length", expected: String(expected.messageLength), found: String(messageLength))
        }
        if checksum != expected.checksum {
            throw URError.partFromOtherMessage(
                "checksum", expected: URError.hex32(expected.checksum), found: URError.hex32(checksum))
        }
    }
}
