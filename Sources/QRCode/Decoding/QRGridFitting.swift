// MARK: - Fitting the sampling grid to the finder outlines and alignment patterns (ISO/IEC 18004:2015 §12 g–h)

/// A point of the symbol (module coordinates, (0, 0) the symbol's top-left corner) and where it was seen in the image.
struct QRCorrespondence: Sendable, Hashable {
    var module: QRPoint
    var image: QRPoint
}

/// Refines the map from module coordinates to pixels beyond the three finder centres: the outer edges of each finder
/// pattern (§6.3.3: a 7 × 7 dark square outline) are located and fitted with lines whose intersections give twelve
/// corner points, the alignment patterns (§6.3.6) are searched where the refined map predicts them, and a
/// perspective transform is fitted to all of them by least squares. A namespace.
enum QRGridFitting {
    /// The four outer corners of the finder pattern whose centre is at module coordinates `center` (3.5 modules from
    /// each edge), located in `image` with `initial` giving the local module directions.
    ///
    /// - Parameter moduleSize: The finder's own module size in pixels, when `initial` is only a rough (affine) map
    ///   whose scale may be wrong this far from where it was fitted; `nil` to trust `initial`'s scale.
    static func finderCorners(
        _ image: QRBitImage, center moduleCenter: QRPoint, initial: QRPerspectiveTransform, moduleSize: Double?
    ) -> [QRCorrespondence] {
        guard let c = initial.apply(moduleCenter.x, moduleCenter.y),
            let right = initial.apply(moduleCenter.x + 1, moduleCenter.y),
            let down = initial.apply(moduleCenter.x, moduleCenter.y + 1)
        else { return [] }
        var ex = QRPoint(x: right.x - c.x, y: right.y - c.y)  // one module along u
        var ey = QRPoint(x: down.x - c.x, y: down.y - c.y)  // one module along v
        if let moduleSize {
            let lengthX = (ex.x * ex.x + ex.y * ex.y).squareRoot()
            let lengthY = (ey.x * ey.x + ey.y * ey.y).squareRoot()
            guard lengthX > 0, lengthY > 0 else { return [] }
            ex = QRPoint(x: ex.x / lengthX * moduleSize, y: ex.y / lengthX * moduleSize)
            ey = QRPoint(x: ey.x / lengthY * moduleSize, y: ey.y / lengthY * moduleSize)
        }
        // Sides: outward direction (in modules) and the lateral direction along the edge.
        let sides: [(out: QRPoint, along: QRPoint)] = [
            (QRPoint(x: -ey.x, y: -ey.y), ex),  // top
            (ex, ey),  // right
            (ey, ex),  // bottom
            (QRPoint(x: -ex.x, y: -ex.y), ey),  // left
        ]
        var lines: [Line?] = []
        for side in sides {
            var points: [QRPoint] = []
            for offset in [-2.0, -1.0, 0.0, 1.0, 2.0] {
                let start = QRPoint(x: c.x + offset * side.along.x, y: c.y + offset * side.along.y)
                if let edge = outerEdge(image, from: start, direction: side.out) { points.append(edge) }
            }
            lines.append(Line.fit(points))
        }
        // Corners: top-left, top-right, bottom-right, bottom-left of the 7 × 7 square.
        let origin = QRPoint(x: moduleCenter.x - 3.5, y: moduleCenter.y - 3.5)
        let pairs: [(Int, Int, Double, Double)] = [(0, 3, 0, 0), (0, 1, 7, 0), (2, 1, 7, 7), (2, 3, 0, 7)]
        var result: [QRCorrespondence] = []
        let moduleLength = (ex.x * ex.x + ex.y * ex.y).squareRoot()
        for (first, second, du, dv) in pairs {
            guard let a = lines[first], let b = lines[second], let corner = a.intersection(b),
                let predicted = initial.apply(origin.x + du, origin.y + dv),
                corner.distance(to: predicted) < 2.5 * max(moduleLength, 1)
            else { continue }
            result.append(QRCorrespondence(module: QRPoint(x: origin.x + du, y: origin.y + dv), image: corner))
        }
        return result
    }

    /// The finder pattern's own frame: its centre and one-module vectors along its own axes, measured from the outer
    /// edges of its dark ring (walking out from the centre row and column and from rows 1.5 modules to each side).
    /// Strong perspective turns and scales each finder differently from the symbol's average axes `ex`, `ey`;
    /// `nil` when the edges are not found.
    static func localFrame(_ image: QRBitImage, center: QRPoint, ex: QRPoint, ey: QRPoint)
        -> (center: QRPoint, ex: QRPoint, ey: QRPoint)?
    {
        func edges(_ out: QRPoint, _ along: QRPoint) -> [QRPoint]? {
            var points: [QRPoint] = []
            for offset in [-1.5, 0, 1.5] {
                let start = QRPoint(x: center.x + offset * along.x, y: center.y + offset * along.y)
                guard let edge = outerEdge(image, from: start, direction: out) else { return nil }
                points.append(edge)
            }
            return points
        }
        let minus = { (p: QRPoint) in QRPoint(x: -p.x, y: -p.y) }
        guard let right = edges(ex, ey), let left = edges(minus(ex), ey), let bottom = edges(ey, ex),
            let top = edges(minus(ey), ex)
        else { return nil }
        // Module vectors: across the pattern (7 modules) through the centre; directions along the side edges.
        let across = QRPoint(x: (right[1].x - left[1].x) / 7, y: (right[1].y - left[1].y) / 7)
        let down = QRPoint(x: (bottom[1].x - top[1].x) / 7, y: (bottom[1].y - top[1].y) / 7)
        let middle = QRPoint(
            x: (right[1].x + left[1].x + bottom[1].x + top[1].x) / 4,
            y: (right[1].y + left[1].y + bottom[1].y + top[1].y) / 4)
        // Side edges give the perpendicular axis' direction; keep the measured lengths.
        func direction(_ a: QRPoint, _ b: QRPoint, _ c: QRPoint, _ d: QRPoint, length: Double) -> QRPoint {
            let dx = (b.x - a.x) + (d.x - c.x)
            let dy = (b.y - a.y) + (d.y - c.y)
            let norm = (dx * dx + dy * dy).squareRoot()
            guard norm > 0 else { return QRPoint(x: 0, y: 0) }
            return QRPoint(x: dx / norm * length, y: dy / norm * length)
        }
        let lengthX = (across.x * across.x + across.y * across.y).squareRoot()
        let lengthY = (down.x * down.x + down.y * down.y).squareRoot()
        let localX = direction(top[0], top[2], bottom[0], bottom[2], length: lengthX)
        let localY = direction(left[0], left[2], right[0], right[2], length: lengthY)
        guard lengthX > 0.5, lengthY > 0.5 else { return nil }
        return (middle, localX, localY)
    }

    /// Walks from a finder centre's row or column outwards (`direction` is one module) through the light ring and the
    /// dark outer ring; returns the point where the dark ring ends (3.5 modules out), or `nil`.
    static func outerEdge(_ image: QRBitImage, from start: QRPoint, direction: QRPoint) -> QRPoint? {
        let length = (direction.x * direction.x + direction.y * direction.y).squareRoot()
        // At least half a pixel per module (so the walk advances) and at most 10⁴ (so it has at most ~10⁵ steps).
        guard length >= 0.5, length <= 10_000 else { return nil }
        let step = 0.5 / length  // half a pixel, in modules
        var t = 2.0
        var sawDark = false
        var lastDark = 0.0
        while t < 5.0 {
            let dark = image.isDark(at: start.x + t * direction.x, start.y + t * direction.y)
            if dark {
                sawDark = true
                lastDark = t
            } else if sawDark {
                let edge = (lastDark + t) / 2
                guard edge > 2.6, edge < 4.5 else { return nil }
                return QRPoint(x: start.x + edge * direction.x, y: start.y + edge * direction.y)
            }
            t += step
        }
        return nil
    }

    /// A straight line through `point` along the unit vector `direction`.
    struct Line {
        var point: QRPoint
        var direction: QRPoint

        /// The total-least-squares line through at least three points, refitted once without its worst point when
        /// that point lies more than a pixel off.
        static func fit(_ points: [QRPoint]) -> Line? {
            guard points.count >= 3 else { return nil }
            guard let line = principal(points) else { return nil }
            let residuals = points.map { line.distance($0) }
            if let worst = residuals.indices.max(by: { residuals[$0] < residuals[$1] }), residuals[worst] > 1,
                points.count > 3
            {
                var rest = points
                rest.remove(at: worst)
                return principal(rest)
            }
            return line
        }

        private static func principal(_ points: [QRPoint]) -> Line? {
            let n = Double(points.count)
            let mx = points.reduce(0) { $0 + $1.x } / n
            let my = points.reduce(0) { $0 + $1.y } / n
            var sxx = 0.0
            var syy = 0.0
            var sxy = 0.0
            for p in points {
                sxx += (p.x - mx) * (p.x - mx)
                syy += (p.y - my) * (p.y - my)
                sxy += (p.x - mx) * (p.y - my)
            }
            guard sxx + syy > 1e-9 else { return nil }
            // Principal eigenvector of the covariance [[sxx, sxy], [sxy, syy]].
            let half = (sxx - syy) / 2
            let lambda = (sxx + syy) / 2 + (half * half + sxy * sxy).squareRoot()
            let first = QRPoint(x: sxy, y: lambda - sxx)
            let second = QRPoint(x: lambda - syy, y: sxy)
            let v = first.x * first.x + first.y * first.y >= second.x * second.x + second.y * second.y ? first : second
            let norm = (v.x * v.x + v.y * v.y).squareRoot()
            guard norm > 1e-12 else { return nil }
            return Line(point: QRPoint(x: mx, y: my), direction: QRPoint(x: v.x / norm, y: v.y / norm))
        }

        func distance(_ p: QRPoint) -> Double {
            abs((p.x - point.x) * direction.y - (p.y - point.y) * direction.x)
        }

        func intersection(_ other: Line) -> QRPoint? {
            let denominator = direction.x * other.direction.y - direction.y * other.direction.x
            guard abs(denominator) > 0.2 else { return nil }  // nearly parallel: not two sides of a square
            let dx = other.point.x - point.x
            let dy = other.point.y - point.y
            let t = (dx * other.direction.y - dy * other.direction.x) / denominator
            return QRPoint(x: point.x + t * direction.x, y: point.y + t * direction.y)
        }
    }

    // MARK: Least-squares perspective fit

    /// The perspective transform (module → image) that best fits the correspondences in the least-squares sense
    /// (direct linear transform with h₃₃ = 1 on normalised coordinates), or `nil` with fewer than four or when
    /// degenerate.
    static func fit(_ points: [QRCorrespondence], moduleScale: Double) -> QRPerspectiveTransform? {
        guard points.count >= 4, moduleScale > 0 else { return nil }
        // Normalise: module coordinates to about 0…1, image coordinates centred and scaled to about ±1.
        let n = Double(points.count)
        let cx = points.reduce(0) { $0 + $1.image.x } / n
        let cy = points.reduce(0) { $0 + $1.image.y } / n
        let spread = points.reduce(0) { $0 + $1.image.distance(to: QRPoint(x: cx, y: cy)) } / n
        guard spread > 1e-6 else { return nil }
        var ata = [Double](repeating: 0, count: 64)
        var atb = [Double](repeating: 0, count: 8)
        for p in points {
            let u = p.module.x / moduleScale
            let v = p.module.y / moduleScale
            let x = (p.image.x - cx) / spread
            let y = (p.image.y - cy) / spread
            let rows: [([Double], Double)] = [
                ([u, v, 1, 0, 0, 0, -u * x, -v * x], x),
                ([0, 0, 0, u, v, 1, -u * y, -v * y], y),
            ]
            for (row, rhs) in rows {
                for i in 0..<8 {
                    atb[i] += row[i] * rhs
                    for j in 0..<8 { ata[i * 8 + j] += row[i] * row[j] }
                }
            }
        }
        guard let h = solve(ata, atb) else { return nil }
        let normalised = QRPerspectiveTransform(
            a: h[0], b: h[1], c: h[2], d: h[3], e: h[4], f: h[5], g: h[6], h: h[7], i: 1)
        let fromModules = QRPerspectiveTransform(
            a: 1 / moduleScale, b: 0, c: 0, d: 0, e: 1 / moduleScale, f: 0, g: 0, h: 0, i: 1)
        let toImage = QRPerspectiveTransform(a: spread, b: 0, c: cx, d: 0, e: spread, f: cy, g: 0, h: 0, i: 1)
        return toImage.after(normalised).after(fromModules)
    }

    /// Solves the 8 × 8 system by Gaussian elimination with partial pivoting; `nil` when singular.
    private static func solve(_ matrix: [Double], _ rhs: [Double]) -> [Double]? {
        var a = matrix
        var b = rhs
        let n = 8
        for column in 0..<n {
            var pivot = column
            for row in column + 1..<n where abs(a[row * n + column]) > abs(a[pivot * n + column]) { pivot = row }
            guard abs(a[pivot * n + column]) > 1e-12 else { return nil }
            if pivot != column {
                for k in 0..<n { a.swapAt(pivot * n + k, column * n + k) }
                b.swapAt(pivot, column)
            }
            for row in column + 1..<n {
                let factor = a[row * n + column] / a[column * n + column]
                guard factor != 0 else { continue }
                for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in row + 1..<n { sum -= a[row * n + k] * x[k] }
            x[row] = sum / a[row * n + row]
        }
        return x.allSatisfy { $0.isFinite } ? x : nil
    }

    /// Mean distance in pixels between where `transform` puts the module points and where they were seen.
    static func residual(_ transform: QRPerspectiveTransform, _ points: [QRCorrespondence]) -> Double {
        var total = 0.0
        for p in points {
            guard let mapped = transform.apply(p.module.x, p.module.y) else { return .infinity }
            total += mapped.distance(to: p.image)
        }
        return total / Double(max(points.count, 1))
    }
}
