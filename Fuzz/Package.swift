// swift-tools-version: 6.1
// libFuzzer targets for every parser that reads outside input (issue 18). Built with the fuzzer and address
// sanitizers, outside the main package so that its libraries carry no sanitizer or unsafe flags:
//   scripts/fuzz.sh [seconds-per-target] [target…]   — build, then run each target over its committed corpus
// One executable; FUZZ_TARGET picks the parser (see Sources/ChronoguardFuzz/Targets.swift).
import PackageDescription

/// The repository root's package identity: SwiftPM names a path dependency after its directory, which depends on
/// where the repository was cloned.
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast(1).last ?? "main").lowercased()

let package = Package(
    name: "ChronoguardFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "ChronoguardFuzz",
            dependencies: [
                "OTP", "QRCode", "UR", "ChainKit", "EVMKit", "ChronoVaultEVM", "Groth16", "GuardianAPI",
            ].map { .product(name: $0, package: rootIdentity) }
        )
    ],
    swiftLanguageModes: [.v6]
)
