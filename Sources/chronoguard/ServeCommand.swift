import ArgumentParser
import Foundation
import Guardian
import GuardianPostgres
import GuardianServer
import Logging

// MARK: - chronoguard serve

/// `chronoguard serve`: runs the guardian co-signer's HTTP API until SIGINT or SIGTERM, then drains requests, closes
/// the database and exits.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the guardian co-signer HTTP server.",
        discussion: """
            On first start it creates the data directory (0700), the SQLite database (WAL, durable commits) and the \
            master key file master.key (0600); set CHRONOGUARD_MASTER_KEY (Base64 of 32 bytes) to keep the key out of \
            the directory instead. With --store postgres://… the state lives in PostgreSQL, shared by every node \
            given the same URL and master key (CHRONOGUARD_MASTER_KEY or --master-key-file; never created, never \
            stored in the database); see docs/operations.md. API keys come from --api-keys-file or CHRONOGUARD_API_KEYS (comma-separated), \
            never from the command line. Stops gracefully on SIGINT and SIGTERM.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on.")
    var port = 8080

    @Option(name: .customLong("data-dir"), help: "Directory for the database and the master key file.")
    var dataDir = "./chronoguard-data"

    @Option(
        name: .customLong("store"),
        help:
            "postgres://USER[:PASSWORD]@HOST[:PORT][,HOST2…]/DATABASE[?sslmode=…]: keep the state in PostgreSQL, shared by several nodes (the one host that accepts writes is used). Default: embedded SQLite in --data-dir."
    )
    var store: String?

    @Option(
        name: .customLong("master-key-file"),
        help:
            "With --store: a file holding the master key (Base64 of 32 bytes, mode 0600), the same on every node; otherwise CHRONOGUARD_MASTER_KEY."
    )
    var masterKeyFile: String?

    @Option(
        name: .customLong("public-url"),
        help: "The URL clients use (its host becomes the sign-in domain). Default: http(s)://host:port.")
    var publicURL: String?

    @Option(
        name: .customLong("allow-origin"), help: "A browser origin allowed to call the API (repeatable). Default: none."
    )
    var allowedOrigins: [String] = []

    @Option(
        name: .customLong("api-keys-file"),
        help: "File with one API key per line; once set, every /v1 call needs X-API-Key.")
    var apiKeysFile: String?

    @Option(name: .customLong("ip-rate-limit"), help: "Per-client-IP bucket as COUNT/SECONDS, or 'off'.")
    var ipRateLimit = "300/60"

    @Option(name: .customLong("api-key-rate-limit"), help: "Per-API-key bucket as COUNT/SECONDS, or 'off'.")
    var apiKeyRateLimit = "30000/60"

    @Option(
        name: .customLong("wallet-rate-limit"),
        help:
            "Per-wallet bucket for signed-in calls as COUNT/SECONDS (default 10/300); with --store, one bucket for every node."
    )
    var walletRateLimit = "10/300"

    @Option(
        name: .customLong("verify-present-signatures"),
        help:
            "Verify the signatures already in a transaction before co-signing, refusing a bad one before the code is used: 'on', or 'off' (default: the network verifies them anyway, and it saves one Ed25519 verification per cosign)."
    )
    var verifyPresentSignatures = "off"

    @Option(help: "Who may read /metrics: public, api-key (default; public while no API keys are configured) or off.")
    var metrics = "api-key"

    @Option(
        name: .customLong("request-timeout"),
        help: "Seconds a client has to send a request's head, then its body (1–300); slower connections are closed.")
    var requestTimeout = 10

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (1024 to 16 MiB).")
    var maxBodyBytes = GuardianServerConfiguration.defaultMaxBodyBytes

    @Option(name: .customLong("tls-certificate"), help: "PEM certificate chain for HTTPS (with --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS (with --tls-certificate).")
    var tlsKey: String?

    @Option(
        name: .customLong("zk-keys"),
        help: "Directory with proving_key.bin (`chronoguard zk setup`) that the /app pages prove and verify with.")
    var zkKeys: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        try await reportingFailures {
            let configuration = try makeConfiguration(environment: ProcessInfo.processInfo.environment)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = configuration.logLevel
                return handler
            }
            let app = try await buildApplication(configuration: configuration)
            try await app.runService()
        }
    }

    /// The largest `--max-body-bytes`: 16 MiB, far above any request the API defines.
    static let maximumBodyBytes = 16 * 1024 * 1024

    /// Every option checked before anything starts: a bad one is one sentence on stderr and exit status 64 (EX_USAGE).
    func makeConfiguration(environment: [String: String]) throws -> GuardianServerConfiguration {
        var configuration = GuardianServerConfiguration()
        configuration.host = host
        guard (0...65_535).contains(port) else { throw CLIFailure("--port must be 0…65535, not \(port).", status: 64) }
        configuration.port = port
        configuration.dataDirectory = URL(fileURLWithPath: dataDir)
        let postgres = try StoreOption.postgres(store)
        if let postgres { configuration.storage = .postgres(postgres) }
        configuration.masterKey = try StoreOption.masterKey(file: masterKeyFile, postgres: postgres)
        if let publicURL {
            guard let url = URL(string: publicURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw CLIFailure(
                    "--public-url must be an http(s) URL such as https://guardian.example.com, not \(publicURL).",
                    status: 64)
            }
            configuration.publicURL = url
        }
        configuration.allowedOrigins = allowedOrigins
        configuration.apiKeys = try Self.apiKeys(file: apiKeysFile, environment: environment)
        configuration.guardian.clientIPRateLimit = try Self.bucket(ipRateLimit, option: "--ip-rate-limit")
        switch verifyPresentSignatures {
        case "on": configuration.guardian.verifiesPresentSignatures = true
        case "off": configuration.guardian.verifiesPresentSignatures = false
        default:
            throw CLIFailure(
                "--verify-present-signatures must be 'on' or 'off', not \(verifyPresentSignatures).", status: 64)
        }
        guard let metrics = GuardianServerConfiguration.MetricsExposure(rawValue: metrics) else {
            throw CLIFailure("--metrics must be public, api-key or off, not \(metrics).", status: 64)
        }
        configuration.metrics = metrics
        configuration.guardian.apiKeyRateLimit = try Self.bucket(apiKeyRateLimit, option: "--api-key-rate-limit")
        guard let walletBucket = try Self.bucket(walletRateLimit, option: "--wallet-rate-limit") else {
            throw CLIFailure("--wallet-rate-limit must be COUNT/SECONDS (e.g. 10/300); it cannot be off.", status: 64)
        }
        configuration.guardian.walletRateLimit = walletBucket
        guard (1_024...Self.maximumBodyBytes).contains(maxBodyBytes) else {
            throw CLIFailure(
                "--max-body-bytes must be 1024 (a cosign request needs ~1.7 KB) to \(Self.maximumBodyBytes) (16 MiB), not \(maxBodyBytes).",
                status: 64)
        }
        configuration.maxBodyBytes = maxBodyBytes
        guard (1...300).contains(requestTimeout) else {
            throw CLIFailure("--request-timeout must be 1 to 300 seconds, not \(requestTimeout).", status: 64)
        }
        configuration.requestTimeout = .seconds(requestTimeout)
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): break
        case let (certificate?, key?): configuration.tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        default: throw CLIFailure("HTTPS needs both --tls-certificate and --tls-key.", status: 64)
        }
        if let zkKeys {
            let path = URL(fileURLWithPath: zkKeys).appendingPathComponent("proving_key.bin").path
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CLIFailure(
                    "--zk-keys: cannot read \(path); pass a directory written by `chronoguard zk setup`.", status: 66)
            }
            configuration.zkKeysDirectory = URL(fileURLWithPath: zkKeys)
        }
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw CLIFailure(
                "--log-level must be one of trace, debug, info, notice, warning, error, critical.", status: 64)
        }
        configuration.logLevel = level
        return configuration
    }

    /// `COUNT/SECONDS` (e.g. `300/60`) or `off`: finite numbers, COUNT 1…10^9, SECONDS above 0 and at most 10^9.
    static func bucket(_ text: String, option: String) throws -> TokenBucketPolicy? {
        if text.lowercased() == "off" { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Double(parts[0]), let seconds = Double(parts[1]) else {
            throw CLIFailure("\(option) must be COUNT/SECONDS (e.g. 300/60) or off; got \(text).", status: 64)
        }
        let policy = TokenBucketPolicy(capacity: count, per: seconds)
        guard policy.isValid else {
            throw CLIFailure(
                "\(option) needs COUNT from 1 to 10^9 and SECONDS above 0 and at most 10^9, as finite numbers (e.g. 300/60); got \(text).",
                status: 64)
        }
        return policy
    }

    /// API keys from the file (one per line, `#` comments) and `CHRONOGUARD_API_KEYS` (comma-separated).
    static func apiKeys(file: String?, environment: [String: String]) throws -> [String] {
        var keys: [String] = []
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CLIFailure(
                    "Cannot read the API keys file \(file); check the path and its permissions.", status: 64)
            }
            keys += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty && !$0.hasPrefix("#")
            }
        }
        if let list = environment["CHRONOGUARD_API_KEYS"] {
            keys += list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        // Short keys are guessable: 16 characters of Base64 or hex carry at least 64 bits.
        if let index = keys.firstIndex(where: { $0.count < 16 }) {
            // The key itself is a secret: name its position, never its text.
            throw CLIFailure(
                "API key number \(index + 1) is shorter than 16 characters; use random keys (openssl rand -base64 24).",
                status: 64)
        }
        return keys
    }
}
