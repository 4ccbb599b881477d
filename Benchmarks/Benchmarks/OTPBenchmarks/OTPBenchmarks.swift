import Benchmark
import OTP

// MARK: - OTP benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    for algorithm in OTPAlgorithm.allCases {
        let totp = try! TOTP(secret: .generate(for: algorithm), algorithm: algorithm)
        let now: Int64 = 1_900_000_000

        Benchmark("TOTP generate \(algorithm.rawValue)") { benchmark in
            for i in benchmark.scaledIterations {
                blackHole(totp.code(step: UInt64(i)))
            }
        }

        // Worst case for a verifier: a wrong code, so all three steps of the ±1 window are computed and compared.
        Benchmark("TOTP verify ±1 (wrong code) \(algorithm.rawValue)") { benchmark in
            let code = (try! totp.code(at: now)) == "000000" ? "000001" : "000000"
            for i in benchmark.scaledIterations {
                blackHole(try! totp.verify(code, at: now &+ Int64(i) &* 30, window: 1))
            }
        }
    }

    let totp = try! TOTP(secret: .generate())
    let codes = (0..<1_000).map { try! totp.code(at: 1_900_000_000 + Int64($0) * 30) }
    Benchmark("TOTP verify ±1 (right code) SHA1") { benchmark in
        for i in benchmark.scaledIterations {
            let k = i % codes.count
            blackHole(try! totp.verify(codes[k], at: 1_900_000_000 + Int64(k) * 30, window: 1))
        }
    }
}
