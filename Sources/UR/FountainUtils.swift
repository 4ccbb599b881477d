// MARK: - Random sampler

/// Walker–Vose alias sampling of a discrete distribution (BCR-2020-005 §UR Encoding: "the Walker-Vose alias method,
/// as described by Keith Schwarz (2011)"), built exactly as the reference implementations build it — small and large
/// work lists filled from the highest index down, the same floating-point operations in the same order — so the same
/// two doubles pick the same index.
struct RandomSampler {
    private(set) var probabilities: [Double]
    private(set) var aliases: [Int]

    /// A sampler over `weights` (positive, not necessarily normalised; at least one).
    init(_ weights: [Double]) {
        let count = weights.count
        let sum = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(count) / sum }
        var small: [Int] = []
        var large: [Int] = []
        for index in stride(from: count - 1, through: 0, by: -1) {
            if scaled[index] < 1 { small.append(index) } else { large.append(index) }
        }
        var probabilities = [Double](repeating: 0, count: count)
        var aliases = [Int](repeating: 0, count: count)
        while let less = small.last, let more = large.last {
            small.removeLast()
            large.removeLast()
            probabilities[less] = scaled[less]
            aliases[less] = more
            scaled[more] += scaled[less] - 1
            if scaled[more] < 1 { small.append(more) } else { large.append(more) }
        }
        for index in large { probabilities[index] = 1 }
        // Only floating-point error leaves entries here.
        for index in small { probabilities[index] = 1 }
        self.probabilities = probabilities
        self.aliases = aliases
    }

    /// An index drawn with two doubles from `rng`: column ⌊n · r₁⌋, kept when r₂ is below its probability, else its
    /// alias.
    func next(_ rng: inout Xoshiro256) -> Int {
        let r1 = rng.nextDouble()
        let r2 = rng.nextDouble()
        let count = probabilities.count
        // r₁ is 1 only when the generator's output rounds up to 2⁶⁴; keep the column in range then.
        let column = min(Int(Double(count) * r1), count - 1)
        return r2 < probabilities[column] ? column : aliases[column]
    }
}

// MARK: - Choosing fragments

/// The fountain code's choice of fragments (BCR-2020-005 §UR Encoding: `chooseFragments`, `chooseDegree`,
/// `shuffled`), shared by ``FountainEncoder`` and ``FountainDecoder``. Holds the degree sampler for one sequence
/// length so it is built once per message, not once per part.
struct FragmentChooser {
    /// The number of fragments of the message.
    let sequenceLength: Int
    /// The CRC-32 of the message.
    let checksum: UInt32
    /// Degree d has weight 1/d for d in 1…seqLen (BCR-2020-005 `chooseDegree`).
    private let degreeSampler: RandomSampler

    init(sequenceLength: Int, checksum: UInt32) {
        self.sequenceLength = sequenceLength
        self.checksum = checksum
        degreeSampler = RandomSampler((1...max(sequenceLength, 1)).map { 1 / Double($0) })
    }

    /// The degree for a part: the number of fragments it mixes (BCR-2020-005 `chooseDegree`).
    func chooseDegree(_ rng: inout Xoshiro256) -> Int {
        degreeSampler.next(&rng) + 1
    }

    /// The sorted indexes of the fragments that part `sequenceNumber` mixes: the single fragment `seqNum − 1` for the
    /// first `seqLen` parts, else `chooseDegree` fragments from the front of a Fisher–Yates shuffle seeded by
    /// SHA-256(`seqNum ‖ checksum`), both big-endian.
    func fragmentIndexes(sequenceNumber: UInt32) -> [Int] {
        if UInt64(sequenceNumber) <= UInt64(sequenceLength) {
            return [max(Int(sequenceNumber) - 1, 0)]
        }
        var rng = Xoshiro256(seed: Xoshiro256.bigEndian(sequenceNumber) + Xoshiro256.bigEndian(checksum))
        let degree = chooseDegree(&rng)
        return FragmentChooser.shuffledPrefix(count: sequenceLength, take: degree, rng: &rng).sorted()
    }

    /// The first `take` items of the reference's shuffle of `0..<count` (BCR-2020-005 `shuffled`: repeatedly remove
    /// the item at `nextInt(0, remaining − 1)` from the remaining items and append it).
    ///
    /// The draws after the first `take` do not matter, so they are not made; and the k-th remaining item is found in a
    /// Fenwick tree of remaining counts, so a part costs O(seqLen + take · log seqLen) rather than the O(seqLen²) of
    /// removing from an array — a hostile sequence length cannot make decoding quadratic.
    static func shuffledPrefix(count: Int, take: Int, rng: inout Xoshiro256) -> [Int] {
        guard count > 0 else { return [] }
        // tree[i] (1-based) holds how many of the items in its Fenwick range remain; all remain at first.
        var tree = [Int](repeating: 0, count: count + 1)
        for position in 1...count {
            tree[position] += 1
            let parent = position + (position & -position)
            if parent <= count { tree[parent] += tree[position] }
        }
        var highestPowerOfTwo = 1
        while highestPowerOfTwo * 2 <= count { highestPowerOfTwo *= 2 }

        var result: [Int] = []
        result.reserveCapacity(min(take, count))
        var remaining = count
        while result.count < take, remaining > 0 {
            let rank = rng.nextInt(in: 0, remaining - 1)  // zero-based rank among the remaining items
            // Descend the tree to the smallest position whose prefix count exceeds `rank`.
            var position = 0
            var left = rank
            var step = highestPowerOfTwo
            while step > 0 {
                let next = position + step
                if next <= count, tree[next] <= left {
                    position = next
                    left -= tree[next]
                }
                step /= 2
            }
            let item = position  // position + 1 is the 1-based slot; the item is its zero-based index
            result.append(item)
            var slot = item + 1
            while slot <= count {
                tree[slot] -= 1
                slot += slot & -slot
            }
            remaining -= 1
        }
        return result
    }
}
