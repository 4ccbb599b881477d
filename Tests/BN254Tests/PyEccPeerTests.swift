import BN254
import Curves
import Fields
import Foundation
import TestSupport
import Testing

/// Cross-checks scalar multiplication and the pairing against py_ecc (Ethereum Foundation), an
/// independent implementation, on random scalars. One Python process per test, many cases each.
@Suite("BN254 vs py_ecc")
struct PyEccPeerTests {
    struct Request: Encodable {
        var g1: [String] = []
        var g2: [String] = []
        var pairings: [[String]] = []
    }

    struct Response: Decodable {
        var g1: [[String]?]
        var g2: [[String]?]
        var pairings: [[String]]
    }

    @Test func scalarMultiplicationMatchesPyEcc() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        var g1Scalars = (0..<40).map { _ in Fr.random(using: &rng) }
        g1Scalars += [.zero, .one, -Fr.one]
        let g2Scalars = (0..<12).map { _ in Fr.random(using: &rng) } + [.zero, -Fr.one]
        let response = try PythonPeer.run(
            "py_ecc_peer",
            Request(
                g1: g1Scalars.map(\.decimalString), g2: g2Scalars.map(\.decimalString)), as: Response.self)

        let g1Points = G1Projective.batchNormalize(g1Scalars.map { G1Projective.generator * $0 })
        for (index, (point, expected)) in zip(g1Points, response.g1).enumerated() {
            if let expected {
                #expect(
                    !point.isInfinity && point.x.decimalString == expected[0] && point.y.decimalString == expected[1],
                    "G1 scalar \(g1Scalars[index]) (seed \(seed))")
            } else {
                #expect(point.isInfinity, "G1 scalar \(g1Scalars[index]) (seed \(seed))")
            }
        }
        let g2Points = G2Projective.batchNormalize(g2Scalars.map { G2Projective.generator * $0 })
        for (index, (point, expected)) in zip(g2Points, response.g2).enumerated() {
            if let expected {
                let actual = [point.x.c0, point.x.c1, point.y.c0, point.y.c1].map(\.decimalString)
                #expect(!point.isInfinity && actual == expected, "G2 scalar \(g2Scalars[index]) (seed \(seed))")
            } else {
                #expect(point.isInfinity, "G2 scalar \(g2Scalars[index]) (seed \(seed))")
            }
        }
        #expect(response.g1.count == g1Scalars.count && response.g2.count == g2Scalars.count)
    }

    @Test func pairingMatchesPyEcc() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let scalars = [(Fr.one, Fr.one)] + (0..<3).map { _ in (Fr.random(using: &rng), Fr.random(using: &rng)) }
        let response = try PythonPeer.run(
            "py_ecc_peer",
            Request(
                pairings: scalars.map { [$0.0.decimalString, $0.1.decimalString] }), as: Response.self)
        #expect(response.pairings.count == scalars.count)
        for ((a, b), coefficients) in zip(scalars, response.pairings) {
            let ours = Pairing.pairing((G1Affine.generator * a).affine, (G2Affine.generator * b).affine)
            let theirs = try PyEccFq12.convert(coefficients)
            // py_ecc raises the Miller value to (p¹² − 1)/r; the Fuentes-Castañeda hard part
            // (like arkworks and gnark) computes the m-th power of that, m = 2u(6u² + 3u + 1).
            #expect(ours == theirs.pow(PyEccFq12.hardPartMultiple), "e(\(a)·G1, \(b)·G2) (seed \(seed))")
        }
    }
}

/// Maps py_ecc's FQ12 = 𝔽ₚ[w]/(w¹² − 18w⁶ + 82) into this library's tower.
///
/// In both, w⁶ = ξ = 9 + u (py_ecc's polynomial is (w⁶ − 9)² + 1), and here v = w², so
/// c0 + c1·w = a0 + b0·w + a1·w² + b1·w³ + a2·w⁴ + b2·w⁵ with aᵢ, bᵢ ∈ 𝔽ₚ². A coefficient dₖ of
/// w^(k+6) (k < 6) contributes dₖ·ξ to w^k.
enum PyEccFq12 {
    /// m = 2u(6u² + 3u + 1) = 1469306990098747947464455738335385361638823152381947992820.
    static let hardPartMultiple: [UInt64] = [0x2e5d_4e22_3dde_daf4, 0x1ea9_6b02_d9d9_e38d, 0x3bec_47df_15e3_07c8]

    static func convert(_ coefficients: [String]) throws -> Fq12 {
        let d = try coefficients.map { string in
            guard let value = Fq(decimalString: string) else {
                throw ExternalPeer.Failure(description: "bad coefficient \(string)")
            }
            return value
        }
        guard d.count == 12 else { throw ExternalPeer.Failure(description: "expected 12 coefficients, got \(d.count)") }
        let w = (0..<6).map { k in Fq2(d[k]) + Fq2(d[k + 6]).multipliedByNonResidue() }
        return Fq12(c0: Fq6(c0: w[0], c1: w[2], c2: w[4]), c1: Fq6(c0: w[1], c1: w[3], c2: w[5]))
    }
}
