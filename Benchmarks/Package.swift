// swift-tools-version: 6.1
// Chronoguard benchmarks (release builds only; never timed unit tests).
//   swift package benchmark                        — all ordo-one benchmark suites (GuardianBenchmarks: recovery codes, policies)
//   ../scripts/bench-verify-vs-pyotp.sh            — our TOTP verify vs pyotp's in one run, with the ratio
//   ../scripts/bench-evm-vs-coincurve.sh           — secp256k1 sign/verify/recover vs libsecp256k1 (coincurve), Keccak
//   ./run-cosign-benchmark.sh                    — the guardian over HTTP: cosigns/s and p50/p99 at fixed rates (+ wrk)
//   swift run -c release CapsuleThroughput [wallets] [rounds] [concurrency] — the guardian capsule on SQLite, no HTTP
//   ./run-browser-benchmark.sh [N]               — ZK-TOTP prove in Chromium (Wasm, Web Worker) next to native, one run
//   CHRONOGUARD_POSTGRES_URL=… swift run -c release PostgresStoreThroughput [nodes] [commits] [concurrency]
//                                                  — the PostgreSQL store's commit path, group commit over N pools
import PackageDescription

/// The repository root's package identity: SwiftPM names a path dependency after its directory, which depends on
/// where the repository was cloned.
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast(1).last ?? "main").lowercased()

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
                .product(name: "OTP", package: rootIdentity),
            ],
            path: "Benchmarks/OTPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "QRCodeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "QRCode", package: rootIdentity),
            ],
            path: "Benchmarks/QRCodeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BN254Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BN254", package: rootIdentity),
                .product(name: "Fields", package: rootIdentity),
                .product(name: "Curves", package: rootIdentity),
            ],
            path: "Benchmarks/BN254Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PoseidonBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BN254", package: rootIdentity),
                .product(name: "Fields", package: rootIdentity),
                .product(name: "Curves", package: rootIdentity),
                .product(name: "Poseidon", package: rootIdentity),
                .product(name: "Circuit", package: rootIdentity),
            ],
            path: "Benchmarks/PoseidonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ZKBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BN254", package: rootIdentity),
                .product(name: "Fields", package: rootIdentity),
                .product(name: "Curves", package: rootIdentity),
                .product(name: "Groth16", package: rootIdentity),
                .product(name: "ZKTOTP", package: rootIdentity),
            ],
            path: "Benchmarks/ZKBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GuardianBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Guardian", package: rootIdentity),
                .product(name: "ChainKit", package: rootIdentity),
            ],
            path: "Benchmarks/GuardianBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PostgresStoreThroughput",
            dependencies: [
                .product(name: "Guardian", package: rootIdentity),
                .product(name: "GuardianPostgres", package: rootIdentity),
                .product(name: "ChainKit", package: rootIdentity),
                .product(name: "OTP", package: rootIdentity),
            ],
            path: "Sources/PostgresStoreThroughput"
        ),
        .executableTarget(
            name: "CapsuleThroughput",
            dependencies: [
                .product(name: "Guardian", package: rootIdentity),
                .product(name: "GuardianSQLite", package: rootIdentity),
                .product(name: "OTP", package: rootIdentity),
                .product(name: "ChainKit", package: rootIdentity),
            ],
            path: "Sources/CapsuleThroughput"
        ),
        .executableTarget(
            name: "GuardianLoad",
            dependencies: [
                .product(name: "GuardianServer", package: rootIdentity),
                .product(name: "Guardian", package: rootIdentity),
                .product(name: "GuardianSQLite", package: rootIdentity),
                .product(name: "ChainKit", package: rootIdentity),
                .product(name: "OTP", package: rootIdentity),
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
                .product(name: "EVMKit", package: rootIdentity),
            ],
            path: "Benchmarks/EVMKitBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EVMThroughput",
            dependencies: [.product(name: "EVMKit", package: rootIdentity)],
            path: "Sources/EVMThroughput"
        ),
        .executableTarget(
            name: "QRDecodeThroughput",
            dependencies: [.product(name: "QRCode", package: rootIdentity)],
            path: "Sources/QRDecodeThroughput"
        ),
        .executableTarget(
            name: "ProveLatency",
            dependencies: [
                .product(name: "ZKTOTP", package: rootIdentity), .product(name: "Groth16", package: rootIdentity),
                .product(name: "BN254", package: rootIdentity),
            ],
            path: "Sources/ProveLatency"
        ),
        .executableTarget(
            name: "VerifyThroughput",
            dependencies: [.product(name: "OTP", package: rootIdentity)],
            path: "Sources/VerifyThroughput"
        ),
    ],
    swiftLanguageModes: [.v6]
)
