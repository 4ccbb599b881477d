// MARK: - Perspective transform (ISO/IEC 18004:2015 §12 e–h: mapping the sampling grid)

/// A plane projective transform (homography) `(x, y) ↦ ((a·x + b·y + c) / w, (d·x + e·y + f) / w)` with
/// `w = g·x + h·y + i`, the map from module coordinates of a symbol to pixel coordinates of a photo of it.
struct QRPerspectiveTransform: Sendable, Hashable {
    var a, b, c, d, e, f, g, h, i: Double

    /// The transform taking the unit square (0,0), (1,0), (1,1), (0,1) to the quadrilateral `p0…p3`
    /// (Heckbert, "Fundamentals of Texture Mapping and Image Warping", 1989, §2.2.3).
    static func squareToQuad(_ p: [QRPoint]) -> QRPerspectiveTransform? {
        guard p.count == 4 else { return nil }
        let dx3 = p[0].x - p[1].x + p[2].x - p[3].x
        let dy3 = p[0].y - p[1].y + p[2].y - p[3].y
        if abs(dx3) < 1e-9 && abs(dy3) < 1e-9 {
            // Affine.
            return QRPerspectiveTransform(
                a: p[1].x - p[0].x, b: p[2].x - p[1].x, c: p[0].x, d: p[1].y - p[0].y, e: p[2].y - p[1].y,
                f: p[0].y, g: 0, h: 0, i: 1)
        }
        let dx1 = p[1].x - p[2].x
        let dx2 = p[3].x - p[2].x
        let dy1 = p[1].y - p[2].y
        let dy2 = p[3].y - p[2].y
        let denominator = dx1 * dy2 - dx2 * dy1
        guard abs(denominator) > 1e-12 else { return nil }
        let g = (dx3 * dy2 - dx2 * dy3) / denominator
        let h = (dx1 * dy3 - dx3 * dy1) / denominator
        return QRPerspectiveTransform(
            a: p[1].x - p[0].x + g * p[1].x, b: p[3].x - p[0].x + h * p[3].x, c: p[0].x,
            d: p[1].y - p[0].y + g * p[1].y, e: p[3].y - p[0].y + h * p[3].y, f: p[0].y, g: g, h: h, i: 1)
    }

    /// The inverse map (the adjugate matrix: a scalar multiple of the inverse, which is the same projective map).
    var adjugate: QRPerspectiveTransform {
        QRPerspectiveTransform(
            a: e * i - f * h, b: c * h - b * i, c: b * f - c * e,
            d: f * g - d * i, e: a * i - c * g, f: c * d - a * f,
            g: d * h - e * g, h: b * g - a * h, i: a * e - b * d)
    }

    /// `self` applied after `other`.
    func after(_ other: QRPerspectiveTransform) -> QRPerspectiveTransform {
        let o = other
        return QRPerspectiveTransform(
            a: a * o.a + b * o.d + c * o.g, b: a * o.b + b * o.e + c * o.h, c: a * o.c + b * o.f + c * o.i,
            d: d * o.a + e * o.d + f * o.g, e: d * o.b + e * o.e + f * o.h, f: d * o.c + e * o.f + f * o.i,
            g: g * o.a + h * o.d + i * o.g, h: g * o.b + h * o.e + i * o.h, i: g * o.c + h * o.f + i * o.i)
    }

    /// The transform taking quadrilateral `from` to quadrilateral `to` (four points each, in the same order).
    static func quadToQuad(_ from: [QRPoint], _ to: [QRPoint]) -> QRPerspectiveTransform? {
        guard let source = squareToQuad(from), let target = squareToQuad(to) else { return nil }
        return target.after(source.adjugate)
    }

    /// The image of `(x, y)`, or `nil` on or behind the horizon.
    @inline(__always)
    func apply(_ x: Double, _ y: Double) -> QRPoint? {
        let w = g * x + h * y + i
        guard abs(w) > 1e-12 else { return nil }
        let px = (a * x + b * y + c) / w
        let py = (d * x + e * y + f) / w
        guard px.isFinite, py.isFinite else { return nil }
        return QRPoint(x: px, y: py)
    }
}
