import BN254
import Benchmark
import Circuit
import Curves
import Fields
import Poseidon

// MARK: - Poseidon benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2))

    let inputs = (0..<16).map { _ in Fr.random() }
    // Warm the per-width tables outside the measurement.
    for count in [1, 2, 4, 8, 16] { _ = try! Poseidon.hash(Array(inputs.prefix(count))) }

    Benchmark("Poseidon hash(a)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Poseidon.hash(inputs[0])) }
    }
    Benchmark("Poseidon hash(a, b)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Poseidon.hash(inputs[0], inputs[1])) }
    }
    for count in [4, 8, 16] {
        let slice = Array(inputs.prefix(count))
        Benchmark("Poseidon hash, \(count) inputs") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try Poseidon.hash(slice)) }
        }
    }
    Benchmark("Poseidon gadget, 2 inputs (proving mode)") { benchmark in
        for _ in benchmark.scaledIterations {
            let cs = ConstraintSystem(mode: .proving)
            let a = try cs.allocateWitness { inputs[0] }
            let b = try cs.allocateWitness { inputs[1] }
            blackHole(try cs.poseidon([LinearCombination(a), LinearCombination(b)]))
        }
    }
}
