import ArgumentParser
import Foundation
import Guardian
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
            the directory instead. API keys come from --api-keys-file or CHRONOGUARD_API_KEYS (comma-separated), \
            never from the command line. Stops gracefully on SIGINT and SIGTERM.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on.")
    var port = 8080

    @Option(name: .customLong("data-dir"), help: "Directory for the database and the master key file.")
    var dataDir = "./chronoguard-data"

    @Option(name: .customLong("public-url"), help: "The URL clients use (its host becomes the sign-in domain). Default: http(s)://host:port.")
    var publicURL: String?

    @Option(name: .customLong("allow-origin"), help: "A browser origin allowed to call the API (repeatable). Default: none.")
    var allowedOrigins: [String] = []

    @Option(name: .customLong("api-keys-file"), help: "File with one API key per line; once set, every /v1 call needs X-API-Key.")
    var apiKeysFile: String?

    @Option(name: .customLong("ip-rate-limit"), help: "Per-client-IP bucket as COUNT/SECONDS, or 'off'.")
    var ipRateLimit = "300/60"

    @Option(name: .customLong("api-key-rate-limit"), help: "Per-API-key bucket as COUNT/SECONDS, or 'off'.")
    var apiKeyRateLimit = "30000/60"

    @Option(name: .customLong("verify-present-signatures"), help: "Verify the signatures already in a transaction before co-signing, refusing a bad one before the code is used: 'on', or 'off' (default: the network verifies them anyway, and it saves one Ed25519 verification per cosign).")
    var verifyPresentSignatures = "off"

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.")
    var maxBodyBytes = GuardianServerConfiguration.defaultMaxBodyBytes

    @Option(name: .customLong("tls-certificate"), help: "PEM certificate chain for HTTPS (with --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS (with --tls-certificate).")
    var tlsKey: String?

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

    func makeConfiguration(environment: [String: String]) throws -> GuardianServerConfiguration {
        var configuration = GuardianServerConfiguration()
        configuration.host = host
        guard (0...65_535).contains(port) else { throw CLIFailure("--port must be 0…65535, not \(port).") }
        configuration.port = port
        configuration.dataDirectory = URL(fileURLWithPath: dataDir)
        if let publicURL {
            guard let url = URL(string: publicURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw CLIFailure("--public-url must be an http(s) URL such as https://guardian.example.com, not \(publicURL).")
            }
            configuration.publicURL = url
        }
        configuration.allowedOrigins = allowedOrigins
        configuration.apiKeys = try Self.apiKeys(file: apiKeysFile, environment: environment)
        configuration.guardian.clientIPRateLimit = try Self.bucket(ipRateLimit, option: "--ip-rate-limit")
        switch verifyPresentSignatures {
        case "on": configuration.guardian.verifiesPresentSignatures = true
        case "off": configuration.guardian.verifiesPresentSignatures = false
        default: throw CLIFailure("--verify-present-signatures must be 'on' or 'off', not \(verifyPresentSignatures).")
        }
        configuration.guardian.apiKeyRateLimit = try Self.bucket(apiKeyRateLimit, option: "--api-key-rate-limit")
        guard maxBodyBytes >= 1_024 else { throw CLIFailure("--max-body-bytes must be at least 1024 (a cosign request needs ~1.7 KB).") }
        configuration.maxBodyBytes = maxBodyBytes
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): break
        case let (certificate?, key?): configuration.tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        default: throw CLIFailure("HTTPS needs both --tls-certificate and --tls-key.")
        }
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw CLIFailure("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        configuration.logLevel = level
        return configuration
    }

    /// `COUNT/SECONDS` (e.g. `300/60`) or `off`.
    static func bucket(_ text: String, option: String) throws -> TokenBucketPolicy? {
        if text.lowercased() == "off" { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let count = Double(parts[0]), let seconds = Double(parts[1]), count >= 1, seconds > 0 else {
            throw CLIFailure("\(option) must be COUNT/SECONDS with COUNT ≥ 1 (e.g. 300/60), or off; got \(text).")
        }
        return TokenBucketPolicy(capacity: count, per: seconds)
    }

    /// API keys from the file (one per line, `#` comments) and `CHRONOGUARD_API_KEYS` (comma-separated).
    static func apiKeys(file: String?, environment: [String: String]) throws -> [String] {
        var keys: [String] = []
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CLIFailure("Cannot read the API keys file \(file).")
            }
            keys += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        if let list = environment["CHRONOGUARD_API_KEYS"] {
            keys += list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        // Short keys are guessable: 16 characters of Base64 or hex carry at least 64 bits.
        if let short = keys.first(where: { $0.count < 16 }) {
            throw CLIFailure("API key \"\(short.prefix(4))…\" is shorter than 16 characters; use random keys (openssl rand -base64 24).")
        }
        return keys
    }
}
