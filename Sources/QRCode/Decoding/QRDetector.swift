// MARK: - Symbol detection and sampling (ISO/IEC 18004:2015 §12, reference decode algorithm steps a–h)

/// A point in image coordinates: pixels, x to the right, y down, (0, 0) the top-left corner of the top-left pixel.
public struct QRPoint: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    func distance(to other: QRPoint) -> Double {
        ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot()
    }
}

/// One QR symbol located in an image: where its finder patterns are, the estimated outline, and the module grids
/// sampled from it (§12 e–h), most likely first.
public struct QRDetection: Sendable, Hashable {
    /// Centre of the top-left finder pattern (the one at the right angle).
    public let topLeft: QRPoint
    /// Centre of the top-right finder pattern (for a mirror image: the bottom-left one, see ``candidates``).
    public let topRight: QRPoint
    /// Centre of the bottom-left finder pattern.
    public let bottomLeft: QRPoint
    /// Centre of the bottom-right alignment pattern used for the perspective transform, if one was found (§6.3.6).
    public let alignment: QRPoint?
    /// The symbol's outer corners (top-left, top-right, bottom-right, bottom-left) as the best candidate maps them.
    public let corners: [QRPoint]
    /// Estimated module width in pixels (§12 e: X).
    public let moduleSize: Double
    /// Whether the symbol was found light-on-dark (reflectance reversal, §6.2).
    public let isInverted: Bool
    /// Module grids sampled at module centres for the likely symbol sizes, most likely first (§12 h). A mirror image
    /// samples to the transpose of the symbol, which the symbol decoder retries.
    public let candidates: [QRModuleGrid]
}

/// Finds QR symbols in a luminance image and samples their modules (ISO/IEC 18004:2015 §12 a–h). A namespace.
///
/// The image is binarised with local thresholds (uneven light) and with one global threshold (§12 a); finder
/// patterns are searched by their 1 : 1 : 3 : 1 : 1 run ratios along rows and columns and confirmed across and
/// diagonally (§12 b–d); triples of finder patterns at a near-right angle with similar module sizes become symbol
/// candidates, at any rotation (§12 e); the version is estimated from their distance (§12 e–f); for version 2 and up
/// the bottom-right alignment pattern is searched near its predicted place (§12 g); a perspective transform maps
/// module centres to pixels, and each module is read by a majority of five samples around its centre (§12 h).
/// Light-on-dark symbols are found on the inverted binarisation. Several symbols in one image are found when their
/// finder patterns do not overlap.
public enum QRDetector {
    /// Detects the symbols in an image: first on the local binarisation in both polarities (dark-on-light and
    /// light-on-dark); only when that finds nothing, on the global binarisation in both polarities. Detections are
    /// ordered by the likelihood of their finder triple; several symbols are returned when their finder patterns are
    /// distinct.
    public static func detect(in image: QRGrayImage) -> [QRDetection] {
        var result: [QRDetection] = []
        for method in [QRBinarizer.Method.local, .global] {
            let bits = QRBinarizer.binarize(image, method)
            for inverted in [false, true] {
                for detection in detect(
                    in: inverted ? bits.inverted() : bits, gray: image, inverted: inverted, disjoint: true)
                where !result.contains(where: { $0.isSameSymbol(as: detection) }) {
                    result.append(detection)
                }
            }
            if !result.isEmpty { break }
        }
        return result
    }

    /// Detections in one binarised image: the plausible finder triples, best first; when `disjoint`, only triples
    /// that share no finder pattern with a better one.
    ///
    /// With `gray`, the luminance the bits came from, each detection also gets a grid sampled from the luminance
    /// itself (see ``sampleLuminance(_:_:size:inverted:)``) as its second candidate.
    static func detect(in image: QRBitImage, gray: QRGrayImage?, inverted: Bool, disjoint: Bool, limit: Int = 12)
        -> [QRDetection]
    {
        let finders = QRFinderPatternFinder.find(in: image)
        let triples = rankedTriples(finders)
        var used = Set<Int>()
        var detections: [QRDetection] = []
        for triple in triples {
            if detections.count >= limit { break }
            if disjoint && (used.contains(triple.0) || used.contains(triple.1) || used.contains(triple.2)) {
                continue
            }
            guard
                let detection = makeDetection(
                    gray: gray,
                    image, topLeft: finders[triple.0], topRight: finders[triple.1], bottomLeft: finders[triple.2],
                    inverted: inverted)
            else { continue }
            used.formUnion([triple.0, triple.1, triple.2])
            detections.append(detection)
        }
        return detections
    }

    // MARK: Grouping finder patterns (§12 e)

    /// Plausible (top-left, top-right, bottom-left) index triples, best first.
    static func rankedTriples(_ finders: [QRFinderCandidate]) -> [(Int, Int, Int)] {
        // Prefer patterns seen on several scan lines when there are enough of them.
        let strong = finders.indices.filter { finders[$0].count >= 2 }
        let pool = strong.count >= 3 ? strong : Array(finders.indices)
        var scored: [(score: Double, triple: (Int, Int, Int))] = []
        for i in 0..<pool.count {
            for j in i + 1..<pool.count {
                for k in j + 1..<pool.count {
                    if let (score, triple) = score(finders, pool[i], pool[j], pool[k]) {
                        scored.append((score, triple))
                    }
                }
            }
        }
        scored.sort { $0.score < $1.score }
        return scored.prefix(40).map { $0.triple }
    }

    /// Scores three finder patterns as one symbol's: lower is better, `nil` when implausible.
    private static func score(_ finders: [QRFinderCandidate], _ i: Int, _ j: Int, _ k: Int)
        -> (Double, (Int, Int, Int))?
    {
        let points = [i, j, k].map { QRPoint(x: finders[$0].x, y: finders[$0].y) }
        let sizes = [i, j, k].map { finders[$0].moduleSize }
        guard let smallest = sizes.min(), let largest = sizes.max(), smallest > 0, largest / smallest <= 2 else {
            return nil
        }
        // The right angle is opposite the longest side.
        let d01 = points[0].distance(to: points[1])
        let d02 = points[0].distance(to: points[2])
        let d12 = points[1].distance(to: points[2])
        let (corner, p, q): (Int, Int, Int) =
            d12 >= d01 && d12 >= d02 ? (0, 1, 2) : d02 >= d01 && d02 >= d12 ? (1, 0, 2) : (2, 0, 1)
        let indices = [i, j, k]
        let c = points[corner]
        let (u, v) = (points[p], points[q])
        let (ux, uy, vx, vy) = (u.x - c.x, u.y - c.y, v.x - c.x, v.y - c.y)
        let a = (ux * ux + uy * uy).squareRoot()
        let b = (vx * vx + vy * vy).squareRoot()
        guard a > 0, b > 0, max(a, b) / min(a, b) <= 2 else { return nil }
        let cosine = (ux * vx + uy * vy) / (a * b)
        guard abs(cosine) < 0.5 else { return nil }
        let module = sizes.reduce(0, +) / 3
        let modulesAcross = (a + b) / 2 / module
        // Version 1 has 14 modules between finder centres, version 40 has 170.
        guard modulesAcross >= 10, modulesAcross <= 185 else { return nil }
        let score = abs(cosine) + (max(a, b) / min(a, b) - 1) + (largest / smallest - 1)
        // Orientation: going from top-right to bottom-left around the top-left corner turns clockwise on screen.
        let cross = ux * vy - uy * vx
        let (topRight, bottomLeft) = cross > 0 ? (p, q) : (q, p)
        return (score, (indices[corner], indices[topRight], indices[bottomLeft]))
    }

    // MARK: Geometry (§12 e–g)

    /// Module size measured along the line from `from` towards `to`: the pattern's 7 modules in that direction (the
    /// centre's dark run, then a light and a dark run on each side), so the estimate holds at any rotation.
    static func measureModule(_ image: QRBitImage, from: QRPoint, towards to: QRPoint, estimate: Double) -> Double? {
        let length = from.distance(to: to)
        guard length > 0 else { return nil }
        let (dx, dy) = ((to.x - from.x) / length, (to.y - from.y) / length)
        var total = 0.0
        for sign in [1.0, -1.0] {
            var runs = [0, 0, 0]  // dark (centre half), light, dark
            var phase = 0
            var t = 0.0
            let limit = estimate * 8
            while t < limit {
                let dark = image.isDark(at: from.x + sign * t * dx, from.y + sign * t * dy)
                let expectDark = phase != 1
                if dark != expectDark {
                    phase += 1
                    if phase == 3 { break }
                }
                runs[phase] += 1
                t += 1
            }
            guard phase == 3 else { return nil }
            total += t
        }
        let size = total / 7
        // Reject measurements far from the scan-line estimate (a run through a neighbouring dark module).
        guard size > estimate * 0.5, size < estimate * 2 else { return nil }
        return size
    }

    /// Nearest symbol sizes (17 + 4v, v = 1…40) to a raw estimate, closest first.
    static func likelySizes(_ raw: Double, count: Int) -> [Int] {
        let sizes = stride(from: 21, through: 177, by: 4)
        return Array(sizes.sorted { abs(Double($0) - raw) < abs(Double($1) - raw) }.prefix(count))
    }

    private static func makeDetection(
        gray: QRGrayImage?,
        _ image: QRBitImage, topLeft: QRFinderCandidate, topRight: QRFinderCandidate, bottomLeft: QRFinderCandidate,
        inverted: Bool
    ) -> QRDetection? {
        let tl = QRPoint(x: topLeft.x, y: topLeft.y)
        let tr = QRPoint(x: topRight.x, y: topRight.y)
        let bl = QRPoint(x: bottomLeft.x, y: bottomLeft.y)
        func along(_ a: QRPoint, _ b: QRPoint, _ estimate: Double) -> Double {
            let forward = measureModule(image, from: a, towards: b, estimate: estimate)
            let backward = measureModule(image, from: b, towards: a, estimate: estimate)
            switch (forward, backward) {
            case let (f?, b?): return (f + b) / 2
            case let (f?, nil): return f
            case let (nil, b?): return b
            default: return estimate
            }
        }
        // Scan-line module sizes are accurate averages, but too large by 1 / cos θ at a rotation θ (≤ 45°).
        let lengthU = tl.distance(to: tr)
        let lengthV = tl.distance(to: bl)
        guard lengthU > 0, lengthV > 0 else { return nil }
        let u = QRPoint(x: (tr.x - tl.x) / lengthU, y: (tr.y - tl.y) / lengthU)
        let v = QRPoint(x: (bl.x - tl.x) / lengthV, y: (bl.y - tl.y) / lengthV)
        let correction = max(abs(u.x), abs(u.y))
        let finders = [topLeft, topRight, bottomLeft]
        let corrected = finders.map { $0.moduleSize * correction }
        // Cheap rejection of triples that are not a symbol's: each finder must sit in its light separator (§6.3.3).
        let check = finderScore(image, finders, sizes: corrected, u: u, v: v)
        // Below 2.5 px per module a one-module separator is mixed with its neighbours by any resampling: there the
        // finders alone must read (almost) perfectly.
        let tiny = (corrected[0] + corrected[1] + corrected[2]) / 3 < 2.5
        guard (check.pattern >= 0.75 && check.separator >= 0.6) || (tiny && check.pattern >= 0.9) else {
            return nil
        }
        let horizontalModule =
            (along(tl, tr, (corrected[0] + corrected[1]) / 2) + (corrected[0] + corrected[1]) / 2) / 2
        let verticalModule = (along(tl, bl, (corrected[0] + corrected[2]) / 2) + (corrected[0] + corrected[2]) / 2) / 2
        let raw = (lengthU / horizontalModule + lengthV / verticalModule) / 2 + 7
        let moduleSize = (horizontalModule + verticalModule) / 2
        guard raw >= 17, raw <= 181 else { return nil }
        var transforms: [Candidate] = []
        for size in likelySizes(raw, count: 3) {
            transforms += candidateTransforms(
                image, tl: tl, tr: tr, bl: bl, finderModules: corrected, size: size, moduleSize: moduleSize)
        }
        // Most likely first: the maps under which the fixed patterns (finders, timing, alignment) read best; ties
        // keep the order of the size estimate. Only the best few are sampled in full.
        for index in transforms.indices {
            transforms[index].score = patternScore(image, transforms[index].transform, size: transforms[index].size)
        }
        let ranked = transforms.enumerated().sorted {
            $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
        }.map { $0.element }
        guard let best = ranked.first, best.score > 0.6 else { return nil }
        var grids: [QRModuleGrid] = []
        for candidate in ranked.prefix(maximumCandidates) where candidate.score > 0.6 {
            guard let grid = sample(image, candidate.transform, size: candidate.size), !grids.contains(grid) else {
                continue
            }
            grids.append(grid)
        }
        if let gray, let luminance = sampleLuminance(gray, best.transform, size: best.size, inverted: inverted),
            !grids.contains(luminance)
        {
            grids.insert(luminance, at: min(1, grids.count))
        }
        guard !grids.isEmpty else { return nil }
        let s = Double(best.size)
        let corners = [(0.0, 0.0), (s, 0), (s, s), (0, s)].compactMap { best.transform.apply($0.0, $0.1) }
        return QRDetection(
            topLeft: tl, topRight: tr, bottomLeft: bl, alignment: best.alignment, corners: corners,
            moduleSize: moduleSize, isInverted: inverted, candidates: grids)
    }

    /// Agreement of the three finder patterns (7 × 7 modules) and of their separators (the middle three modules of each
    /// separator side inside the symbol) with §6.3.3, each read with its own module size along the symbol's axes.
    static func finderScore(
        _ image: QRBitImage, _ finders: [QRFinderCandidate], sizes: [Double], u: QRPoint, v: QRPoint
    ) -> (pattern: Double, separator: Double) {
        var pattern = 0
        var separator = 0
        var patternTotal = 0
        var separatorTotal = 0
        // Which separator rows/columns lie inside the symbol: towards the other finders only.
        let sides: [(xs: ClosedRange<Int>, ys: ClosedRange<Int>)] = [(0...7, 0...7), (-1...6, 0...7), (0...7, -1...6)]
        for ((finder, m), side) in zip(zip(finders, sizes), sides) {
            let roughX = QRPoint(x: u.x * m, y: u.y * m)
            let roughY = QRPoint(x: v.x * m, y: v.y * m)
            let centre = QRPoint(x: finder.x, y: finder.y)
            let frame =
                QRGridFitting.localFrame(image, center: centre, ex: roughX, ey: roughY) ?? (centre, roughX, roughY)
            for j in side.ys {
                for i in side.xs {
                    let dx = Double(i) - 3
                    let dy = Double(j) - 3
                    let ring = max(abs(i - 3), abs(j - 3))
                    let dark = image.isDark(
                        at: frame.center.x + dx * frame.ex.x + dy * frame.ey.x,
                        frame.center.y + dx * frame.ex.y + dy * frame.ey.y)
                    if ring == 4 {
                        // Only the middle of each separator side: its corners move most when perspective turns the
                        // finder's own axes away from the symbol's.
                        guard abs(i - 3) <= 1 || abs(j - 3) <= 1 else { continue }
                        separatorTotal += 1
                        if !dark { separator += 1 }
                    } else {
                        patternTotal += 1
                        if dark == (ring != 2) { pattern += 1 }
                    }
                }
            }
        }
        return (Double(pattern) / Double(max(patternTotal, 1)), Double(separator) / Double(max(separatorTotal, 1)))
    }

    /// Most grids sampled per detection.
    static let maximumCandidates = 4

    /// A way of mapping module coordinates of a symbol of `size` modules to pixels.
    struct Candidate {
        var transform: QRPerspectiveTransform
        var size: Int
        var alignment: QRPoint?
        var score = 0.0
    }

    /// The maps for one symbol size: fitted to finder outlines and alignment patterns, fitted to finder outlines
    /// only, through the bottom-right alignment pattern alone, and the affine map of the three finder centres.
    static func candidateTransforms(
        _ image: QRBitImage, tl: QRPoint, tr: QRPoint, bl: QRPoint, finderModules: [Double], size: Int,
        moduleSize: Double
    ) -> [Candidate] {
        let s = Double(size)
        let version = (size - 17) / 4
        let centres = [QRPoint(x: 3.5, y: 3.5), QRPoint(x: s - 3.5, y: 3.5), QRPoint(x: 3.5, y: s - 3.5)]
        // The parallelogram completion of the three finder centres (exact for an affine view).
        let affineCorner = QRPoint(x: tr.x + bl.x - tl.x, y: tr.y + bl.y - tl.y)
        guard
            let affine = QRPerspectiveTransform.quadToQuad(
                [centres[0], centres[1], QRPoint(x: s - 3.5, y: s - 3.5), centres[2]], [tl, tr, affineCorner, bl])
        else { return [] }
        var result: [Candidate] = []
        // Finder outlines: twelve corners plus the three centres.
        // Twice: the second pass walks along the axes the first fit found (better under strong perspective).
        var points: [QRCorrespondence] = []
        var outline: QRPerspectiveTransform?
        for _ in 0..<2 {
            var found = zip(centres, [tl, tr, bl]).map { QRCorrespondence(module: $0, image: $1) }
            for (centre, ownSize) in zip(centres, finderModules) {
                found += QRGridFitting.finderCorners(
                    image, center: centre, initial: outline ?? affine, moduleSize: outline == nil ? ownSize : nil)
            }
            guard found.count >= 7, let fitted = QRGridFitting.fit(found, moduleScale: s) else { break }
            points = found
            outline = fitted
        }
        if let outlined = outline {
            // Alignment patterns where the outline fit predicts them.
            var aligned = points
            var bottomRight: QRPoint?
            let coordinates = QRSpec.alignmentPatternCenters(version: version)
            for ay in coordinates {
                for ax in coordinates {
                    let last = coordinates.count - 1
                    if (ax == coordinates[0] && ay == coordinates[0])
                        || (ax == coordinates[0] && ay == coordinates[last])
                        || (ax == coordinates[last] && ay == coordinates[0])
                    {
                        continue  // under a finder pattern
                    }
                    let module = QRPoint(x: Double(ax) + 0.5, y: Double(ay) + 0.5)
                    guard let predicted = outlined.apply(module.x, module.y),
                        let found = QRAlignmentFinder.find(
                            image, near: predicted, moduleSize: moduleSize, allowances: [2, 3.5])
                    else { continue }
                    aligned.append(QRCorrespondence(module: module, image: found))
                    if ax == coordinates[last] && ay == coordinates[last] { bottomRight = found }
                }
            }
            if aligned.count > points.count, let fitted = QRGridFitting.fit(aligned, moduleScale: s) {
                result.append(Candidate(transform: fitted, size: size, alignment: bottomRight))
            }
            result.append(Candidate(transform: outlined, size: size, alignment: nil))
        }
        if size >= 25, let predicted = affine.apply(s - 6.5, s - 6.5),
            let found = QRAlignmentFinder.find(image, near: predicted, moduleSize: moduleSize, allowances: [4, 8, 12]),
            let transform = QRPerspectiveTransform.quadToQuad(
                [centres[0], centres[1], QRPoint(x: s - 6.5, y: s - 6.5), centres[2]], [tl, tr, found, bl])
        {
            result.append(Candidate(transform: transform, size: size, alignment: found))
        }
        result.append(Candidate(transform: affine, size: size, alignment: nil))
        return result
    }

    // MARK: Sampling (§12 h)

    /// Reads each module by a majority of five samples (the centre and four points a quarter module away); `nil`
    /// when more than a tenth of the module centres fall outside the image.
    static func sample(_ image: QRBitImage, _ transform: QRPerspectiveTransform, size: Int) -> QRModuleGrid? {
        var modules = [UInt8](repeating: 0, count: size * size)
        var outside = 0
        let (width, height) = (Double(image.width), Double(image.height))
        // The centre first: only it counts towards `outside`.
        let offsets: [(Double, Double)] = [(0.5, 0.5), (0.25, 0.5), (0.75, 0.5), (0.5, 0.25), (0.5, 0.75)]
        image.bits.withUnsafeBufferPointer { bits in
            modules.withUnsafeMutableBufferPointer { modules in
                for y in 0..<size {
                    for x in 0..<size {
                        var dark = 0
                        for (index, (ox, oy)) in offsets.enumerated() {
                            // In the image: 0 ≤ coordinate < dimension, so truncation is the floor (NaN fails too).
                            guard let point = transform.apply(Double(x) + ox, Double(y) + oy) else { continue }
                            guard point.x >= 0, point.y >= 0, point.x < width, point.y < height else {
                                if index == 0 { outside += 1 }
                                continue
                            }
                            dark &+= Int(bits[Int(point.y) &* image.width &+ Int(point.x)])
                        }
                        modules[y &* size &+ x] = dark >= 3 ? 1 : 0
                    }
                }
            }
        }
        guard outside * 10 <= size * size else { return nil }
        return QRModuleGrid(size: size, modules: modules)
    }

    /// Reads each module from the luminance instead of the bits: the bilinearly interpolated level at the module
    /// centre, compared with the mean level of the 9 × 9 modules around it. Small or blurred modules, whose pixels
    /// are mixed with their neighbours', read better this way. `nil` when more than a tenth of the centres fall
    /// outside the image.
    static func sampleLuminance(_ gray: QRGrayImage, _ transform: QRPerspectiveTransform, size: Int, inverted: Bool)
        -> QRModuleGrid?
    {
        let (width, height) = (gray.width, gray.height)
        var levels = [Int](repeating: 255, count: size * size)
        var outside = 0
        gray.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<size {
                for x in 0..<size {
                    guard let point = transform.apply(Double(x) + 0.5, Double(y) + 0.5) else {
                        outside += 1
                        continue
                    }
                    // Pixel centres are at +0.5.
                    let fx = point.x - 0.5
                    let fy = point.y - 0.5
                    guard fx >= 0, fy >= 0, fx < Double(width - 1), fy < Double(height - 1) else {
                        outside += 1
                        continue
                    }
                    let x0 = Int(fx)
                    let y0 = Int(fy)
                    let ax = fx - Double(x0)
                    let ay = fy - Double(y0)
                    let p00 = Double(pixels[y0 * width + x0])
                    let p10 = Double(pixels[y0 * width + x0 + 1])
                    let p01 = Double(pixels[(y0 + 1) * width + x0])
                    let p11 = Double(pixels[(y0 + 1) * width + x0 + 1])
                    let value = (p00 * (1 - ax) + p10 * ax) * (1 - ay) + (p01 * (1 - ax) + p11 * ax) * ay
                    levels[y * size + x] = inverted ? 255 - Int(value) : Int(value)
                }
            }
        }
        guard outside * 10 <= size * size else { return nil }
        // Prefix sums for the 9 × 9 window means.
        let stride = size + 1
        var sums = [Int](repeating: 0, count: stride * stride)
        for y in 0..<size {
            for x in 0..<size {
                sums[(y + 1) * stride + x + 1] =
                    levels[y * size + x] + sums[y * stride + x + 1] + sums[(y + 1) * stride + x] - sums[y * stride + x]
            }
        }
        var modules = [UInt8](repeating: 0, count: size * size)
        for y in 0..<size {
            let top = max(y - 4, 0)
            let bottom = min(y + 5, size)
            for x in 0..<size {
                let left = max(x - 4, 0)
                let right = min(x + 5, size)
                let total =
                    sums[bottom * stride + right] - sums[top * stride + right] - sums[bottom * stride + left]
                    + sums[top * stride + left]
                let mean = total / ((bottom - top) * (right - left))
                modules[y * size + x] = levels[y * size + x] < mean ? 1 : 0
            }
        }
        return QRModuleGrid(size: size, modules: modules)
    }

    /// Whether the module at (x, y) reads dark under `transform` (majority of five samples).
    @inline(__always)
    static func module(_ image: QRBitImage, _ transform: QRPerspectiveTransform, _ x: Int, _ y: Int) -> Bool {
        var dark = 0
        for (ox, oy) in [(0.5, 0.5), (0.25, 0.5), (0.75, 0.5), (0.5, 0.25), (0.5, 0.75)] {
            guard let point = transform.apply(Double(x) + ox, Double(y) + oy) else { continue }
            if image.isDark(at: point.x, point.y) { dark += 1 }
        }
        return dark >= 3
    }

    /// Agreement of the modules `transform` reads with the fixed patterns every symbol of `size` has (§6.3.3 finders,
    /// §6.3.5 timing patterns, §6.3.6 alignment patterns): 1 when all match.
    static func patternScore(_ image: QRBitImage, _ transform: QRPerspectiveTransform, size n: Int) -> Double {
        var matches = 0
        var total = 0
        func check(_ x: Int, _ y: Int, _ dark: Bool) {
            total += 1
            if module(image, transform, x, y) == dark { matches += 1 }
        }
        for (ox, oy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for y in 0..<7 {
                for x in 0..<7 { check(ox + x, oy + y, max(abs(x - 3), abs(y - 3)) != 2) }
            }
        }
        for i in 8..<(n - 8) {
            check(i, 6, i % 2 == 0)
            check(6, i, i % 2 == 0)
        }
        let coordinates = QRSpec.alignmentPatternCenters(version: (n - 17) / 4)
        for ay in coordinates {
            for ax in coordinates where !(ax == 6 && ay == 6) && !(ax == 6 && ay == n - 7) && !(ax == n - 7 && ay == 6)
            {
                for y in -2...2 {
                    for x in -2...2 { check(ax + x, ay + y, max(abs(x), abs(y)) != 1) }
                }
            }
        }
        return Double(matches) / Double(max(total, 1))
    }
}

extension QRDetection {
    /// Whether two detections are the same symbol (finder centres within two modules of each other).
    func isSameSymbol(as other: QRDetection) -> Bool {
        let tolerance = 2 * max(moduleSize, other.moduleSize)
        let mine = [topLeft, topRight, bottomLeft]
        let theirs = [other.topLeft, other.topRight, other.bottomLeft]
        return mine.allSatisfy { point in theirs.contains { $0.distance(to: point) <= tolerance } }
    }
}
