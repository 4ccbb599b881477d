import BN254
import Benchmark
import Curves
import Fields
import Groth16
import ZKTOTP

// MARK: - ZK benchmarks

/// Release-build figures for the ZK stack: the pairing, proving the ChronoVault TOTP statement from its inputs
/// (witness synthesis included) and verifying it with a prepared key. Targets: pairing ≤ 2 ms, prove ≤ 45 ms,
/// verify ≤ 2 ms (docs/groth16.md).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    let key = try! ZKTOTP.unsafeSinglePartySetup()
    let prepared = key.verifyingKey.prepared()
    let secret = ZKTOTP.newSecret()
    let commitment = try! ZKTOTP.transactionCommitment(
        chainID: 8453, wallet: [UInt8](repeating: 0x11, count: 20),
        transactionHash: [UInt8](repeating: 0x22, count: 32),
        nonce: 1)
    let (proof, inputs) = try! ZKTOTP.prove(
        secret: secret, timeCounter: 59_000_000, txCommitment: commitment,
        provingKey: key)

    Benchmark("BN254 pairing e(P, Q)") { benchmark in
        let p = G1Affine.generator
        let q = G2Affine.generator
        for _ in benchmark.scaledIterations { blackHole(Pairing.pairing(p, q)) }
    }

    Benchmark("ZKTOTP prove (inputs → proof, \(ZKTOTP.Statement.constraintCount) constraints)") { benchmark in
        var counter: UInt64 = 59_000_000
        for _ in benchmark.scaledIterations {
            counter += 1
            blackHole(
                try! ZKTOTP.prove(
                    secret: secret, timeCounter: counter, txCommitment: commitment,
                    provingKey: key))
        }
    }

    Benchmark("ZKTOTP verify (prepared key)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! ZKTOTP.verify(prepared, proof: proof, publicInputs: inputs))
        }
    }

    Benchmark("ZKTOTP witness synthesis") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! ZKTOTP.Statement.build(.init(secret: secret, publicInputs: inputs)))
        }
    }

    Benchmark("Poseidon-TOTP code", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for i in benchmark.scaledIterations { blackHole(ZKTOTP.code(secret: secret, time: UInt64(i) * 30)) }
    }

    Benchmark("Groth16 setup (TOTP circuit)", configuration: .init(maxDuration: .seconds(5), maxIterations: 20)) {
        benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! ZKTOTP.unsafeSinglePartySetup()) }
    }
}
