// swift-tools-version: 6.1
// Chronoguard benchmarks (release builds only; never timed unit tests).
//   swift package benchmark                        — all ordo-one benchmark suites (GuardianBenchmarks: recovery codes, policies)
//   ../scripts/bench-verify-vs-pyotp.sh            — our TOTP verify vs pyotp's in one run, with the ratio
//   ../scripts/bench-evm-vs-coincurve.sh           — secp256k1 sign/verify/recover vs libsecp256k1 (coincurve), Keccak
//   ./run-cosign-benchmark.sh                    — the guardian over HTTP: cosigns/s and p50/p99 at fixed rates (+ wrk)
//   swift run -c release CapsuleThroughput [wallets] [rounds] [concurrency] — the guardian capsule on SQLite, no HTTP
import PackageDescription

let package = Package(
    name: "ChronoguardBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "OTPBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OTP", package: "main"),
            ],
            path: "Benchmarks/OTPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "QRCodeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "QRCode", package: "main"),
            ],
            path: "Benchmarks/QRCodeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BN254Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BN254", package: "main"),
                .product(name: "Fields", package: "main"),
                .product(name: "Curves", package: "main"),
            ],
            path: "Benchmarks/BN254Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PoseidonBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BN254", package: "main"),
                .product(name: "Fields", package: "main"),
                .product(name: "Curves", package: "main"),
                .product(name: "Poseidon", package: "main"),
                .product(name: "Circuit", package: "main"),
            ],
            path: "Benchmarks/PoseidonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ZKBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BN254", package: "main"),
                .product(name: "Fields", package: "main"),
                .product(name: "Curves", package: "main"),
                .product(name: "Groth16", package: "main"),
                .product(name: "ZKTOTP", package: "main"),
            ],
            path: "Benchmarks/ZKBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GuardianBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Guardian", package: "main"),
                .product(name: "ChainKit", package: "main"),
            ],
            path: "Benchmarks/GuardianBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CapsuleThroughput",
            dependencies: [
                .product(name: "Guardian", package: "main"),
                .product(name: "GuardianSQLite", package: "main"),
                .product(name: "OTP", package: "main"),
                .product(name: "ChainKit", package: "main"),
            ],
            path: "Sources/CapsuleThroughput"
        ),
        .executableTarget(
            name: "GuardianLoad",
            dependencies: [
                .product(name: "GuardianServer", package: "main"),
                .product(name: "Guardian", package: "main"),
                .product(name: "GuardianSQLite", package: "main"),
                .product(name: "ChainKit", package: "main"),
                .product(name: "OTP", package: "main"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/GuardianLoad"
        ),
        .executableTarget(
            name: "EVMKitBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EVMKit", package: "main"),
            ],
            path: "Benchmarks/EVMKitBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EVMThroughput",
            dependencies: [.product(name: "EVMKit", package: "main")],
            path: "Sources/EVMThroughput"
        ),
        .executableTarget(
            name: "VerifyThroughput",
            dependencies: [.product(name: "OTP", package: "main")],
            path: "Sources/VerifyThroughput"
        ),
    ],
    swiftLanguageModes: [.v6]
)
