import Foundation
import Guardian
import GuardianPostgres
import Logging

// MARK: - Server configuration

/// Everything `chronoguard serve` can set. Defaults are safe for a single host: loopback only, no CORS, no API keys,
/// 64 KiB bodies, plain HTTP (put TLS in front, or give ``tls`` a certificate).
public struct GuardianServerConfiguration: Sendable {
    /// Where the master key comes from.
    public enum MasterKeySource: Sendable {
        /// `CHRONOGUARD_MASTER_KEY` when it is set, otherwise the key file `master.key` in the data directory
        /// (created with mode 0600 on first start).
        case automatic
        /// The key file `master.key` in the data directory.
        case keyFile
        /// The environment variable ``EnvironmentMasterKeyProvider/defaultVariable`` (Base64 of 32 bytes).
        case environment
        /// A key file at a path of its own, never created by the server (``FileMasterKeyProvider/init(keyFile:)``).
        case keyFileAt(URL)
        /// A provider supplied by the embedding program (a KMS, tests).
        case provider(any MasterKeyProvider)
    }

    /// PEM files for HTTPS (RFC 8446 TLS 1.3 / RFC 5246 TLS 1.2 through SwiftNIO SSL).
    public struct TLSFiles: Sendable, Hashable {
        public var certificateChainPath: String
        public var privateKeyPath: String

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// Who may read `/metrics`.
    public enum MetricsExposure: String, Sendable, Hashable, CaseIterable {
        /// Anyone who can reach the server.
        case `public`
        /// Clients with an API key (public when no keys are configured: there is nothing to present).
        case apiKey = "api-key"
        /// Not served at all (404).
        case off
    }

    /// 64 KiB: the largest legitimate body is a cosign, ≤ 1,644 Base64 characters of transaction plus a code; 64 KiB
    /// leaves room for any client's JSON formatting while bounding what one request can make the server buffer.
    public static let defaultMaxBodyBytes = 64 * 1024
    /// The master key's environment variable (Base64 of 32 bytes).
    public static let masterKeyEnvironmentVariable = EnvironmentMasterKeyProvider.defaultVariable
    /// The SQLite database's file name inside the data directory.
    public static let databaseFileName = "guardian.sqlite"

    /// Where the guardian keeps its state.
    public enum Storage: Sendable {
        /// Embedded SQLite in ``dataDirectory`` (the default: one node).
        case sqlite
        /// A PostgreSQL database shared by several nodes (`docs/postgres.md`); ``dataDirectory`` is not used for
        /// state. The master key must come from the environment or a key file (``MasterKeySource/keyFileAt(_:)``):
        /// every node is given the same one, and it never enters the database.
        case postgres(PostgresConnectionConfiguration)
    }

    /// Where the state lives: SQLite in the data directory unless set.
    public var storage: Storage = .sqlite

    /// Address to listen on: loopback by default, so nothing is exposed until the operator says so.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks a free one (tests).
    public var port: Int = 8080
    /// Holds the database and, with the key file source, `master.key`.
    public var dataDirectory: URL = URL(fileURLWithPath: "chronoguard-data")
    public var masterKey: MasterKeySource = .automatic
    /// The URL clients reach the server at (e.g. `https://guardian.example.com`): its authority becomes the SIWS
    /// `domain` and the URL the SIWS `URI`. Default: `http(s)://host:port`.
    public var publicURL: URL?
    /// The guardian's own settings (TOTP, lockout, rate limits); its sign-in domain and URI are replaced by the ones
    /// derived from ``publicURL`` unless ``keepsSignInSettings`` is set.
    public var guardian: GuardianConfiguration
    /// Keep ``guardian``'s sign-in domain and URI as given instead of deriving them.
    public var keepsSignInSettings = false
    /// Origins (`scheme://host[:port]`, RFC 6454) allowed to call the API from browsers; empty: no CORS at all.
    public var allowedOrigins: [String] = []
    /// API keys; when non-empty, every route except the public ones (health, readiness, the OpenAPI document and, if
    /// ``metrics`` says so, `/metrics`) needs one in `X-API-Key`.
    public var apiKeys: [String] = []
    /// Who may read `/metrics`; nil: ``MetricsExposure/apiKey`` (which is public while no API keys are configured).
    public var metrics: MetricsExposure?
    /// Largest request body in bytes; larger ones get 413.
    public var maxBodyBytes: Int = Self.defaultMaxBodyBytes
    /// HTTPS certificate and key; nil serves plain HTTP.
    public var tls: TLSFiles?
    /// A directory holding `proving_key.bin` (from `chronoguard zk setup`): served as `/app/proving_key.bin` for the
    /// browser pages (``AppPages``), which prove and verify with it. A proving key is public; nil serves none, and
    /// the pages then say which key file to choose.
    public var zkKeysDirectory: URL?
    /// How long a client has to send a whole request head (from the connection's start or the previous response),
    /// and then its whole body; a slower client's connection is closed (``RequestDeadlineHandler``). 10 s: a cosign
    /// is under 2 KB.
    public var requestTimeout: Duration = .seconds(10)
    /// How often expired challenges and sessions are deleted.
    public var purgeInterval: Duration = .seconds(60)
    public var logLevel: Logger.Level = .info

    public init() {
        self.guardian = GuardianConfiguration(signIn: .init(domain: "127.0.0.1:8080", uri: "http://127.0.0.1:8080"))
    }

    /// The guardian configuration with the sign-in domain and URI this server announces.
    public var resolvedGuardianConfiguration: GuardianConfiguration {
        guard !keepsSignInSettings else { return guardian }
        var resolved = guardian
        let url = publicURL ?? URL(string: "\(tls == nil ? "http" : "https")://\(Self.authorityHost(host)):\(port)")!
        var authority = url.host ?? host
        if authority.contains(":") { authority = "[\(authority)]" }  // IPv6 literal (RFC 3986 §3.2.2)
        if let port = url.port { authority += ":\(port)" }
        resolved.signIn.domain = authority
        resolved.signIn.uri = url.absoluteString
        return resolved
    }

    static func authorityHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// The effective `/metrics` exposure.
    public var resolvedMetricsExposure: MetricsExposure { metrics ?? .apiKey }

    /// The database file.
    public var databaseURL: URL { dataDirectory.appendingPathComponent(Self.databaseFileName) }
}
