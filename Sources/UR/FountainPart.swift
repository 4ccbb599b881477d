// MARK: - Fountain parts

/// One part of a multi-part UR (BCR-2020-005 §UR Encoding): the CBOR array
/// `[uint32 seqNum, uint seqLen, uint messageLen, uint32 checksum, bytes data]`.
public struct FountainPart: Sendable, Hashable {
    /// The part's sequence number, from 1; the first ``sequenceLength`` parts carry one fragment each, in order.
    public let sequenceNumber: UInt32
    /// The number of fragments the message was cut into.
    public let sequenceLength: Int
    /// The message's length in bytes, without the padding of the last fragment.
    public let messageLength: Int
    /// The CRC-32 (ISO-HDLC) of the whole message.
    public let checksum: UInt32
    /// One fragment, or the XOR of several (all fragments have the same length).
    public let data: [UInt8]

    /// A part from its fields, checked as ``init(cbor:maxMessageLength:)`` checks a received one.
    ///
    /// - Throws: ``URError/Code/invalidPart`` when the fields are inconsistent, ``URError/Code/messageTooLong`` when
    ///   `messageLength` exceeds `maxMessageLength`.
    public init(
        sequenceNumber: UInt32, sequenceLength: Int, messageLength: Int, checksum: UInt32, data: [UInt8],
        maxMessageLength: Int = FountainDecoder.defaultMaxMessageLength
    ) throws(URError) {
        guard sequenceNumber >= 1 else { throw URError.invalidPart("the sequence number is 0; parts count from 1") }
        guard messageLength >= 1 else { throw URError.invalidPart("the message length is 0") }
        guard messageLength <= maxMessageLength else {
            throw URError.messageTooLong("message length", claimed: messageLength, limit: maxMessageLength)
        }
        guard !data.isEmpty else { throw URError.invalidPart("the fragment is empty") }
        // seqLen must be ⌈messageLen / fragmentLen⌉: the fragments cover the message and only the last is padded.
        let fragments = (messageLength + data.count - 1) / data.count
        guard sequenceLength == fragments else {
            throw URError.invalidPart(
                "a \(messageLength)-byte message in \(data.count)-byte fragments has \(fragments) fragments, "
                    + "not the \(sequenceLength) the part announces")
        }
        self.sequenceNumber = sequenceNumber
        self.sequenceLength = sequenceLength
        self.messageLength = messageLength
        self.checksum = checksum
        self.data = data
    }

    /// The fields of an encoder's part, trusted (no checks).
    init(trusted sequenceNumber: UInt32, sequenceLength: Int, messageLength: Int, checksum: UInt32, data: [UInt8]) {
        self.sequenceNumber = sequenceNumber
        self.sequenceLength = sequenceLength
        self.messageLength = messageLength
        self.checksum = checksum
        self.data = data
    }

    /// Parses a part's deterministic CBOR encoding.
    ///
    /// - Throws: a CBOR error code for malformed CBOR, ``URError/Code/invalidPart`` for an array of another shape,
    ///   numbers out of range (seqNum and checksum are uint32) or inconsistent lengths, and
    ///   ``URError/Code/messageTooLong`` when the claimed message length exceeds `maxMessageLength` — checked before
    ///   anything is allocated for the message.
    public init(cbor: [UInt8], maxMessageLength: Int = FountainDecoder.defaultMaxMessageLength) throws(URError) {
        let item = try CBOR(decoding: cbor, maxDepth: 1)
        guard case .array(let fields) = item, fields.count == 5 else {
            throw URError.invalidPart("it is not a CBOR array of five items")
        }
        guard case .unsigned(let sequenceNumber) = fields[0], let sequenceNumber = UInt32(exactly: sequenceNumber)
        else { throw URError.invalidPart("the sequence number is not an unsigned 32-bit integer") }
        guard case .unsigned(let sequenceLength) = fields[1], let sequenceLength = Int(exactly: sequenceLength) else {
            throw URError.invalidPart("the sequence length is not an unsigned integer")
        }
        guard case .unsigned(let messageLength) = fields[2] else {
            throw URError.invalidPart("the message length is not an unsigned integer")
        }
        guard messageLength <= UInt64(maxMessageLength) else {
            throw URError.messageTooLong(
                "message length", claimed: Int(clamping: messageLength), limit: maxMessageLength)
        }
        guard case .unsigned(let checksum) = fields[3], let checksum = UInt32(exactly: checksum) else {
            throw URError.invalidPart("the checksum is not an unsigned 32-bit integer")
        }
        guard case .bytes(let data) = fields[4] else { throw URError.invalidPart("the fragment is not a byte string") }
        try self.init(
            sequenceNumber: sequenceNumber, sequenceLength: sequenceLength, messageLength: Int(messageLength),
            checksum: checksum, data: data, maxMessageLength: maxMessageLength)
    }

    /// The part's deterministic CBOR encoding (BCR-2020-005 §UR Encoding).
    public var cbor: [UInt8] {
        CBOR.array([
            .unsigned(UInt64(sequenceNumber)), .unsigned(UInt64(sequenceLength)), .unsigned(UInt64(messageLength)),
            .unsigned(UInt64(checksum)), .bytes(data),
        ]).encoded
    }
}
