// MARK: - Finder pattern search (ISO/IEC 18004:2015 §12 b–d)

/// A finder pattern candidate: the centre of its 3 × 3 core, its module size, how many scan lines confirmed it.
struct QRFinderCandidate: Sendable, Hashable {
    var x: Double
    var y: Double
    var moduleSize: Double
    var count: Int

    /// Whether `other` is the same pattern seen again (centres within a module and similar sizes).
    func matches(_ other: QRFinderCandidate) -> Bool {
        let tolerance = max(moduleSize, other.moduleSize) * 1.2
        return abs(x - other.x) <= tolerance && abs(y - other.y) <= tolerance
            && abs(moduleSize - other.moduleSize) <= max(1.0, 0.4 * max(moduleSize, other.moduleSize))
    }

    /// The weighted average of two sightings of one pattern.
    func merged(with other: QRFinderCandidate) -> QRFinderCandidate {
        let total = Double(count + other.count)
        let (w1, w2) = (Double(count) / total, Double(other.count) / total)
        return QRFinderCandidate(
            x: x * w1 + other.x * w2, y: y * w1 + other.y * w2, moduleSize: moduleSize * w1 + other.moduleSize * w2,
            count: count + other.count)
    }
}

/// Five consecutive run lengths (light/dark alternating), in scan order; `.2` is the centre. A tuple, not an array:
/// the finder compares millions of them per frame, and none may touch the heap.
typealias QRRunCounts = (Int, Int, Int, Int, Int)

extension QRFinderPatternFinder {
    @inline(__always)
    static func runTotal(_ counts: QRRunCounts) -> Int { counts.0 + counts.1 + counts.2 + counts.3 + counts.4 }

    @inline(__always)
    static func allPositive(_ counts: QRRunCounts) -> Bool {
        counts.0 > 0 && counts.1 > 0 && counts.2 > 0 && counts.3 > 0 && counts.4 > 0
    }
}

/// Finds finder patterns: scan lines whose dark–light–dark–light–dark runs are in the ratio 1 : 1 : 3 : 1 : 1
/// (§12 b, §6.3.3), confirmed by a scan across the centre in the other direction (§12 c) and along a diagonal, then
/// merged (§12 d). Rows and columns are both scanned, so a pattern is found at any rotation. A namespace.
enum QRFinderPatternFinder {
    /// Most candidates kept (the strongest), which bounds the triple search that follows.
    static let maximumCandidates = 48

    /// All finder pattern candidates of a binarised image, strongest first.
    static func find(in image: QRBitImage) -> [QRFinderCandidate] {
        var candidates: [QRFinderCandidate] = []
        scanRows(image, transposed: false, into: &candidates)
        scanRows(image.transposed(), transposed: true, into: &candidates)
        candidates.sort { $0.count > $1.count }
        return Array(candidates.prefix(maximumCandidates))
    }

    /// Scans every row of `image` (in which the pattern is searched), cross-checking in `image` itself; when
    /// `transposed`, the results are mapped back by swapping coordinates.
    private static func scanRows(_ image: QRBitImage, transposed: Bool, into candidates: inout [QRFinderCandidate]) {
        let width = image.width
        guard width > 0 else { return }
        // Run boundaries of one row: edges[i] is where run i starts, the first run light (possibly empty) so that odd
        // runs are dark; at most width + 1 runs, so width + 2 edges.
        var edges = [Int](repeating: 0, count: width + 2)
        // Every row of small images; every second or third of large ones (a finder core still spans several rows).
        let step = image.height <= 600 ? 1 : image.height <= 1200 ? 2 : 3
        edges.withUnsafeMutableBufferPointer { edges in
            image.bits.withUnsafeBufferPointer { bits in
                for y in stride(from: 0, to: image.height, by: step) {
                    // Branchless: every pixel writes its x at the current slot, which advances only at a change of
                    // colour (a camera row has a few hundred changes in a thousand pixels, at random places).
                    // Wrapping arithmetic: every index is below width + 2.
                    guard let row = bits.baseAddress.map({ $0 + y * width }), let edge = edges.baseAddress else {
                        return
                    }
                    var count = 1
                    var previous: UInt8 = 0
                    for x in 0..<width {
                        let bit = row[x]
                        edge[count] = x
                        count &+= Int(bit ^ previous)
                        previous = bit
                    }
                    edge[count] = width
                    // Runs 0 ..< count; run i spans edges[i] ..< edges[i + 1].
                    var index = 1
                    while index &+ 4 < count {
                        let counts: QRRunCounts = (
                            edge[index &+ 1] &- edge[index], edge[index &+ 2] &- edge[index &+ 1],
                            edge[index &+ 3] &- edge[index &+ 2], edge[index &+ 4] &- edge[index &+ 3],
                            edge[index &+ 5] &- edge[index &+ 4]
                        )
                        if ratioMatches(counts) {
                            let centerX = Double(edge[index &+ 2]) + Double(counts.2) / 2
                            if let found = crossCheck(image, centerX: centerX, y: y, horizontalTotal: runTotal(counts))
                            {
                                let candidate =
                                    transposed
                                    ? QRFinderCandidate(x: found.y, y: found.x, moduleSize: found.moduleSize, count: 1)
                                    : found
                                add(candidate, to: &candidates)
                            }
                        }
                        index &+= 2
                    }
                }
            }
        }
    }

    /// Whether five run lengths are close to 1 : 1 : 3 : 1 : 1 (each 1 within 0.6 of a module, the 3 within 1.8).
    /// In integers (the row scan calls this for every dark run of a noisy frame): with m = total / 7, each side run
    /// within 0.6 m of m is 5 · |total − 7c| < 3 · total, and the centre within 1.8 m of 3m is
    /// 5 · |3 · total − 7c| < 9 · total.
    @inline(__always)
    static func ratioMatches(_ counts: QRRunCounts) -> Bool {
        // Wrapping arithmetic: run lengths are image dimensions, far from overflow.
        let total = counts.0 &+ counts.1 &+ counts.2 &+ counts.3 &+ counts.4
        guard total >= 7, allPositive(counts) else { return false }
        let bound = 3 &* total
        @inline(__always) func off(_ expected: Int, _ run: Int) -> Int { 5 &* abs(expected &- 7 &* run) }
        return off(total, counts.0) < bound && off(total, counts.1) < bound && off(3 &* total, counts.2) < 9 &* total
            && off(total, counts.3) < bound && off(total, counts.4) < bound
    }

    /// Counts the five runs through (x, y) along direction (dx, dy): the centre dark run and two runs each way. Each
    /// run is limited to `limit` pixels. Returns the counts and the offset (in steps) of the centre run's middle.
    static func runsThrough(
        _ image: QRBitImage, x: Int, y: Int, dx: Int, dy: Int, limit: Int
    ) -> (counts: QRRunCounts, center: Double)? {
        guard image.isDark(x, y) else { return nil }
        var counts: QRRunCounts = (0, 0, 0, 0, 0)
        // Backwards: centre (part), light, dark.
        var step = 0
        while image.isDark(x - step * dx, y - step * dy) && counts.2 <= limit * 3 {
            counts.2 += 1
            step += 1
        }
        let back = step
        while inside(image, x - step * dx, y - step * dy) && !image.isDark(x - step * dx, y - step * dy)
            && counts.1 <= limit
        {
            counts.1 += 1
            step += 1
        }
        while inside(image, x - step * dx, y - step * dy) && image.isDark(x - step * dx, y - step * dy)
            && counts.0 <= limit
        {
            counts.0 += 1
            step += 1
        }
        // Forwards.
        step = 1
        while image.isDark(x + step * dx, y + step * dy) && counts.2 <= limit * 3 {
            counts.2 += 1
            step += 1
        }
        let forward = step
        while inside(image, x + step * dx, y + step * dy) && !image.isDark(x + step * dx, y + step * dy)
            && counts.3 <= limit
        {
            counts.3 += 1
            step += 1
        }
        while inside(image, x + step * dx, y + step * dy) && image.isDark(x + step * dx, y + step * dy)
            && counts.4 <= limit
        {
            counts.4 += 1
            step += 1
        }
        // Centre of the dark core, relative to (x, y), in steps: it spans -back+1 ... forward-1.
        let center = Double(forward - back) / 2
        return (counts, center)
    }

    @inline(__always)
    static func inside(_ image: QRBitImage, _ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < image.width && y < image.height
    }

    /// Confirms a horizontal sighting vertically, re-centres horizontally and checks a diagonal (§12 c).
    private static func crossCheck(_ image: QRBitImage, centerX: Double, y: Int, horizontalTotal: Int)
        -> QRFinderCandidate?
    {
        let limit = horizontalTotal  // generous: a run may be longer under perspective
        let cx = Int(centerX)
        guard let vertical = runsThrough(image, x: cx, y: y, dx: 0, dy: 1, limit: limit),
            ratioMatches(vertical.counts)
        else { return nil }
        let verticalTotal = runTotal(vertical.counts)
        // Similar extent in both directions (within a factor of about 1.7, to allow perspective and rotation).
        guard 5 * abs(verticalTotal - horizontalTotal) < 3 * max(verticalTotal, horizontalTotal) else { return nil }
        let centerY = Double(y) + vertical.center + 0.5
        let cy = Int(centerY)
        guard let horizontal = runsThrough(image, x: cx, y: cy, dx: 1, dy: 0, limit: limit),
            ratioMatches(horizontal.counts)
        else { return nil }
        let refinedX = Double(cx) + horizontal.center + 0.5
        let rx = Int(refinedX)
        // Diagonal: the pattern's runs along 45° are √2 longer but keep the ratio; be lenient (the corners of the
        // rings are where blur and perspective bite first).
        guard let diagonal = runsThrough(image, x: rx, y: cy, dx: 1, dy: 1, limit: limit),
            diagonalMatches(diagonal.counts)
        else { return nil }
        let total = Double(runTotal(horizontal.counts) + verticalTotal)
        return QRFinderCandidate(x: refinedX, y: centerY, moduleSize: total / 14, count: 1)
    }

    /// A looser 1 : 1 : 3 : 1 : 1 test for the diagonal scan.
    private static func diagonalMatches(_ counts: QRRunCounts) -> Bool {
        // Each side run within m of m: |total − 7c| < total; the centre within 3m of 3m: |3 · total − 7c| < 3 · total.
        let total = runTotal(counts)
        guard total >= 7, allPositive(counts) else { return false }
        return abs(total - 7 * counts.0) < total && abs(total - 7 * counts.1) < total
            && abs(3 * total - 7 * counts.2) < 3 * total && abs(total - 7 * counts.3) < total
            && abs(total - 7 * counts.4) < total
    }

    /// Merges a sighting into the list.
    private static func add(_ candidate: QRFinderCandidate, to candidates: inout [QRFinderCandidate]) {
        if let index = candidates.firstIndex(where: { $0.matches(candidate) }) {
            candidates[index] = candidates[index].merged(with: candidate)
        } else if candidates.count < 4096 {
            candidates.append(candidate)
        }
    }
}
