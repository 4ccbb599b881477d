// MARK: - Reed–Solomon error correction (ISO/IEC 18004:2015 §7.5.2, §12 step i)

extension ReedSolomon {
    /// Corrects up to `maxErrors` wrong codewords of one block in place and returns how many it changed, or `nil`
    /// when the block is not within `maxErrors` of a codeword (it is then left unchanged).
    ///
    /// The block is `data + ec`, highest power of x first, as the encoder writes it; a codeword has the roots
    /// α⁰…α^(ecCount−1) of the generator polynomial (Annex A). Decoding is the classic chain: syndromes, the error
    /// locator Λ(x) by Berlekamp–Massey, its roots by Chien search, the error values by Forney's formula. The block is
    /// refused when Λ has more than `maxErrors` roots' worth of degree, when Λ does not have exactly deg Λ distinct
    /// roots at positions inside the block, when a value comes out zero, or when the corrected block's syndromes are
    /// not all zero: it never returns a block that is not a codeword.
    ///
    /// - Precondition: `1 ≤ ecCount < block.count ≤ 255` and `2 · maxErrors ≤ ecCount` (the decoder's own table
    ///   values, not input).
    static func correct(_ block: inout [UInt8], ecCount: Int, maxErrors: Int) -> Int? {
        let n = block.count
        precondition(ecCount >= 1 && ecCount < n && n <= 255 && 2 * maxErrors <= ecCount, "bad block shape")
        let exp = exp
        let log = log

        var syndromes = Self.syndromes(of: block, count: ecCount)
        if !syndromes.contains(where: { $0 != 0 }) { return 0 }

        @inline(__always) func mul(_ a: Int, _ b: Int) -> Int {
            a == 0 || b == 0 ? 0 : Int(exp[Int(log[a]) + Int(log[b])])
        }
        @inline(__always) func div(_ a: Int, _ b: Int) -> Int {
            // b != 0 at every call site.
            a == 0 ? 0 : Int(exp[Int(log[a]) + 255 - Int(log[b])])
        }

        // Berlekamp–Massey: the shortest LFSR Λ(x) (lowest power first, Λ₀ = 1) generating the syndromes.
        var locator = [Int](repeating: 0, count: ecCount + 1)
        var previous = [Int](repeating: 0, count: ecCount + 1)
        locator[0] = 1
        previous[0] = 1
        var degree = 0  // L
        var shift = 1  // m
        var previousDiscrepancy = 1  // b
        for step in 0..<ecCount {
            var discrepancy = syndromes[step]
            if degree > 0 {
                for i in 1...degree { discrepancy ^= mul(locator[i], syndromes[step - i]) }
            }
            if discrepancy == 0 {
                shift += 1
                continue
            }
            let factor = div(discrepancy, previousDiscrepancy)
            let saved = locator
            for i in 0...(ecCount - shift) where previous[i] != 0 {
                locator[i + shift] ^= mul(factor, previous[i])
            }
            if 2 * degree <= step {
                degree = step + 1 - degree
                previous = saved
                previousDiscrepancy = discrepancy
                shift = 1
            } else {
                shift += 1
            }
        }
        guard degree >= 1, degree <= maxErrors else { return nil }
        // The locator's actual degree must be L: a shorter polynomial cannot have L roots.
        guard locator[degree] != 0, !locator[(degree + 1)...].contains(where: { $0 != 0 }) else { return nil }

        // Chien search: position p (the coefficient of x^p, array index n − 1 − p) is in error when Λ(α^−p) = 0.
        // Term i of Λ(α^−p) is α^(log Λ_i − i·p); each exponent steps down by i from one p to the next.
        var positions: [Int] = []
        positions.reserveCapacity(degree)
        var exponents = [Int](repeating: -1, count: degree + 1)  // −1 for a zero coefficient
        for i in 0...degree where locator[i] != 0 { exponents[i] = Int(log[locator[i]]) }
        for p in 0..<n {
            var value = 0
            for i in 0...degree where exponents[i] >= 0 {
                value ^= Int(exp[exponents[i]])
                exponents[i] -= i
                if exponents[i] < 0 { exponents[i] += 255 }
            }
            if value == 0 {
                positions.append(p)
                if positions.count > degree { return nil }
            }
        }
        guard positions.count == degree else { return nil }

        // Error evaluator Ω(x) = S(x) Λ(x) mod x^ecCount.
        var evaluator = [Int](repeating: 0, count: ecCount)
        for i in 0..<ecCount where syndromes[i] != 0 {
            for k in 0...degree where i + k < ecCount && locator[k] != 0 {
                evaluator[i + k] ^= mul(syndromes[i], locator[k])
            }
        }

        // Forney with first consecutive root α⁰: e = X · Ω(X⁻¹) / Λ'(X⁻¹), X = α^p.
        var corrected = block
        for p in positions {
            let inverse = (255 - p) % 255
            var omega = 0
            for i in 0..<ecCount where evaluator[i] != 0 {
                omega ^= Int(exp[(Int(log[evaluator[i]]) + inverse * i) % 255])
            }
            // Formal derivative: only odd powers survive in characteristic 2; Λ'(x) = Σ Λ_i x^(i−1), i odd.
            var derivative = 0
            for i in stride(from: 1, through: degree, by: 2) where locator[i] != 0 {
                derivative ^= Int(exp[(Int(log[locator[i]]) + inverse * (i - 1)) % 255])
            }
            guard derivative != 0 else { return nil }
            let magnitude = mul(Int(exp[p]), div(omega, derivative))
            guard magnitude != 0 else { return nil }
            corrected[n - 1 - p] ^= UInt8(magnitude)
        }

        // The result must be a codeword: every syndrome zero.
        syndromes = Self.syndromes(of: corrected, count: ecCount)
        guard !syndromes.contains(where: { $0 != 0 }) else { return nil }
        block = corrected
        return degree
    }

    /// The syndromes S_j = r(α^j), j = 0..<count, of a received block (highest power first): each nonzero
    /// coefficient r_p of x^p adds r_p · α^(j·p) to S_j, stepping the exponent by p from one j to the next, so the
    /// terms are independent of each other (no Horner chain).
    static func syndromes(of block: [UInt8], count: Int) -> [Int] {
        var syndromes = [Int](repeating: 0, count: count)
        let n = block.count
        syndromes.withUnsafeMutableBufferPointer { syndromes in
            block.withUnsafeBufferPointer { block in
                exp.withUnsafeBufferPointer { exp in
                    log.withUnsafeBufferPointer { log in
                        for i in 0..<n where block[i] != 0 {
                            let power = (n - 1 - i) % 255
                            var exponent = Int(log[Int(block[i])])  // log r_p + j · p, kept below 255
                            for j in 0..<count {
                                syndromes[j] ^= Int(exp[exponent])
                                exponent += power
                                if exponent >= 255 { exponent -= 255 }
                            }
                        }
                    }
                }
            }
        }
        return syndromes
    }
}
