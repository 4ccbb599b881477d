// swift-tools-version: 6.1
// Chronoguard: TOTP as a real second factor for blockchain transactions.
//
// Layers (dependencies point one way, down; nothing below GuardianServer imports NIO or Hummingbird):
//   OTP, QRCode, JSONRPC → ChainKit                — primitives (build for Apple platforms too)
//   BN254 → Poseidon → Circuit → Groth16 → ZKTOTP  — the ZK stack, arkworks-style
//   GuardianAPI                                    — wire models, strict JSON, the HTTP client (Foundation + ChainKit)
//   Guardian → GuardianSQLite                      — the co-signer's domain and its embedded store
//   Guardian → GuardianPostgres                    — the shared store for several nodes (postgres-nio; no Hummingbird)
//   GuardianServer                                 — HTTP (Hummingbird 2)
//   chronoguard                                    — the CLI on top
import PackageDescription

let package = Package(
    name: "chronoguard",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "OTP", targets: ["OTP"]),
        .library(name: "QRCode", targets: ["QRCode"]),
        .library(name: "UR", targets: ["UR"]),
        .library(name: "JSONRPC", targets: ["JSONRPC"]),
        .library(name: "ChainKit", targets: ["ChainKit"]),
        .library(name: "EVMKit", targets: ["EVMKit"]),
        .library(name: "ChronoVaultEVM", targets: ["ChronoVaultEVM"]),
        .library(name: "Fields", targets: ["Fields"]),
        .library(name: "Curves", targets: ["Curves"]),
        .library(name: "BN254", targets: ["BN254"]),
        .library(name: "Poseidon", targets: ["Poseidon"]),
        .library(name: "Circuit", targets: ["Circuit"]),
        .library(name: "Groth16", targets: ["Groth16"]),
        .library(name: "ZKTOTP", targets: ["ZKTOTP"]),
        .library(name: "Guardian", targets: ["Guardian"]),
        .library(name: "GuardianSQLite", targets: ["GuardianSQLite"]),
        .library(name: "GuardianPostgres", targets: ["GuardianPostgres"]),
        .library(name: "GuardianAPI", targets: ["GuardianAPI"]),
        .library(name: "GuardianServer", targets: ["GuardianServer"]),
        .library(name: "OTPRegistry", targets: ["OTPRegistry"]),
        .library(name: "OTPRegistryServer", targets: ["OTPRegistryServer"]),
        .executable(name: "chronoguard", targets: ["chronoguard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // The guardian HTTP service.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The PostgreSQL store (GuardianPostgres): the wire protocol, a connection pool, TLS.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Tests only: a slow big-integer reference and property-based testing for the ZK layers.
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // Tests only: runs the WebAssembly module (scripts/build-wasm.sh) in-process, with WASI preview 1.
        .package(url: "https://github.com/swiftwasm/WasmKit.git", from: "0.4.2"),
    ],
    targets: [
        // MARK: - Libraries
        .target(
            name: "OTP",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),

        .target(name: "QRCode"),
        // Uniform Resources (BC-UR, BCR-2020-005): CBOR, Bytewords, fountain-coded multi-part QR payloads.
        .target(name: "UR", dependencies: ["QRCode"]),
        // JSON-RPC 2.0 over HTTP (Foundation only, no NIO): the transport and JSON tree EVMKit and ChainKit share.
        .target(name: "JSONRPC"),
        // What Sign-In with Ethereum (EVMKit) and Sign In With Solana (ChainKit) share: RFC 3339 timestamps, the RFC 3986
        // character classes, the common fields' checks, rendering and line reading (`package` access, no product).
        .target(name: "SignInMessages"),
        .target(
            name: "ChainKit",
            dependencies: ["Fields", "JSONRPC", "SignInMessages", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // Ethereum: Keccak-256, RLP, ABI, secp256k1 ECDSA, transactions, keystores, a JSON-RPC client.
        .target(
            name: "EVMKit",
            dependencies: [
                "Fields",
                "Curves",
                "JSONRPC",
                "SignInMessages",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),  // scrypt, PBKDF2, AES-CTR (keystores)
            ]
        ),

        // Prime-field arithmetic on four 64-bit limbs in Montgomery form (arkworks ark-ff), shared by BN254 and
        // secp256k1 (EVMKit).
        .target(name: "Fields"),

        // Short Weierstrass curves over any field (arkworks ark-ec): Jacobian and affine points, wNAF scalar
        // multiplication, the one MSM (Pippenger), fixed-base tables. BN254's G1/G2 and secp256k1 instantiate it.
        .target(name: "Curves", dependencies: ["Fields"]),

        // ChronoVault on EVM chains: the compiled contracts (contracts/evm) and the client that deploys and drives them.
        .target(
            name: "ChronoVaultEVM",
            dependencies: [
                "EVMKit", "ZKTOTP", "Groth16", "BN254", "Fields", "UR",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // ZK layers, arkworks-style: field → curve → pairing → hash → constraint system.
        .target(name: "BN254", dependencies: ["Fields", "Curves"]),
        .target(name: "Poseidon", dependencies: ["BN254", "Curves", "Fields"]),
        .target(name: "Circuit", dependencies: ["BN254", "Curves", "Fields", "Poseidon"]),
        .target(
            name: "Groth16",
            dependencies: ["BN254", "Curves", "Fields", "Circuit", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "ZKTOTP", dependencies: ["Groth16", "BN254", "Curves", "Fields", "Poseidon", "Circuit"]),

        // Guardian co-signer: the domain (no HTTP, no NIO) and its embedded SQLite store.
        .target(
            name: "Guardian",
            dependencies: [
                "OTP", "ChainKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),  // scrypt for recovery codes
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // SQLite 3 from the system (a C module map, no NIO): libsqlite3-dev on Debian/Ubuntu, the SDK on Apple platforms.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "GuardianSQLite", dependencies: ["Guardian", "CSQLite"]),
        // The same store contract on PostgreSQL, for several guardian nodes on one database: every compare-and-set in
        // one transaction, versioned migrations, a bounded pool, optional TLS (docs/postgres.md).
        .target(
            name: "GuardianPostgres",
            dependencies: [
                "Guardian", "ChainKit", "OTP",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The API's wire models, strict JSON decoding and the HTTP client: what a wallet app (iOS included) needs, with
        // no server dependency.
        .target(name: "GuardianAPI", dependencies: ["ChainKit"]),

        // The HTTP application (Hummingbird 2): routes, middleware, configuration, buildApplication.
        .target(
            name: "GuardianServer",
            dependencies: [
                "Guardian", "GuardianSQLite", "GuardianPostgres", "GuardianAPI", "QRCode", "ChainKit", "OTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["OpenAPI/openapi.json"],
            // The browser pages and the WebAssembly module they run (scripts/build-wasm.sh), served under /app/.
            resources: [.copy("App")]
        ),

        // The OTP registry's issuer (issue 17): HKDF key hierarchy, SIWE sessions, enrollment, token buckets, salted
        // commitments sent with setOtp, salts released against the code; its SQLite store. No NIO.
        .target(
            name: "OTPRegistry",
            dependencies: [
                "OTP", "QRCode", "EVMKit", "ChronoVaultEVM", "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Its HTTP service (Hummingbird 2), reusing the guardian server's middleware and strict JSON.
        .target(
            name: "OTPRegistryServer",
            dependencies: [
                "OTPRegistry", "GuardianServer", "GuardianAPI", "EVMKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: - CLI
        .executableTarget(
            name: "chronoguard",
            dependencies: [
                "OTP",
                "QRCode",
                "UR",
                "BN254",
                "Curves",
                "Fields",
                "Groth16",
                "ZKTOTP",
                "Guardian",
                "GuardianSQLite",
                "GuardianPostgres",
                "GuardianServer",
                "GuardianAPI",
                "ChainKit",
                "EVMKit",
                "ChronoVaultEVM",
                "OTPRegistry",
                "OTPRegistryServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            resources: [.copy("Peers")]
        ),
        .testTarget(
            name: "OTPTests",
            dependencies: ["OTP", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "QRCodeTests",
            dependencies: ["QRCode", "TestSupport"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "ChainKitTests",
            dependencies: ["ChainKit", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(
            name: "EVMKitTests",
            dependencies: [
                "EVMKit", "Fields", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "URTests",
            dependencies: ["UR", "QRCode", "TestSupport"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "ChronoVaultEVMTests",
            dependencies: [
                "ChronoVaultEVM", "EVMKit", "ZKTOTP", "Groth16", "BN254", "Fields", "Poseidon", "TestSupport", "UR",
            ]
        ),
        .testTarget(
            name: "BN254Tests",
            dependencies: [
                "BN254",
                "Curves",
                "Fields",
                "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "PoseidonTests",
            dependencies: ["Poseidon", "BN254", "Curves", "Fields", "TestSupport"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "CircuitTests",
            dependencies: ["Circuit", "Poseidon", "BN254", "Curves", "Fields", "TestSupport"]
        ),
        .testTarget(
            name: "Groth16Tests",
            dependencies: [
                "Groth16", "BN254", "Curves", "Fields", "Circuit", "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
            ]
        ),
        .testTarget(
            name: "ZKTOTPTests",
            dependencies: [
                "ZKTOTP", "Groth16", "BN254", "Curves", "Fields", "Poseidon", "Circuit", "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "ChronoguardWasmTests",
            dependencies: [
                "ZKTOTP", "Groth16", "BN254", "Curves", "Fields", "QRCode", "UR", "EVMKit", "ChronoVaultEVM",
                "TestSupport",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
            ]
        ),
        .target(
            name: "GuardianTestSupport",
            dependencies: [
                "Guardian", "GuardianSQLite", "GuardianPostgres", "OTP", "ChainKit", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/GuardianTestSupport"
        ),
        .testTarget(
            name: "GuardianTests",
            dependencies: [
                "Guardian", "GuardianTestSupport", "TestSupport", "OTP", "ChainKit", "QRCode",
                // The store suites (Store*Tests) look into the SQLite file and the PostgreSQL schema directly.
                "GuardianSQLite", "GuardianPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "GuardianSQLiteTests",
            dependencies: [
                "Guardian", "GuardianSQLite", "GuardianTestSupport", "OTP", "ChainKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "GuardianPostgresTests",
            dependencies: [
                "Guardian", "GuardianPostgres", "GuardianTestSupport", "OTP", "ChainKit", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "GuardianServerTests",
            dependencies: [
                "GuardianServer", "GuardianAPI", "Guardian", "GuardianSQLite", "ChainKit", "OTP", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "OTPRegistryTests",
            dependencies: [
                "OTPRegistry", "OTPRegistryServer", "EVMKit", "OTP", "ChronoVaultEVM", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "GuardianAPITests",
            dependencies: ["GuardianAPI", "ChainKit"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "OTP", "QRCode", "ChainKit", "BN254", "Curves", "Fields", "Groth16", "ZKTOTP", "GuardianSQLite",
                "TestSupport", "UR", "GuardianPostgres", "GuardianTestSupport", "GuardianAPI",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Resources")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
