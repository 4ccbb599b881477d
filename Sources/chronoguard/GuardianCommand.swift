import ArgumentParser
import ChainKit
import Foundation
import GuardianAPI
import GuardianServer
import QRCode

// MARK: - chronoguard guardian

/// `chronoguard guardian …`: drives a guardian server's API over HTTP — sign in with the wallet's keypair, enroll an
/// authenticator app, confirm, check the status, and have a transaction co-signed.
struct GuardianCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardian",
        abstract: "Talk to a guardian co-signer over HTTP.",
        discussion: """
            `login` stores the session (a 15-minute bearer token) in --session-file, mode 0600; the other commands \
            read it from there. The server URL defaults to CHRONOGUARD_URL or http://127.0.0.1:8080; an API key, \
            when the server requires one, comes from CHRONOGUARD_API_KEY.
            """,
        subcommands: [
            Login.self, Enroll.self, Confirm.self, Status.self, Cosign.self, Logout.self,
            Governance.self, Migrate.self, Rotate.self, CancelRotation.self, ExecuteRotation.self, BreakGlass.self,
            RecoveryCodes.self, Reenroll.self, Policy.self, SetPolicy.self,
        ]
    )

    // MARK: Shared options

    struct Connection: ParsableArguments {
        @Option(help: "The guardian's base URL (default: CHRONOGUARD_URL or http://127.0.0.1:8080).")
        var url: String?

        @Option(
            name: .customLong("session-file"), help: "Where the session is kept (default: ~/.chronoguard/session.json)."
        )
        var sessionFile: String?

        @Flag(help: "Print the server's JSON response instead of text.")
        var json = false

        var environment: [String: String] { ProcessInfo.processInfo.environment }

        func client() throws -> GuardianAPIClient {
            let text = url ?? environment["CHRONOGUARD_URL"] ?? "http://127.0.0.1:8080"
            guard let base = URL(string: text), let scheme = base.scheme, ["http", "https"].contains(scheme),
                base.host != nil
            else {
                throw CLIFailure("--url must be an http(s) URL such as http://127.0.0.1:8080, not \(text).")
            }
            return GuardianAPIClient(
                baseURL: base, apiKey: environment["CHRONOGUARD_API_KEY"].flatMap { $0.isEmpty ? nil : $0 })
        }

        var sessionPath: String {
            if let sessionFile { return sessionFile }
            let home = environment["HOME"] ?? NSHomeDirectory()
            return URL(fileURLWithPath: home).appendingPathComponent(".chronoguard/session.json").path
        }

        /// The stored session; it must be for this server.
        func session(for client: GuardianAPIClient) throws -> StoredSession {
            guard let data = FileManager.default.contents(atPath: sessionPath),
                let session = try? JSONDecoder().decode(StoredSession.self, from: data)
            else {
                throw CLIFailure("No session in \(sessionPath); run `chronoguard guardian login --keypair FILE` first.")
            }
            guard session.url == client.baseURL.absoluteString else {
                throw CLIFailure(
                    "The session in \(sessionPath) is for \(session.url), not \(client.baseURL.absoluteString); log in to this server first."
                )
            }
            guard session.expiresAt > Date() else {
                throw CLIFailure("The session in \(sessionPath) expired at \(session.expiresAt); log in again.")
            }
            return session
        }

        /// Writes the session file with mode 0600 from the start (the token is a credential).
        func save(_ session: StoredSession) throws {
            let url = URL(fileURLWithPath: sessionPath)
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(session)
            _ = FileManager.default.createFile(
                atPath: sessionPath + ".tmp", contents: nil, attributes: [.posixPermissions: 0o600])
            guard let handle = FileHandle(forWritingAtPath: sessionPath + ".tmp") else {
                throw CLIFailure("Cannot write the session file \(sessionPath).")
            }
            handle.write(data)
            try handle.close()
            guard rename(sessionPath + ".tmp", sessionPath) == 0 else {
                throw CLIFailure("Cannot write the session file \(sessionPath).")
            }
        }

        func printJSON<T: Encodable>(_ value: T) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        }
    }

    /// What `login` keeps between invocations.
    struct StoredSession: Codable {
        var url: String
        var wallet: String
        var token: String
        var expiresAt: Date
    }

    static func wallet(_ text: String, option: String) throws -> SolanaPublicKey {
        guard let key = try? SolanaPublicKey(base58: text) else {
            throw CLIFailure("\(option) must be a Base58 Solana address, not \(text).")
        }
        return key
    }

    // MARK: login

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Sign in with the wallet's keypair (Sign In With Solana) and store the session.",
            discussion:
                "The keypair file is solana-keygen's JSON array of 64 bytes (seed then public key), or of the 32-byte seed. The sign-in message is parsed and checked (wallet, domain, URI, the sign-in statement word for word, no request id, nonce, lifetime) before it is signed, so a hostile server cannot pass another message off as a sign-in."
        )

        @OptionGroup var connection: Connection

        @Option(help: "The wallet's keypair file (solana-keygen JSON).")
        var keypair: String

        @Option(
            name: .customLong("expected-domain"), help: "The sign-in domain to accept (default: the URL's host:port).")
        var expectedDomain: String?

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let keys = try Self.readKeypair(keypair)
                let session = try await client.login(keypair: keys, expectedDomain: expectedDomain)
                try connection.save(
                    StoredSession(
                        url: client.baseURL.absoluteString, wallet: session.wallet, token: session.token,
                        expiresAt: session.expiresAt))
                if connection.json {
                    try connection.printJSON([
                        "wallet": session.wallet, "expiresAt": ISO8601DateFormatter().string(from: session.expiresAt),
                        "sessionFile": connection.sessionPath,
                    ])
                } else {
                    print(
                        "Signed in as \(session.wallet) until \(ISO8601DateFormatter().string(from: session.expiresAt)); session saved to \(connection.sessionPath)."
                    )
                }
            }
        }

        static func readKeypair(_ path: String) throws -> SolanaKeypair {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIFailure("Cannot read the keypair file \(path).")
            }
            guard let numbers = try? JSONDecoder().decode([Int].self, from: data),
                numbers.allSatisfy({ (0...255).contains($0) })
            else {
                throw CLIFailure("The keypair file \(path) is not a JSON array of bytes (solana-keygen format).")
            }
            let bytes = numbers.map { UInt8($0) }
            do {
                switch bytes.count {
                case SolanaKeypair.keypairByteCount: return try SolanaKeypair(keypairBytes: bytes)
                case SolanaKeypair.seedByteCount: return try SolanaKeypair(seed: bytes)
                default:
                    throw CLIFailure(
                        "The keypair file \(path) holds \(bytes.count) bytes; expected 64 (solana-keygen) or 32 (seed)."
                    )
                }
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure(
                    "The keypair file \(path) is not a valid Ed25519 keypair: its public key does not match its seed.")
            }
        }
    }

    // MARK: enroll

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enroll",
            abstract: "Create the wallet's guardian and show the authenticator QR code (once).",
            discussion:
                "Scan the QR code (or enter the otpauth URI) in an authenticator app, then run `chronoguard guardian confirm --code CODE`. The URI and the QR code contain the secret: do not save or share them."
        )

        @OptionGroup var connection: Connection

        @Option(name: .customLong("qr-svg"), help: "Also write the QR code as an SVG file (mode 0600).")
        var qrSVG: String?

        @Flag(name: .customLong("no-qr"), help: "Do not draw the QR code in the terminal.")
        var noQR = false

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let session = try connection.session(for: client)
                let enrollment = try await client.beginEnrollment(
                    wallet: try GuardianCommand.wallet(session.wallet, option: "session wallet"), token: session.token)
                if let qrSVG, let svg = enrollment.qrSvg {
                    guard
                        FileManager.default.createFile(
                            atPath: qrSVG, contents: Data(svg.utf8), attributes: [.posixPermissions: 0o600])
                    else {
                        throw CLIFailure("Cannot write the QR code to \(qrSVG).")
                    }
                }
                if connection.json { return try connection.printJSON(enrollment) }
                print("Guardian public key: \(enrollment.guardianPublicKey)")
                print("Add it as a required signer of the wallet's transactions, then confirm with a code.")
                if !noQR {
                    print(try QRCode.encode(enrollment.otpauthUri, ecLevel: .medium).terminalString())
                }
                print(enrollment.otpauthUri)
            }
        }
    }

    // MARK: confirm

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm",
            abstract: "Activate the guardian with a code from the authenticator app.")

        @OptionGroup var connection: Connection

        @Option(help: "The code the authenticator app shows.")
        var code: String

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let session = try connection.session(for: client)
                let status = try await client.confirmEnrollment(
                    wallet: try GuardianCommand.wallet(session.wallet, option: "session wallet"), code: code,
                    token: session.token)
                if connection.json { return try connection.printJSON(status) }
                print("Guardian \(status.guardianPublicKey) is \(status.status) for \(status.wallet).")
                if let codes = status.recoveryCodes, !codes.isEmpty {
                    print(
                        "\nRecovery codes — shown only now. Store them offline; each works once, for break-glass recovery"
                    )
                    print("or to re-enroll a lost authenticator:")
                    for code in codes { print("  \(code)") }
                }
            }
        }
    }

    // MARK: status

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show a wallet's guardian key and enrollment state.")

        @OptionGroup var connection: Connection

        @Option(help: "The wallet (default: the signed-in wallet). Lock state is shown only for your own wallet.")
        var wallet: String?

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let session = wallet == nil ? try connection.session(for: client) : nil
                let address = try GuardianCommand.wallet(wallet ?? session!.wallet, option: "--wallet")
                let status = try await client.guardianStatus(wallet: address, token: session?.token)
                if connection.json { return try connection.printJSON(status) }
                var line = "Wallet \(status.wallet): guardian \(status.guardianPublicKey), \(status.status)"
                if status.disabled == true { line += ", DISABLED (an operator must unlock it)" }
                if let until = status.lockedUntil {
                    line += ", locked until \(ISO8601DateFormatter().string(from: until))"
                }
                print(line + ".")
            }
        }
    }

    // MARK: cosign

    struct Cosign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cosign",
            abstract: "Have the guardian co-sign a transaction after a fresh code.",
            discussion:
                "The transaction is the serialized transaction in standard Base64, with the wallet and its guardian key as required signers. Prints the transaction with the guardian's signature in its slot (Base64) on the last line."
        )

        @OptionGroup var connection: Connection

        @Option(help: "The serialized transaction, Base64.")
        var transaction: String?

        @Option(
            name: .customLong("transaction-file"),
            help: "A file holding the Base64 transaction ('-' for standard input).")
        var transactionFile: String?

        @Option(help: "The code the authenticator app shows.")
        var code: String

        func run() async throws {
            try await reportingFailures {
                let base64 = try readTransaction()
                let client = try connection.client()
                let session = try connection.session(for: client)
                let result = try await client.cosign(
                    wallet: try GuardianCommand.wallet(session.wallet, option: "session wallet"),
                    transactionBase64: base64, code: code, token: session.token)
                if connection.json { return try connection.printJSON(result) }
                Self.printNote(
                    "Co-signed by \(result.guardianPublicKey) (operation \(result.operationId), step \(result.step)); signature \(result.signature)."
                )
                print(result.transaction)
            }
        }

        func readTransaction() throws -> String {
            switch (transaction, transactionFile) {
            case let (text?, nil):
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            case let (nil, path?):
                let data =
                    path == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
                guard let data else { throw CLIFailure("Cannot read the transaction file \(path).") }
                return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            default:
                throw CLIFailure("Give the transaction with exactly one of --transaction or --transaction-file.")
            }
        }
    }

    // MARK: logout

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logout",
            abstract: "End the session on the server and delete the session file.")

        @OptionGroup var connection: Connection

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let session = try connection.session(for: client)
                try await client.logout(token: session.token)
                try? FileManager.default.removeItem(atPath: connection.sessionPath)
                print("Signed out.")
            }
        }
    }
}
