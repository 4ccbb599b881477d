// MARK: - Binarisation (ISO/IEC 18004:2015 §12 a)

/// A binarised image: one byte per pixel, 1 = dark, 0 = light. Reading outside the image gives light.
struct QRBitImage: Sendable {
    let width: Int
    let height: Int
    var bits: [UInt8]

    /// Whether the pixel at (x, y) is dark; outside the image, light.
    @inline(__always)
    func isDark(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < height else { return false }
        return bits[y &* width &+ x] != 0
    }

    /// Whether the pixel containing the point (x, y) is dark; outside the image (or not finite), light.
    @inline(__always)
    func isDark(at x: Double, _ y: Double) -> Bool {
        guard x >= 0, y >= 0, x < Double(width), y < Double(height) else { return false }
        return bits[Int(y) &* width &+ Int(x)] != 0
    }

    /// The image with dark and light exchanged: a light-on-dark symbol becomes a dark-on-light one (§6.2: reflectance
    /// reversal is allowed and readers are expected to handle it).
    func inverted() -> QRBitImage {
        var result = bits
        result.withUnsafeMutableBufferPointer { bits in
            for index in bits.indices { bits[index] ^= 1 }
        }
        return QRBitImage(width: width, height: height, bits: result)
    }

    /// The image mirrored about its main diagonal (rows become columns), so that a column scan is a row scan.
    func transposed() -> QRBitImage {
        var result = [UInt8](repeating: 0, count: bits.count)
        bits.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                // In 32 × 32 tiles, so that both sides stay in cache.
                for y0 in stride(from: 0, to: height, by: 32) {
                    for x0 in stride(from: 0, to: width, by: 32) {
                        for y in y0..<min(y0 &+ 32, height) {
                            for x in x0..<min(x0 &+ 32, width) { target[x &* height &+ y] = source[y &* width &+ x] }
                        }
                    }
                }
            }
        }
        return QRBitImage(width: height, height: width, bits: result)
    }
}

/// Turns luminance into dark/light pixels. §12 a) asks for a global threshold midway between the lightest and the
/// darkest reflectance; a phone camera's uneven light needs a local one, so the detector tries several methods in
/// turn. A namespace.
enum QRBinarizer {
    /// The binarisation methods, in the order a reader tries them.
    enum Method: Sendable, CaseIterable {
        /// Local thresholds from 8 × 8-pixel blocks averaged over 5 × 5 neighbouring blocks (copes with shadows and
        /// gradients), falling back to neighbouring blocks where a block has no contrast.
        case local
        /// One threshold for the whole image, chosen by Otsu's method (best for even light and very low contrast).
        case global
        /// ``local`` on the image after a 3 × 3 box blur (suppresses sensor noise and JPEG ringing).
        case smoothedLocal
        /// Local thresholds from each block's midrange (darkest + lightest) / 2 instead of its mean: keeps the widths
        /// of blurred runs, where a mean pulled towards the majority colour would shift every edge.
        case localMidrange
    }

    static func binarize(_ image: QRGrayImage, _ method: Method) -> QRBitImage {
        switch method {
        case .local: local(image.pixels, image.width, image.height)
        case .global: global(image)
        case .smoothedLocal: local(boxBlur(image), image.width, image.height)
        case .localMidrange: local(image.pixels, image.width, image.height, midrange: true)
        }
    }

    /// Block edge in pixels.
    static let blockSize = 8
    /// A block whose darkest and lightest pixels differ by less than this is treated as having no contrast.
    static let minimumContrast = 24

    /// Local thresholds: each 8 × 8 block with contrast (darkest and lightest pixels at least ``minimumContrast``
    /// apart) contributes its mean; each pixel is compared with the average over the blocks with contrast among the
    /// 5 × 5 blocks around its own. Where none of them has contrast (inside a large module, or in a blank area), the
    /// global Otsu threshold decides.
    static func local(_ pixels: [UInt8], _ width: Int, _ height: Int, midrange: Bool = false) -> QRBitImage {
        let fallback = otsu(pixels)
        // Tiny images: blocks would be meaningless.
        guard width >= 5 * blockSize, height >= 5 * blockSize else { return threshold(pixels, width, height, fallback) }
        let columns = (width + blockSize - 1) / blockSize
        let rows = (height + blockSize - 1) / blockSize
        // Prefix sums (one row and column of zeros in front) of the contrasted blocks' means and of their count.
        let stride = columns + 1
        var meanSums = [Int](repeating: 0, count: (rows + 1) * stride)
        var countSums = [Int](repeating: 0, count: (rows + 1) * stride)
        // Block statistics eight pixels at a time (`blockSize` is 8): one SIMD load per block row.
        pixels.withUnsafeBytes { pixels in
            for by in 0..<rows {
                // Edge blocks are shifted inwards so that every block is full.
                let y0 = min(by * blockSize, height - blockSize)
                for bx in 0..<columns {
                    let x0 = min(bx * blockSize, width - blockSize)
                    var low = SIMD8<UInt8>(repeating: 255)
                    var high = SIMD8<UInt8>(repeating: 0)
                    var sums = SIMD8<UInt16>(repeating: 0)
                    for y in y0..<y0 + blockSize {
                        let values = pixels.loadUnaligned(fromByteOffset: y * width + x0, as: SIMD8<UInt8>.self)
                        low = pointwiseMin(low, values)
                        high = pointwiseMax(high, values)
                        sums &+= SIMD8<UInt16>(truncatingIfNeeded: values)
                    }
                    let (darkest, lightest) = (Int(low.min()), Int(high.max()))
                    let contrasted = lightest - darkest >= minimumContrast
                    let sum = Int(sums.wrappedSum())  // at most 64 · 255: no wrap
                    let cell = (by + 1) * stride + bx + 1
                    meanSums[cell] =
                        (contrasted ? (midrange ? (darkest + lightest) / 2 : sum / (blockSize * blockSize)) : 0)
                        + meanSums[cell - 1] + meanSums[cell - stride]
                        - meanSums[cell - stride - 1]
                    countSums[cell] =
                        (contrasted ? 1 : 0) + countSums[cell - 1] + countSums[cell - stride]
                        - countSums[cell - stride - 1]
                }
            }
        }
        var bits = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeBytes { pixels in
            bits.withUnsafeMutableBytes { bits in
                meanSums.withUnsafeBufferPointer { meanSums in
                    countSums.withUnsafeBufferPointer { countSums in
                        for by in 0..<rows {
                            let top = max(by - 2, 0) * stride
                            let bottom = min(by + 3, rows) * stride
                            let y0 = min(by * blockSize, height - blockSize)
                            for bx in 0..<columns {
                                let left = max(bx - 2, 0)
                                let right = min(bx + 3, columns)
                                let count =
                                    countSums[bottom + right] - countSums[top + right] - countSums[bottom + left]
                                    + countSums[top + left]
                                let threshold =
                                    count > 0
                                    ? (meanSums[bottom + right] - meanSums[top + right] - meanSums[bottom + left]
                                        + meanSums[top + left]) / count
                                    : fallback
                                // Means of bytes: 0 ... 255, one byte compare per pixel.
                                let level = UInt8(clamping: threshold)
                                let x0 = min(bx * blockSize, width - blockSize)
                                let levels = SIMD8<UInt8>(repeating: level)
                                for y in y0..<y0 + blockSize {
                                    let row = y * width + x0
                                    let values = pixels.loadUnaligned(fromByteOffset: row, as: SIMD8<UInt8>.self)
                                    bits.storeBytes(
                                        of: SIMD8<UInt8>(repeating: 0).replacing(with: 1, where: values .<= levels),
                                        toByteOffset: row, as: SIMD8<UInt8>.self)
                                }
                            }
                        }
                    }
                }
            }
        }
        return QRBitImage(width: width, height: height, bits: bits)
    }

    /// One threshold for the whole image by Otsu's method.
    static func global(_ image: QRGrayImage) -> QRBitImage {
        threshold(image.pixels, image.width, image.height, otsu(image.pixels))
    }

    /// Pixels at or below `level` are dark.
    static func threshold(_ pixels: [UInt8], _ width: Int, _ height: Int, _ level: Int) -> QRBitImage {
        var bits = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { pixels in
            bits.withUnsafeMutableBufferPointer { bits in
                for index in pixels.indices where Int(pixels[index]) <= level { bits[index] = 1 }
            }
        }
        return QRBitImage(width: width, height: height, bits: bits)
    }

    /// Otsu's threshold: the level that maximises the between-class variance of the histogram.
    static func otsu(_ pixels: [UInt8]) -> Int {
        var histogram = [Int](repeating: 0, count: 256)
        // Four partial histograms, so that runs of equal pixels do not wait on one counter's store.
        var partial = [Int](repeating: 0, count: 4 * 256)
        pixels.withUnsafeBufferPointer { pixels in
            partial.withUnsafeMutableBufferPointer { partial in
                let quads = pixels.count / 4
                for quad in 0..<quads {
                    let base = quad &* 4
                    partial[Int(pixels[base])] &+= 1
                    partial[256 &+ Int(pixels[base &+ 1])] &+= 1
                    partial[512 &+ Int(pixels[base &+ 2])] &+= 1
                    partial[768 &+ Int(pixels[base &+ 3])] &+= 1
                }
                for index in quads * 4..<pixels.count { partial[Int(pixels[index])] &+= 1 }
            }
        }
        for level in 0..<256 {
            histogram[level] = partial[level] + partial[256 + level] + partial[512 + level] + partial[768 + level]
        }
        let total = Double(pixels.count)
        var totalSum = 0.0
        for (level, count) in histogram.enumerated() { totalSum += Double(level * count) }
        var best = 127
        var bestVariance = -1.0
        var weightBelow = 0.0
        var sumBelow = 0.0
        for level in 0..<255 {
            weightBelow += Double(histogram[level])
            sumBelow += Double(level * histogram[level])
            let weightAbove = total - weightBelow
            guard weightBelow > 0, weightAbove > 0 else { continue }
            let meanBelow = sumBelow / weightBelow
            let meanAbove = (totalSum - sumBelow) / weightAbove
            let variance = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if variance > bestVariance {
                bestVariance = variance
                best = level
            }
        }
        return best
    }

    /// A 3 × 3 box blur (edges replicate).
    static func boxBlur(_ image: QRGrayImage) -> [UInt8] {
        let (width, height) = (image.width, image.height)
        var horizontal = [UInt16](repeating: 0, count: width * height)
        var result = [UInt8](repeating: 0, count: width * height)
        image.pixels.withUnsafeBufferPointer { pixels in
            horizontal.withUnsafeMutableBufferPointer { sums in
                for y in 0..<height {
                    let row = y * width
                    for x in 0..<width {
                        let left = Int(pixels[row + max(x - 1, 0)])
                        let right = Int(pixels[row + min(x + 1, width - 1)])
                        sums[row + x] = UInt16(left + Int(pixels[row + x]) + right)
                    }
                }
            }
            horizontal.withUnsafeBufferPointer { sums in
                result.withUnsafeMutableBufferPointer { out in
                    for y in 0..<height {
                        let up = max(y - 1, 0) * width
                        let row = y * width
                        let down = min(y + 1, height - 1) * width
                        for x in 0..<width {
                            out[row + x] = UInt8((Int(sums[up + x]) + Int(sums[row + x]) + Int(sums[down + x]) + 4) / 9)
                        }
                    }
                }
            }
        }
        return result
    }
}
