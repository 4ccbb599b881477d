import Testing

@testable import QRCode

@Suite("Reed–Solomon over GF(256) (ISO/IEC 18004:2015 §7.5.2, Annex A)")
struct ReedSolomonTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String
        let mode: String
        let payload: String
        let version: Int
        let level: String
        let data: String
        let ec: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] =
        (try? TestResources.load(VectorFile<Vector>.self, from: "reed-solomon.json").entries) ?? []

    /// Carry-less multiplication reduced by x⁸ + x⁴ + x³ + x² + 1: the field product from first principles.
    static func referenceMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product: UInt16 = 0
        for bit in 0..<8 where b >> bit & 1 == 1 { product ^= UInt16(a) << bit }
        for bit in stride(from: 15, through: 8, by: -1) where product >> bit & 1 == 1 {
            product ^= 0x11D << (bit - 8)
        }
        return UInt8(product)
    }

    /// Evaluates a polynomial given highest power first at `x` (Horner's rule).
    static func evaluate(_ coefficients: [UInt8], at x: UInt8) -> UInt8 {
        coefficients.reduce(0) { ReedSolomon.multiply($0, x) ^ $1 }
    }

    @Test("exp and log tables are inverse bijections onto the non-zero elements")
    func fieldTables() {
        #expect(Set(ReedSolomon.exp[0..<255]).count == 255)
        #expect(!ReedSolomon.exp[0..<255].contains(0))
        for i in 0..<255 {
            #expect(Int(ReedSolomon.log[Int(ReedSolomon.exp[i])]) == i)
        }
        // α = 2 is primitive: its powers repeat only after 255 steps.
        #expect(ReedSolomon.exp[255] == 1)
    }

    @Test("multiplication equals carry-less multiplication modulo x^8+x^4+x^3+x^2+1 for all pairs")
    func multiplication() {
        var mismatches = 0
        for a in 0...255 {
            for b in 0...255
            where ReedSolomon.multiply(UInt8(a), UInt8(b)) != Self.referenceMultiply(UInt8(a), UInt8(b)) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("generator polynomial of degree n has roots α^0 … α^(n−1) and no zero coefficient")
    func generatorRoots() {
        for degree in 1...30 {
            let polynomial = [1] + ReedSolomon.generatorPolynomial(degree: degree)
            #expect(!polynomial.contains(0), "degree \(degree)")
            for k in 0..<degree {
                #expect(Self.evaluate(polynomial, at: ReedSolomon.exp[k]) == 0, "degree \(degree), root α^\(k)")
            }
            #expect(Self.evaluate(polynomial, at: ReedSolomon.exp[degree]) != 0, "degree \(degree) has an extra root")
        }
    }

    @Test("EC codewords and data codewords match the published examples", arguments: vectors)
    func publishedVector(_ vector: Vector) throws {
        let data = try #require([UInt8](hex: vector.data))
        let ec = try #require([UInt8](hex: vector.ec))
        #expect(ReedSolomon.remainder(of: data[...], ecCount: ec.count) == ec)

        let segment =
            vector.mode == "numeric"
            ? try QRSegment.numeric(vector.payload) : try QRSegment.alphanumeric(vector.payload)
        let level = try #require(QRErrorCorrection.allCases.first { String($0.letter) == vector.level })
        let codewords = QRCode.dataCodewords(for: [segment], version: vector.version, level: level)
        #expect(codewords == data)
        // Version 1 has a single block, so the final sequence is the data followed by the EC codewords.
        #expect(QRCode.finalCodewords(data: codewords, version: vector.version, level: level) == data + ec)
    }

    @Test("every codeword polynomial of random blocks vanishes at the generator's roots")
    func randomCodewords() {
        var random = SeededGenerator(salt: 1)
        for _ in 0..<200 {
            let ecCount = Int.random(in: 7...30, using: &random)
            let data = (0..<Int.random(in: 1...150, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let codeword = data + ReedSolomon.remainder(of: data[...], ecCount: ecCount)
            for k in 0..<ecCount {
                #expect(Self.evaluate(codeword, at: ReedSolomon.exp[k]) == 0, "ecCount \(ecCount), root α^\(k)")
            }
        }
    }

    @Test("the vector file holds both published examples")
    func vectorsLoaded() {
        #expect(Self.vectors.count == 2)
    }
}
