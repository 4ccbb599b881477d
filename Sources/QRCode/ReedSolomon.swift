// MARK: - Reed–Solomon error correction over GF(2⁸) (ISO/IEC 18004:2015 §7.5.2, Annex A)

/// Systematic Reed–Solomon encoder used for QR code error-correction codewords. A namespace.
///
/// Arithmetic is in GF(2⁸) modulo the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (§7.5.2), and the
/// generator polynomial of degree n is g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) with α = 2 (Annex A).
enum ReedSolomon {
    /// x⁸ + x⁴ + x³ + x² + 1, the field's primitive polynomial (§7.5.2), as a bit mask.
    static let primitivePolynomial = 0x11D

    /// αⁱ for i in 0..<510: the exponent table doubled so that `exp[log a + log b]` needs no `mod 255`.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= primitivePolynomial }
        }
        return table
    }()

    /// log_α(x) for x in 1...255; `log[0]` is unused (zero has no logarithm).
    static let log: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = UInt8(i) }
        return table
    }()

    /// Product of two field elements.
    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exp[Int(log[Int(a)]) + Int(log[Int(b)])]
    }

    /// Coefficients of the monic generator polynomial of the given degree, highest power first
    /// and without the leading 1: g(x) = xⁿ + c[0]xⁿ⁻¹ + … + c[n−1] (Annex A).
    static func generatorPolynomial(degree: Int) -> [UInt8] {
        precondition((1...255).contains(degree), "Reed–Solomon degree must be in 1...255")
        // Multiply out (x − α⁰)…(x − αⁿ⁻¹) one factor at a time; in GF(2⁸) subtraction is XOR.
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1  // the polynomial "1", stored right-aligned
        var root: UInt8 = 1  // α⁰
        for _ in 0..<degree {
            for j in 0..<degree {
                coefficients[j] = multiply(coefficients[j], root)
                if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
            }
            root = multiply(root, 2)
        }
        return coefficients
    }

    /// Generator polynomials for every EC block length that Table 9 uses (7...30), precomputed
    /// in logarithm form so that encoding multiplies by table look-up and addition. None of their
    /// coefficients is zero (Annex A lists each as a power of α), so every logarithm exists.
    static let generatorLogs: [[UInt8]] = (0...30).map { degree in
        degree < 1 ? [] : logForm(generatorPolynomial(degree: degree))
    }

    private static func logForm(_ coefficients: [UInt8]) -> [UInt8] {
        coefficients.map { coefficient in
            precondition(coefficient != 0, "generator coefficient without a logarithm")
            return log[Int(coefficient)]
        }
    }

    /// The `ecCount` error-correction codewords for `data`: the remainder of data(x) · x^ecCount
    /// divided by the generator polynomial (§7.5.2), computed with a shift-register division.
    static func remainder(of data: ArraySlice<UInt8>, ecCount: Int) -> [UInt8] {
        precondition(ecCount >= 1, "a Reed–Solomon block needs at least one EC codeword")
        let generator =
            ecCount < generatorLogs.count
            ? generatorLogs[ecCount]
            : logForm(generatorPolynomial(degree: ecCount))
        var result = [UInt8](repeating: 0, count: ecCount)
        result.withUnsafeMutableBufferPointer { rem in
            generator.withUnsafeBufferPointer { gen in
                exp.withUnsafeBufferPointer { exp in
                    log.withUnsafeBufferPointer { log in
                        for byte in data {
                            let factor = byte ^ rem[0]
                            // Shift the register by one codeword, then subtract factor · g(x).
                            for j in 1..<ecCount { rem[j - 1] = rem[j] }
                            rem[ecCount - 1] = 0
                            guard factor != 0 else { continue }
                            let logFactor = Int(log[Int(factor)])
                            for j in 0..<ecCount {
                                rem[j] ^= exp[Int(gen[j]) + logFactor]
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
