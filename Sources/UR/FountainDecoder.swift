import QRCode

// MARK: - Fountain decoder

/// Reassembles a message from fountain parts received in any order, with losses and repeats (BCR-2020-005 §UR
/// Encoding, the reference decoder's algorithm): simple parts fill in fragments; mixed parts are reduced by XOR with
/// every known fragment and every mixed part whose fragments are a strict subset of theirs until they become simple.
///
/// Every part must agree with the first one on sequence length, message length, checksum and fragment length
/// (else ``URError/Code/partFromOtherMessage``). Memory is bounded: the message by `maxMessageLength` (checked on the
/// part's header before anything is stored) and the mixed parts waiting for reduction by ``pendingBudget`` bytes
/// (their data plus 8 bytes per fragment index, 8 × `maxMessageLength` by default) — a mixed part that would pass it
/// is dropped, which costs only time, as fountain codes tolerate lost parts. The work per part is bounded by the
/// sequence length and that budget, whatever the parts claim.
public struct FountainDecoder: Sendable {
    /// The default bound on a message's length: 1 MiB, far above any multi-part QR sequence a person will scan.
    public static let defaultMaxMessageLength = 1 << 20

    /// The bound on the message length this decoder accepts.
    public let maxMessageLength: Int
    /// The bound on the bytes held by mixed parts waiting for reduction.
    public let pendingBudget: Int

    /// What every part of the message must share.
    struct Header: Sendable, Hashable {
        let sequenceLength: Int
        let messageLength: Int
        let checksum: UInt32
        let fragmentLength: Int
    }

    /// A part as the decoder holds it: the fragments it mixes (sorted) and their XOR.
    private struct Pending: Sendable {
        var indexes: [Int]
        var data: [UInt8]
    }

    private(set) var header: Header?
    private var chooser: FragmentChooser?
    /// Known fragments by index.
    private var fragments: [Int: [UInt8]] = [:]
    /// Mixed parts not yet reduced to one fragment, by their sorted fragment indexes.
    private var mixed: [[Int]: Pending] = [:]
    /// What `mixed` holds, in ``pendingBudget``'s units.
    private var mixedCost = 0
    private var queue: [Pending] = []
    private var outcome: Result<[UInt8], URError>?

    /// The number of valid parts received, repeats included.
    public private(set) var processedPartCount = 0
    /// The fragment indexes of the last part received.
    public private(set) var lastPartIndexes: [Int] = []

    /// A decoder that refuses messages longer than `maxMessageLength` bytes and holds at most `pendingBudget` bytes
    /// of mixed parts (default 8 × `maxMessageLength`).
    public init(maxMessageLength: Int = FountainDecoder.defaultMaxMessageLength, pendingBudget: Int? = nil) {
        self.maxMessageLength = max(maxMessageLength, 1)
        self.pendingBudget =
            pendingBudget ?? (self.maxMessageLength > Int.max / 8 ? Int.max : self.maxMessageLength * 8)
    }

    /// The number of fragments of the message, once a part has been received.
    public var expectedPartCount: Int? { header?.sequenceLength }

    /// The number of distinct fragments known so far.
    public var receivedFragmentCount: Int { fragments.count }

    /// The message once reassembled and checked, else nil.
    public var message: [UInt8]? { try? outcome?.get() }

    /// Whether the decoder has finished, with the message or with a checksum failure.
    public var isComplete: Bool { outcome != nil }

    /// A rough fraction of the work done, 0…1: 1 once complete, else the parts processed over 1.75 × seqLen (the
    /// reference's estimate of the parts a fountain decoder needs), at most 0.99.
    public var estimatedFractionComplete: Double {
        if outcome != nil { return 1 }
        guard let header else { return 0 }
        return min(0.99, Double(processedPartCount) / (Double(header.sequenceLength) * 1.75))
    }

    /// Takes in one part.
    ///
    /// - Returns: Whether the message is now complete (then ``message`` holds it). Once complete, further parts are
    ///   only checked to belong to the message.
    /// - Throws: ``URError/Code/partFromOtherMessage`` for a part of another message (the decoder is unchanged);
    ///   ``URError/Code/messageTooLong`` for a message above the bound; ``URError/Code/messageChecksumMismatch`` when
    ///   the reassembled message fails its CRC-32 — the decoder is then finished and throws it again for every
    ///   later part.
    @discardableResult
    public mutating func receive(_ part: FountainPart) throws(URError) -> Bool {
        guard part.messageLength <= maxMessageLength else {
            throw URError.messageTooLong("message length", claimed: part.messageLength, limit: maxMessageLength)
        }
        let partHeader = Header(
            sequenceLength: part.sequenceLength, messageLength: part.messageLength, checksum: part.checksum,
            fragmentLength: part.data.count)
        if let header {
            try FountainDecoder.check(partHeader, against: header)
        } else {
            header = partHeader
            chooser = FragmentChooser(sequenceLength: part.sequenceLength, checksum: part.checksum)
        }
        if let outcome {
            _ = try outcome.get()
            return true
        }
        guard let chooser else { return false }
        let indexes = chooser.fragmentIndexes(sequenceNumber: part.sequenceNumber)
        lastPartIndexes = indexes
        queue.append(Pending(indexes: indexes, data: part.data))
        while outcome == nil, !queue.isEmpty {
            let next = queue.removeFirst()
            if next.indexes.count == 1 { processSimple(next) } else { processMixed(next) }
        }
        processedPartCount += 1
        if let outcome { _ = try outcome.get() }
        return outcome != nil
    }

    /// Refuses a part whose header differs from the message's.
    static func check(_ part: Header, against header: Header) throws(URError) {
        if part.sequenceLength != header.sequenceLength {
            throw URError.partFromOtherMessage(
                "sequence length", expected: String(header.sequenceLength), found: String(part.sequenceLength))
        }
        if part.messageLength != header.messageLength {
            throw URError.partFromOtherMessage(
                "message length", expected: String(header.messageLength), found: String(part.messageLength))
        }
        if part.checksum != header.checksum {
            throw URError.partFromOtherMessage(
                "checksum", expected: URError.hex32(header.checksum), found: URError.hex32(part.checksum))
        }
        if part.fragmentLength != header.fragmentLength {
            throw URError.partFromOtherMessage(
                "fragment length", expected: String(header.fragmentLength), found: String(part.fragmentLength))
        }
    }

    private mutating func processSimple(_ part: Pending) {
        guard let index = part.indexes.first, fragments[index] == nil, let header else { return }
        fragments[index] = part.data
        if fragments.count == header.sequenceLength {
            var message: [UInt8] = []
            message.reserveCapacity(header.sequenceLength * header.fragmentLength)
            for position in 0..<header.sequenceLength { message.append(contentsOf: fragments[position] ?? []) }
            message.removeLast(max(message.count - header.messageLength, 0))
            let found = CRC32.checksum(message)
            if found == header.checksum {
                outcome = .success(message)
            } else {
                outcome = .failure(URError.messageChecksumMismatch(expected: header.checksum, found: found))
            }
            mixed = [:]
            mixedCost = 0
            queue = []
        } else {
            reduceMixed(by: part)
        }
    }

    private mutating func processMixed(_ part: Pending) {
        guard mixed[part.indexes] == nil else { return }
        // XOR out every known fragment while at least two fragments remain mixed.
        var reduced = part
        for index in part.indexes where reduced.indexes.count > 1 {
            if let data = fragments[index] {
                reduced = FountainDecoder.reduce(reduced, by: Pending(indexes: [index], data: data))
            }
        }
        for other in mixed.values where reduced.indexes.count > 1 {
            reduced = FountainDecoder.reduce(reduced, by: other)
        }
        if reduced.indexes.count == 1 {
            queue.append(reduced)
        } else if mixed[reduced.indexes] == nil {
            reduceMixed(by: reduced)
            let cost = FountainDecoder.cost(of: reduced)
            if cost <= pendingBudget - mixedCost {
                mixed[reduced.indexes] = reduced
                mixedCost += cost
            }
        }
    }

    /// Reduces every pending mixed part by `part`; those that become simple go to the queue.
    private mutating func reduceMixed(by part: Pending) {
        var remaining: [[Int]: Pending] = [:]
        var cost = 0
        for pending in mixed.values {
            let reduced = FountainDecoder.reduce(pending, by: part)
            if reduced.indexes.count == 1 {
                queue.append(reduced)
            } else if remaining[reduced.indexes] == nil {
                remaining[reduced.indexes] = reduced
                cost += FountainDecoder.cost(of: reduced)
            }
        }
        mixed = remaining
        mixedCost = cost
    }

    /// The bytes a pending part is counted for: its data and 8 per fragment index.
    private static func cost(of part: Pending) -> Int {
        part.data.count + 8 * part.indexes.count
    }

    /// `a` XOR `b` with `a`'s fragments less `b`'s when `b`'s are a strict subset of `a`'s, else `a`.
    private static func reduce(_ a: Pending, by b: Pending) -> Pending {
        guard b.indexes.count < a.indexes.count, isSubset(b.indexes, of: a.indexes) else { return a }
        var data = a.data
        for position in 0..<min(data.count, b.data.count) { data[position] ^= b.data[position] }
        return Pending(indexes: difference(a.indexes, b.indexes), data: data)
    }

    /// The items of sorted `large` that are not in sorted `small`, by merging.
    private static func difference(_ large: [Int], _ small: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(large.count)
        var position = 0
        for index in large {
            while position < small.count, small[position] < index { position += 1 }
            if position < small.count, small[position] == index { continue }
            result.append(index)
        }
        return result
    }

    /// Whether sorted `small` is a subset of sorted `large`.
    private static func isSubset(_ small: [Int], of large: [Int]) -> Bool {
        var position = 0
        for index in small {
            while position < large.count, large[position] < index { position += 1 }
            guard position < large.count, large[position] == index else { return false }
            position += 1
        }
        return true
    }
}
