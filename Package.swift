// swift-tools-version: 6.1
// Chronoguard: TOTP as a real second factor for blockchain transactions.
//
// Layers (dependencies point one way, down):
//   OTP, QRCode                      — primitives, no server code (build for Apple platforms too)
//   chronoguard                      — the CLI on top
import PackageDescription

let package = Package(
    name: "chronoguard",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "OTP", targets: ["OTP"]),
        .library(name: "QRCode", targets: ["QRCode"]),
        .library(name: "ChainKit", targets: ["ChainKit"]),
        .executable(name: "chronoguard", targets: ["chronoguard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // MARK: - Libraries
        .target(
            name: "OTP",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),

        .target(name: "QRCode"),
        .target(
            name: "ChainKit",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),

        // MARK: - CLI
        .executableTarget(
            name: "chronoguard",
            dependencies: [
                "OTP",
                "QRCode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "OTPTests",
            dependencies: ["OTP", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "QRCodeTests",
            dependencies: ["QRCode"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "ChainKitTests",
            dependencies: ["ChainKit", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["OTP", "QRCode", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
