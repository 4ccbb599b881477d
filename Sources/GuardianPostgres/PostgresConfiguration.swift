import Foundation

// MARK: - Connection string

/// Where the PostgreSQL store connects, parsed from a connection string:
///
/// ```
/// postgres://USER[:PASSWORD]@HOST[:PORT][,HOST2[:PORT]…]/DATABASE[?sslmode=…&sslrootcert=…&connect_timeout=…
///     &application_name=…&target_session_attrs=…]
/// ```
///
/// The grammar is libpq's URI form (PostgreSQL documentation §34.1.1.2), restricted to what the store supports: TCP
/// hosts only (names, IPv4, or IPv6 in brackets), a user and a database always named, and the parameters listed on
/// ``Parameter``. User, password and database are percent-decoded. With several hosts the store connects to the first
/// that accepts writes (``TargetSessionAttributes/readWrite``), which is how a client finds the new primary after a
/// failover.
public struct PostgresConnectionConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// One server to try.
    public struct Host: Sendable, Hashable, CustomStringConvertible {
        /// A DNS name, an IPv4 address, or an IPv6 address (without brackets).
        public var name: String
        /// The TCP port (5432 unless given).
        public var port: Int

        /// A server at `name`:`port`.
        public init(name: String, port: Int = PostgresConnectionConfiguration.defaultPort) {
            self.name = name
            self.port = port
        }

        /// `name:port`, with an IPv6 address in brackets.
        public var description: String { (name.contains(":") ? "[\(name)]" : name) + ":\(port)" }
    }

    /// Whether and how TLS protects the connection (libpq's `sslmode`).
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate; plain TCP otherwise (libpq's default).
        case prefer
        /// TLS or nothing, without checking the certificate (unless `sslrootcert` is given, as libpq does: then as
        /// ``verifyCA``).
        case require
        /// TLS, and the server's certificate must chain to a trusted root (`sslrootcert`, or the system's roots).
        case verifyCA = "verify-ca"
        /// As ``verifyCA``, and the certificate must name the host connected to. The setting for production.
        case verifyFull = "verify-full"
    }

    /// Which server of the list is acceptable (libpq's `target_session_attrs`).
    public enum TargetSessionAttributes: String, Sendable, Hashable, CaseIterable {
        /// One that accepts writes: not in recovery and not `default_transaction_read_only` (the default).
        case readWrite = "read-write"
        /// The first that answers.
        case any
    }

    /// The query parameters the parser accepts.
    public enum Parameter: String, Sendable, CaseIterable {
        case sslMode = "sslmode"
        case sslRootCertificate = "sslrootcert"
        case connectTimeout = "connect_timeout"
        case applicationName = "application_name"
        case targetSessionAttributes = "target_session_attrs"
    }

    /// PostgreSQL's port.
    public static let defaultPort = 5432
    /// Hosts one string may list at most.
    public static let maximumHosts = 16
    /// The longest connection string accepted, in bytes.
    public static let maximumLength = 4_096

    /// The servers, tried in order.
    public var hosts: [Host]
    /// The role to log in as.
    public var user: String
    /// Its password, nil for none (trust, peer or certificate authentication).
    public var password: String?
    /// The database.
    public var database: String
    /// TLS (default ``SSLMode/prefer``, as libpq).
    public var sslMode: SSLMode
    /// A PEM file of trusted root certificates for ``SSLMode/verifyCA`` and ``SSLMode/verifyFull``; nil: the system's.
    public var sslRootCertificate: String?
    /// How long one connection attempt may take (nil: the store's ``PostgresGuardianStore/Options/connectTimeout``).
    public var connectTimeout: Duration?
    /// Shown in `pg_stat_activity` (default `chronoguard`).
    public var applicationName: String
    /// Which server of ``hosts`` to use.
    public var targetSessionAttributes: TargetSessionAttributes

    /// A configuration given field by field.
    public init(
        hosts: [Host], user: String, password: String? = nil, database: String, sslMode: SSLMode = .prefer,
        sslRootCertificate: String? = nil, connectTimeout: Duration? = nil, applicationName: String = "chronoguard",
        targetSessionAttributes: TargetSessionAttributes = .readWrite
    ) {
        self.hosts = hosts
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslRootCertificate = sslRootCertificate
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
        self.targetSessionAttributes = targetSessionAttributes
    }

    /// The connection string without the password, for logs and messages.
    public var description: String {
        var text = "postgres://" + Self.encode(user) + (password == nil ? "" : ":***") + "@"
        text += hosts.map(\.description).joined(separator: ",") + "/" + Self.encode(database)
        var query: [String] = []
        if sslMode != .prefer { query.append("sslmode=\(sslMode.rawValue)") }
        if let sslRootCertificate { query.append("sslrootcert=\(Self.encode(sslRootCertificate))") }
        if let connectTimeout { query.append("connect_timeout=\(connectTimeout.components.seconds)") }
        if applicationName != "chronoguard" { query.append("application_name=\(Self.encode(applicationName))") }
        if targetSessionAttributes != .readWrite {
            query.append("target_session_attrs=\(targetSessionAttributes.rawValue)")
        }
        return query.isEmpty ? text : text + "?" + query.joined(separator: "&")
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}

// MARK: - Parsing

/// A connection string the parser refuses; ``description`` says what is wrong and what is expected.
public struct PostgresConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, for the person who wrote the string.
    public let description: String

    init(_ description: String) { self.description = description }
}

extension PostgresConnectionConfiguration {
    /// The expected shape, quoted in every parse error.
    static let shape = "postgres://USER[:PASSWORD]@HOST[:PORT][,HOST2[:PORT]…]/DATABASE[?sslmode=…]"

    /// Parses a `postgres://` (or `postgresql://`) connection string.
    ///
    /// - Throws: ``PostgresConfigurationError`` naming the part that is wrong (the password is never quoted).
    public init(parsing text: String) throws(PostgresConfigurationError) {
        func fail(_ message: String) -> PostgresConfigurationError {
            PostgresConfigurationError("\(message); expected \(Self.shape)")
        }
        guard text.utf8.count <= Self.maximumLength else {
            throw fail("the connection string is longer than \(Self.maximumLength) bytes")
        }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw fail("the connection string may hold only printable ASCII without spaces (percent-encode the rest)")
        }
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if lowered.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw fail("a PostgreSQL connection string starts with postgres:// or postgresql://")
        }
        guard !rest.contains("#") else { throw fail("a connection string has no #fragment") }
        let (beforeQuery, query) = Self.split(rest, at: "?")
        guard let slash = beforeQuery.firstIndex(of: "/") else {
            throw fail("the connection string names no database (the /DATABASE after the hosts)")
        }
        let authority = beforeQuery[..<slash]
        let path = beforeQuery[beforeQuery.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else {
            throw fail("the connection string names no user (USER@ before the hosts)")
        }
        let (userText, passwordText) = Self.split(authority[..<at], at: ":")
        guard let user = Self.decode(userText), !user.isEmpty else {
            throw fail("the user is empty or badly percent-encoded")
        }
        var password: String?
        if let passwordText {
            guard let decoded = Self.decode(passwordText) else {
                throw fail("the password is badly percent-encoded")
            }
            password = decoded
        }
        let hostList = authority[authority.index(after: at)...]
        guard !hostList.isEmpty else { throw fail("the connection string names no host") }
        var hosts: [Host] = []
        for item in hostList.split(separator: ",", omittingEmptySubsequences: false) {
            hosts.append(try Self.parseHost(item, fail))
        }
        guard hosts.count <= Self.maximumHosts else {
            throw fail("the connection string lists \(hosts.count) hosts, more than \(Self.maximumHosts)")
        }
        guard !path.isEmpty, !path.contains("/"), let database = Self.decode(path), !database.isEmpty else {
            throw fail("the database name after the hosts is missing, contains '/', or is badly percent-encoded")
        }
        guard database.utf8.count < 64, user.utf8.count < 64 else {
            throw fail("PostgreSQL names are at most 63 bytes (the user or the database is longer)")
        }
        self.init(hosts: hosts, user: user, password: password, database: database)
        if let query { try applyParameters(query, fail) }
    }

    private mutating func applyParameters(
        _ query: Substring, _ fail: (String) -> PostgresConfigurationError
    ) throws(PostgresConfigurationError) {
        var seen: Set<Parameter> = []
        let supported = Parameter.allCases.map(\.rawValue).joined(separator: ", ")
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (keyText, valueText) = Self.split(pair, at: "=")
            guard !keyText.isEmpty, let value = valueText.flatMap({ Self.decode($0) }) else {
                throw fail("the parameter '\(pair)' is not KEY=VALUE (percent-encoded)")
            }
            guard let key = Parameter(rawValue: String(keyText)) else {
                throw fail("the parameter '\(keyText)' is not supported (supported: \(supported))")
            }
            guard seen.insert(key).inserted else { throw fail("the parameter '\(keyText)' is given twice") }
            switch key {
            case .sslMode:
                guard let mode = SSLMode(rawValue: value) else {
                    let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("sslmode=\(value) is not supported (supported: \(modes))")
                }
                sslMode = mode
            case .sslRootCertificate:
                guard !value.isEmpty else { throw fail("sslrootcert is empty (give the path of a PEM file)") }
                sslRootCertificate = value
            case .connectTimeout:
                guard let seconds = Int(value), (1...3_600).contains(seconds) else {
                    throw fail("connect_timeout=\(value) is not a whole number of seconds from 1 to 3600")
                }
                connectTimeout = .seconds(seconds)
            case .applicationName:
                guard value.utf8.count < 64, value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
                else { throw fail("application_name must be printable ASCII of at most 63 bytes") }
                applicationName = value
            case .targetSessionAttributes:
                guard let attributes = TargetSessionAttributes(rawValue: value) else {
                    throw fail(
                        "target_session_attrs=\(value) is not supported: the store writes, so it needs read-write (or any)"
                    )
                }
                targetSessionAttributes = attributes
            }
        }
    }

    private static func parseHost(
        _ item: Substring, _ fail: (String) -> PostgresConfigurationError
    ) throws(PostgresConfigurationError) -> Host {
        var name: Substring
        var portText: Substring?
        if item.hasPrefix("[") {
            guard let close = item.firstIndex(of: "]") else { throw fail("the IPv6 host '\(item)' lacks its ']'") }
            name = item[item.index(after: item.startIndex)..<close]
            let after = item[item.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 host '\(item)'") }
                portText = after.dropFirst()
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw fail("'\(name)' is not an IPv6 address")
            }
        } else {
            let (host, port) = split(item, at: ":")
            name = host
            portText = port
            guard !name.contains("%") else {
                throw fail("Unix-domain sockets are not supported; name a TCP host (127.0.0.1 for this machine)")
            }
            guard !name.isEmpty, name.utf8.count <= 253,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
            else { throw fail("'\(item)' is not a host name, an IPv4 address or [an IPv6 address]") }
        }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII),
                let number = Int(portText), (1...65_535).contains(number)
            else { throw fail("the port of host '\(item)' is not a number from 1 to 65535") }
            port = number
        }
        return Host(name: String(name), port: port)
    }

    /// `text` before and after the first `separator`; the second part nil without one.
    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    /// Percent-decodes `text` (nil for a malformed escape or bytes that are not UTF-8).
    private static func decode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        guard !bytes.contains(0) else { return nil }
        return String(bytes: bytes, encoding: .utf8)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
