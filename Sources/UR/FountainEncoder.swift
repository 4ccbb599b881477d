import QRCode

// MARK: - Fountain encoder

/// Cuts a message into equal fragments and yields parts (BCR-2020-005 §UR Encoding): the first ``sequenceLength``
/// parts carry the fragments in order, every later one the XOR of the fragments that ``FragmentChooser`` picks for
/// its sequence number — the same parts, byte for byte, as the reference implementations (bc-ur, URKit).
public struct FountainEncoder: Sendable {
    /// The reference's default lower bound on the fragment length (`minFragmentLen = 10`).
    public static let defaultMinFragmentLength = 10

    /// The message's length in bytes.
    public let messageLength: Int
    /// The CRC-32 of the message.
    public let checksum: UInt32
    /// The length of every fragment (the last one is zero-padded to it).
    public let fragmentLength: Int
    /// The fragments, in order.
    let fragments: [[UInt8]]
    /// The sequence number of the last part yielded (0 before the first).
    public private(set) var sequenceNumber: UInt32
    private let chooser: FragmentChooser

    /// An encoder for `message`.
    ///
    /// - Parameters:
    ///   - message: The bytes to send, 1…2³²−1 of them.
    ///   - maxFragmentLength: The longest fragment wanted.
    ///   - firstSequenceNumber: The sequence number before the first part (the first part has this + 1).
    ///   - minFragmentLength: The shortest fragment wanted (a message shorter than this is one fragment).
    /// - Throws: ``URError/Code/invalidArgument`` for an empty message or fragment bounds below 1 or out of order.
    public init(
        message: [UInt8], maxFragmentLength: Int, firstSequenceNumber: UInt32 = 0,
        minFragmentLength: Int = FountainEncoder.defaultMinFragmentLength
    ) throws(URError) {
        guard !message.isEmpty, UInt64(message.count) <= UInt64(UInt32.max) else {
            throw URError.invalidArgument("The message must hold 1 to 4294967295 bytes; pass a non-empty message.")
        }
        guard minFragmentLength >= 1, maxFragmentLength >= minFragmentLength else {
            throw URError.invalidArgument(
                "The fragment lengths must satisfy 1 ≤ minimum (\(minFragmentLength)) ≤ maximum "
                    + "(\(maxFragmentLength)); pass a larger maximum fragment length.")
        }
        messageLength = message.count
        checksum = CRC32.checksum(message)
        fragmentLength = FountainEncoder.nominalFragmentLength(
            messageLength: message.count, minFragmentLength: minFragmentLength, maxFragmentLength: maxFragmentLength)
        fragments = FountainEncoder.partition(message, fragmentLength: fragmentLength)
        sequenceNumber = firstSequenceNumber
        chooser = FragmentChooser(sequenceLength: fragments.count, checksum: checksum)
    }

    /// The number of fragments.
    public var sequenceLength: Int { fragments.count }

    /// Whether the message fits in one fragment (a single-part UR).
    public var isSinglePart: Bool { fragments.count == 1 }

    /// Whether at least ``sequenceLength`` parts have been yielded, so a lossless receiver has all it needs.
    public var isComplete: Bool { UInt64(sequenceNumber) >= UInt64(fragments.count) }

    /// The next part: sequence number + 1 (after 2³²−1 it wraps to 1, since 0 is not a sequence number), data the
    /// XOR of the fragments chosen for it.
    public mutating func nextPart() -> FountainPart {
        sequenceNumber = sequenceNumber == UInt32.max ? 1 : sequenceNumber + 1
        let indexes = chooser.fragmentIndexes(sequenceNumber: sequenceNumber)
        var mixed = [UInt8](repeating: 0, count: fragmentLength)
        for index in indexes {
            let fragment = fragments[index]
            for position in 0..<fragmentLength { mixed[position] ^= fragment[position] }
        }
        return FountainPart(
            trusted: sequenceNumber, sequenceLength: fragments.count, messageLength: messageLength,
            checksum: checksum, data: mixed)
    }

    /// The fragment length the reference chooses (`findNominalFragmentLength`, BCR-2020-005 §UR Encoding): the
    /// fewest fragments, at most ⌊messageLen / minFragmentLen⌋ of them, whose length ⌈messageLen / count⌉ is at most
    /// `maxFragmentLength`; the length for the largest count when none is short enough. A message shorter than
    /// `minFragmentLength` (where the reference asserts) is one fragment.
    public static func nominalFragmentLength(messageLength: Int, minFragmentLength: Int, maxFragmentLength: Int)
        -> Int
    {
        let maxFragmentCount = messageLength / max(minFragmentLength, 1)
        guard maxFragmentCount >= 1 else { return messageLength }
        var fragmentLength = messageLength
        for fragmentCount in 1...maxFragmentCount {
            fragmentLength = (messageLength + fragmentCount - 1) / fragmentCount
            if fragmentLength <= maxFragmentLength { break }
        }
        return fragmentLength
    }

    /// `message` in `fragmentLength`-byte pieces, the last zero-padded (BCR-2020-005 `partitionMessage`).
    static func partition(_ message: [UInt8], fragmentLength: Int) -> [[UInt8]] {
        var fragments: [[UInt8]] = []
        fragments.reserveCapacity((message.count + fragmentLength - 1) / fragmentLength)
        var start = 0
        while start < message.count {
            let end = min(start + fragmentLength, message.count)
            var fragment = Array(message[start..<end])
            fragment.append(contentsOf: repeatElement(0, count: fragmentLength - fragment.count))
            fragments.append(fragment)
            start = end
        }
        return fragments
    }
}
