import BN254
import Benchmark
import Curves
import Fields

// MARK: - BN254 benchmarks

// Setup (random inputs, preparatory scalar multiplications) runs before
// `benchmark.startMeasurement()`, so only the operation itself is timed.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        maxDuration: .seconds(3)
    )

    // MARK: Fields

    Benchmark("Fq mul ×1000", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var x = Fq.random()
        let y = Fq.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { x *= y }
        blackHole(x)
    }

    Benchmark("Fr mul ×1000", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var x = Fr.random()
        let y = Fr.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { x *= y }
        blackHole(x)
    }

    Benchmark("Fr inverse") { benchmark in
        var x = Fr.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { x = x.inverse() ?? .one }
        blackHole(x)
    }

    Benchmark("Fq12 mul") { benchmark in
        var x = Fq12.random()
        let y = Fq12.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { x *= y }
        blackHole(x)
    }

    // MARK: Groups

    Benchmark("G1 scalar mul") { benchmark in
        var p = G1Projective.generator * Fr.random()
        let s = Fr.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { p = p * s }
        blackHole(p)
    }

    Benchmark("G2 scalar mul") { benchmark in
        var p = G2Projective.generator * Fr.random()
        let s = Fr.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { p = p * s }
        blackHole(p)
    }

    Benchmark("G2 subgroup check") { benchmark in
        let p = G2Projective.generator * Fr.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(p.isInPrimeOrderSubgroup) }
    }

    Benchmark("G1 MSM n=1024") { benchmark in
        let points = G1Projective.batchNormalize((0..<1024).map { _ in G1Projective.generator * Fr.random() })
        let scalars = (0..<1024).map { _ in Fr.random() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(G1Projective.multiScalarMultiplication(points, scalars)) }
    }

    // MARK: Pairing

    let p = (G1Affine.generator * Fr.random()).affine
    let q = (G2Affine.generator * Fr.random()).affine
    let prepared = G2Prepared(q)

    Benchmark("G2 prepare") { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(G2Prepared(q)) }
    }

    Benchmark("Miller loop (prepared)") { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Pairing.multiMillerLoop([(p, prepared)])) }
    }

    Benchmark("Final exponentiation") { benchmark in
        let f = Pairing.multiMillerLoop([(p, prepared)])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Pairing.finalExponentiation(f)) }
    }

    Benchmark("Pairing") { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Pairing.pairing(p, q)) }
    }

    // A Groth16 verification is a 4-pair check with prepared (verifying-key) G2 points.
    Benchmark("4-pair pairing check (prepared)") { benchmark in
        let pairs = (0..<4).map { _ in
            ((G1Affine.generator * Fr.random()).affine, G2Prepared((G2Affine.generator * Fr.random()).affine))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(Pairing.pairingCheck(pairs)) }
    }
}
