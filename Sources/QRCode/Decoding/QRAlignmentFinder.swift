// MARK: - Alignment pattern search (ISO/IEC 18004:2015 §12 g)

/// Finds an alignment pattern (§6.3.6: a dark module in a light 3 × 3 ring in a dark 5 × 5 ring) near the place the
/// finder patterns predict for it. A namespace.
enum QRAlignmentFinder {
    /// The centre of the alignment pattern nearest to `predicted`, searched within squares of the given half-widths
    /// (in modules) around it in turn, or `nil`.
    static func find(_ image: QRBitImage, near predicted: QRPoint, moduleSize: Double, allowances: [Double])
        -> QRPoint?
    {
        // Bounded so that every conversion to Int below is in range.
        guard moduleSize >= 1, moduleSize < 10_000, abs(predicted.x) < 1e7, abs(predicted.y) < 1e7 else { return nil }
        for allowance in allowances {
            let radius = allowance * moduleSize
            if let found = search(image, predicted, moduleSize, radius) { return found }
        }
        return nil
    }

    private static func search(_ image: QRBitImage, _ predicted: QRPoint, _ module: Double, _ radius: Double)
        -> QRPoint?
    {
        let x0 = max(0, Int(predicted.x - radius))
        let x1 = min(image.width - 1, Int(predicted.x + radius))
        let y0 = max(0, Int(predicted.y - radius))
        let y1 = min(image.height - 1, Int(predicted.y + radius))
        guard x0 < x1, y0 < y1 else { return nil }
        var best: (distance: Double, point: QRPoint)?
        var y = y0
        while y <= y1 {
            // Runs along the row segment; look for light, dark, light each about one module.
            var x = x0
            var runs: [(start: Int, length: Int, dark: Bool)] = []
            while x <= x1 {
                let dark = image.isDark(x, y)
                let start = x
                while x <= x1 && image.isDark(x, y) == dark { x += 1 }
                runs.append((start, x - start, dark))
            }
            if runs.count >= 3 {
                for index in 1..<(runs.count - 1)
                where runs[index].dark && !runs[index - 1].dark && !runs[index + 1].dark {
                    guard close(runs[index - 1].length, module), close(runs[index].length, module),
                        close(runs[index + 1].length, module)
                    else { continue }
                    let cx = Double(runs[index].start) + Double(runs[index].length) / 2
                    guard let point = confirm(image, cx: cx, y: y, module: module) else { continue }
                    let distance = point.distance(to: predicted)
                    if distance <= radius && (best == nil || distance < best?.distance ?? .infinity) {
                        best = (distance, point)
                    }
                }
            }
            y += 1
        }
        return best?.point
    }

    @inline(__always)
    private static func close(_ length: Int, _ module: Double) -> Bool {
        abs(Double(length) - module) < module * 0.7
    }

    /// Checks the pattern vertically through (cx, y) — light, dark centre, light, each about a module, with dark
    /// beyond on both sides — and re-centres horizontally.
    private static func confirm(_ image: QRBitImage, cx: Double, y: Int, module: Double) -> QRPoint? {
        let x = Int(cx)
        let limit = Int(module * 2.5) + 1
        guard let vertical = ring(image, x: x, y: y, dx: 0, dy: 1, module: module, limit: limit) else { return nil }
        let cy = Double(y) + vertical + 0.5
        guard let horizontal = ring(image, x: x, y: Int(cy), dx: 1, dy: 0, module: module, limit: limit) else {
            return nil
        }
        return QRPoint(x: Double(x) + horizontal + 0.5, y: cy)
    }

    /// Measures the dark centre through (x, y) along (dx, dy) and the light run and dark edge on each side; returns
    /// the centre's offset from (x, y) in steps.
    private static func ring(_ image: QRBitImage, x: Int, y: Int, dx: Int, dy: Int, module: Double, limit: Int)
        -> Double?
    {
        guard image.isDark(x, y) else { return nil }
        var back = 0
        while back < limit && image.isDark(x - (back + 1) * dx, y - (back + 1) * dy) { back += 1 }
        var forward = 0
        while forward < limit && image.isDark(x + (forward + 1) * dx, y + (forward + 1) * dy) { forward += 1 }
        let center = back + forward + 1
        guard close(center, module) else { return nil }
        for sign in [-1, 1] {
            var step = (sign < 0 ? back : forward) + 1
            var light = 0
            while light <= limit && QRFinderPatternFinder.inside(image, x + sign * step * dx, y + sign * step * dy)
                && !image.isDark(x + sign * step * dx, y + sign * step * dy)
            {
                light += 1
                step += 1
            }
            guard close(light, module),
                image.isDark(x + sign * step * dx, y + sign * step * dy)
            else { return nil }
        }
        return Double(forward - back) / 2
    }
}
