// swift-tools-version: 6.1
// The constant-time check of secp256k1 signing (scripts/check-constant-time.sh): runs EVMKit's secret-dependent
// signing core under Valgrind's memcheck with the key and nonce marked undefined ("ctgrind", Langley 2010), so every
// branch or memory index that depends on them is an error. A package of its own, so the library keeps no C shim.
import PackageDescription

/// The repository root's package identity: SwiftPM names a path dependency after its directory, which depends on
/// where the repository was cloned.
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "main").lowercased()

let package = Package(
    name: "ConstantTimeCheck",
    dependencies: [.package(path: "../..")],
    targets: [
        .target(name: "CMemcheck"),
        .executableTarget(
            name: "ConstantTimeCheck",
            dependencies: ["CMemcheck", .product(name: "EVMKit", package: rootIdentity)]
        ),
    ]
)
