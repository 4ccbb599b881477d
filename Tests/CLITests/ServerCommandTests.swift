import ChainKit
import Foundation
import OTP
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - serve, guardian, keys, audit: end to end through the built binary

/// A `chronoguard serve` process on a free loopback port.
final class ServerProcess {
    let process = Process()
    let port: Int
    let dataDirectory: String
    let log: String

    let host: String

    /// `chronoguard serve` on `host` and a free port; `launcher` runs it through another command (`ip netns exec NS`).
    init(dataDirectory: String, arguments: [String] = [], host: String = "127.0.0.1", launcher: [String] = []) throws {
        self.port = try Self.freePort()
        self.host = host
        self.dataDirectory = dataDirectory
        self.log = dataDirectory + ".log"
        let serve =
            ["serve", "--port", String(port), "--data-dir", dataDirectory, "--log-level", "notice"]
            + (host == "127.0.0.1" ? [] : ["--host", host]) + arguments
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [CLI.executable.path] + serve
        } else {
            process.executableURL = CLI.executable
            process.arguments = serve
        }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var url: String { "http://\(host):\(port)" }

    /// Polls /readyz until the server answers (at most 20 s).
    func waitUntilReady() async throws {
        for _ in 0..<200 {
            if !process.isRunning { break }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: url + "/readyz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw CLIError("the server did not become ready: \(output)")
    }

    /// SIGTERM, then the exit status.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A port the kernel has just handed out (bind to port 0, read it back, release it).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw CLIError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw CLIError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite(.serialized) struct ServerCommandTests {
    /// The whole lifecycle: serve, log in with a keypair file, enroll, confirm, cosign, refuse a replay, refuse a key
    /// rotation while the server runs, stop on SIGTERM, rotate, verify the audit log, restart, and find the burn, the
    /// guardian and the rotated key still in place.
    @Test func serveGuardianKeysAndAuditEndToEnd() async throws {
        let base = CLI.temporaryFile("guardian")
        let dataDirectory = base + "-data"
        let session = base + "-session.json"
        let keypairFile = base + "-wallet.json"
        let anchor = base + "-anchor.json"
        defer {
            for path in [dataDirectory, session, keypairFile, anchor, dataDirectory + ".log"] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }

        let wallet = SolanaKeypair()
        let keypairJSON = "[" + (wallet.seed + wallet.publicKey.bytes).map(String.init).joined(separator: ",") + "]"
        try keypairJSON.write(toFile: keypairFile, atomically: true, encoding: .utf8)

        var server = try ServerProcess(dataDirectory: dataDirectory)
        try await server.waitUntilReadyOrFail()
        let common = ["--url", server.url, "--session-file", session]

        let login = try CLI.run(["guardian", "login", "--keypair", keypairFile] + common)
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("Signed in as \(wallet.publicKey.base58)"))
        let sessionMode = try FileManager.default.attributesOfItem(atPath: session)[.posixPermissions] as? Int
        #expect(sessionMode == 0o600)

        let enroll = try CLI.run(["guardian", "enroll", "--json"] + common)
        #expect(enroll.status == 0, "\(enroll.stderr)")
        let enrollment = try #require(
            try JSONSerialization.jsonObject(with: Data(enroll.stdout.utf8)) as? [String: Any])
        let uri = try #require(enrollment["otpauthUri"] as? String)
        let totp = try #require(try OTPAuthURI(parsing: uri).totp())
        let guardianText = try #require(enrollment["guardianPublicKey"] as? String)
        let guardian = try SolanaPublicKey(base58: guardianText)

        // Confirm with the previous step's code (inside the ±1 window), keeping the current step for the cosign.
        let now = Int64(Date().timeIntervalSince1970)
        let confirm = try CLI.run(["guardian", "confirm", "--code", try totp.code(at: now - 30)] + common)
        #expect(confirm.status == 0, "\(confirm.stderr)")
        #expect(confirm.stdout.contains("is active"))
        let status = try CLI.run(["guardian", "status"] + common)
        #expect(
            status.status == 0 && status.stdout.contains("guardian \(guardian.base58), active"),
            "\(status.stdout)\(status.stderr)")

        let code = try totp.code(at: Int64(Date().timeIntervalSince1970))
        let cosignArguments = try PostgresCommandTests.cosignArguments(wallet: wallet, guardian: guardian, code: code)
        let cosign = try CLI.run(cosignArguments + common)
        #expect(cosign.status == 0, "\(cosign.stderr)")
        let signedBytes = try #require(Data(base64Encoded: cosign.lastLine))
        let signed = try SolanaTransaction(wireBytes: signedBytes)
        #expect(signed.isFullyVerified)
        #expect(signed.signatures[1] != .empty)

        let replay = try CLI.run(cosignArguments + common)
        #expect(replay.status == 2 && replay.stderr.contains("code_already_used"), "\(replay.stderr)")

        let busy = try CLI.run("keys", "rotate", "--data-dir", dataDirectory)
        #expect(busy.status == 2 && busy.stderr.contains("stop it first"), "\(busy.stderr)")

        #expect(server.terminate() == 0, "graceful shutdown on SIGTERM exits 0")

        let rotate = try CLI.run("keys", "rotate", "--data-dir", dataDirectory)
        #expect(
            rotate.status == 0 && rotate.stdout.contains("1 wallet key(s) rewrapped"),
            "\(rotate.stdout)\(rotate.stderr)")
        let keyMode =
            try FileManager.default.attributesOfItem(atPath: dataDirectory + "/master.key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        let audit = try CLI.run("audit", "verify", "--data-dir", dataDirectory, "--write-anchor", anchor)
        #expect(audit.status == 0 && audit.stdout.contains("Audit log intact"), "\(audit.stdout)\(audit.stderr)")

        server = try ServerProcess(dataDirectory: dataDirectory)
        try await server.waitUntilReadyOrFail()
        let restartedCommon = ["--url", server.url, "--session-file", session + ".2"]
        defer { try? FileManager.default.removeItem(atPath: session + ".2") }
        #expect(try CLI.run(["guardian", "login", "--keypair", keypairFile] + restartedCommon).status == 0)
        let after = try CLI.run(["guardian", "status", "--json"] + restartedCommon)
        #expect(
            after.stdout.contains(guardian.base58) && after.stdout.contains("active"), "\(after.stdout)\(after.stderr)")
        // Still burned — and recognised as a replay, which takes decrypting the TOTP secret under the rotated key.
        let replayAfterRestart = try CLI.run(cosignArguments + restartedCommon)
        #expect(replayAfterRestart.stderr.contains("code_already_used"), "\(replayAfterRestart.stderr)")
        let logout = try CLI.run(["guardian", "logout"] + restartedCommon)
        #expect(logout.status == 0 && !FileManager.default.fileExists(atPath: session + ".2"), "\(logout.stderr)")
        #expect(try CLI.run(["guardian", "status"] + restartedCommon).status == 2, "no session after logout")
        #expect(server.terminate() == 0)

        let auditAgain = try CLI.run("audit", "verify", "--data-dir", dataDirectory, "--anchor", anchor)
        #expect(auditAgain.status == 0, "\(auditAgain.stdout)\(auditAgain.stderr)")
    }

    /// Governance through the CLI: recovery codes shown at confirmation, migration, an emergency rotation authorised
    /// by a recovery code (the CLI signs the governance challenge with the keypair), status, cancel, break-glass.
    @Test func governanceAndRecoveryEndToEnd() async throws {
        let base = CLI.temporaryFile("governance")
        let dataDirectory = base + "-data"
        let session = base + "-session.json"
        let keypairFile = base + "-wallet.json"
        defer {
            for path in [dataDirectory, session, keypairFile, dataDirectory + ".log"] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let wallet = SolanaKeypair()
        try ("[" + (wallet.seed + wallet.publicKey.bytes).map(String.init).joined(separator: ",") + "]").write(
            toFile: keypairFile, atomically: true, encoding: .utf8)
        let server = try ServerProcess(dataDirectory: dataDirectory)
        defer { _ = server.terminate() }
        try await server.waitUntilReadyOrFail()
        let common = ["--url", server.url, "--session-file", session]
        #expect(try CLI.run(["guardian", "login", "--keypair", keypairFile] + common).status == 0)
        let enroll = try CLI.run(["guardian", "enroll", "--json"] + common)
        let enrollment = try #require(
            try JSONSerialization.jsonObject(with: Data(enroll.stdout.utf8)) as? [String: Any])
        let uri = try #require(enrollment["otpauthUri"] as? String)
        let totp = try #require(try OTPAuthURI(parsing: uri).totp())
        // Three steps in the ±1 window: confirm, migrate, cancel — each burns one.
        let now = Int64(Date().timeIntervalSince1970)
        let confirm = try CLI.run(["guardian", "confirm", "--code", try totp.code(at: now - 30)] + common)
        #expect(confirm.status == 0, "\(confirm.stderr)")
        let codes = confirm.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0.wholeMatch(of: /[a-z2-7]{4}(-[a-z2-7]{4}){3}/) != nil
        }
        #expect(codes.count == 10, "\(confirm.stdout)")

        let v1 = try CLI.run(["guardian", "governance"] + common)
        #expect(v1.status == 0 && v1.stdout.contains("governance v1, sequence 0 (next 1)"), "\(v1.stdout)\(v1.stderr)")
        let migrate = try CLI.run(["guardian", "migrate", "--code", try totp.code(at: now)] + common)
        #expect(migrate.status == 0 && migrate.stdout.contains("Action: migrate"), "\(migrate.stdout)\(migrate.stderr)")
        let missing = try CLI.run(["guardian", "rotate", "--kind", "emergency", "--recovery-code", codes[0]] + common)
        #expect(missing.status != 0 && missing.stderr.contains("--keypair"), "\(missing.stderr)")
        let rotate = try CLI.run(
            [
                "guardian", "rotate", "--kind", "emergency", "--recovery-code", codes[0].uppercased(), "--keypair",
                keypairFile,
            ] + common)
        #expect(
            rotate.status == 0 && rotate.stdout.contains("Pending emergency rotation")
                && rotate.stdout.contains("Authorized By: recovery_code"), "\(rotate.stdout)\(rotate.stderr)")
        let early = try CLI.run(["guardian", "execute-rotation"] + common)
        #expect(early.status == 2 && early.stderr.contains("timelock_active"), "\(early.stderr)")
        let cancel = try CLI.run(["guardian", "cancel-rotation", "--code", try totp.code(at: now + 30)] + common)
        #expect(
            cancel.status == 0 && cancel.stdout.contains("sequence 3 (next 4)") && !cancel.stdout.contains("Pending"),
            "\(cancel.stdout)\(cancel.stderr)")
        let glass = try CLI.run(
            ["guardian", "break-glass", "--recovery-code", codes[1], "--keypair", keypairFile] + common)
        #expect(
            glass.status == 0 && glass.stdout.contains("8 recovery codes left")
                && glass.stdout.contains("Action: break_glass"), "\(glass.stdout)\(glass.stderr)")
        let reused = try CLI.run(
            ["guardian", "break-glass", "--recovery-code", codes[1], "--keypair", keypairFile] + common)
        #expect(reused.status == 2 && reused.stderr.contains("recovery_code_used"), "\(reused.stderr)")
    }

    /// Transaction policies through the CLI: a daily SOL limit refuses an over-limit transfer before the code is
    /// looked at (the code still works afterwards), and removing the policy waits 24 hours.
    @Test func policyEndToEnd() async throws {
        let base = CLI.temporaryFile("policy")
        let dataDirectory = base + "-data"
        let session = base + "-session.json"
        let keypairFile = base + "-wallet.json"
        defer {
            for path in [dataDirectory, session, keypairFile, dataDirectory + ".log"] {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let wallet = SolanaKeypair()
        try ("[" + (wallet.seed + wallet.publicKey.bytes).map(String.init).joined(separator: ",") + "]").write(
            toFile: keypairFile, atomically: true, encoding: .utf8)
        let server = try ServerProcess(dataDirectory: dataDirectory)
        defer { _ = server.terminate() }
        try await server.waitUntilReadyOrFail()
        let common = ["--url", server.url, "--session-file", session]
        #expect(try CLI.run(["guardian", "login", "--keypair", keypairFile] + common).status == 0)
        let enroll = try CLI.run(["guardian", "enroll", "--json"] + common)
        let enrollment = try #require(
            try JSONSerialization.jsonObject(with: Data(enroll.stdout.utf8)) as? [String: Any])
        let uri = try #require(enrollment["otpauthUri"] as? String)
        let totp = try #require(try OTPAuthURI(parsing: uri).totp())
        let guardian = try SolanaPublicKey(base58: try #require(enrollment["guardianPublicKey"] as? String))
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try CLI.run(["guardian", "confirm", "--code", try totp.code(at: now - 30)] + common).status == 0)

        let none = try CLI.run(["guardian", "policy"] + common)
        #expect(none.status == 0 && none.stdout.contains("revision 0: none"), "\(none.stdout)\(none.stderr)")
        let badLimit = try CLI.run(["guardian", "set-policy", "--limit", "SOL-day-5", "--code", "123456"] + common)
        #expect(badLimit.status != 0 && badLimit.stderr.contains("ASSET:PERIOD:AMOUNT"), "\(badLimit.stderr)")
        let set = try CLI.run(
            ["guardian", "set-policy", "--limit", "SOL:day:500000", "--code", try totp.code(at: now)] + common)
        #expect(
            set.status == 0 && set.stdout.contains("500000 SOL per day") && set.stdout.contains("spent 0 of 500000"),
            "\(set.stdout)\(set.stderr)")

        // A System transfer of 1,000,000 lamports from the wallet: over the limit, refused before the code is checked.
        let transaction = try PostgresCommandTests.transferTransaction(wallet: wallet, guardian: guardian)
        let code = try totp.code(at: now + 30)
        let refused = try CLI.run(["guardian", "cosign", "--transaction", transaction, "--code", code] + common)
        #expect(
            refused.status == 2 && refused.stderr.contains("policy_spending_limit_exceeded")
                && refused.stderr.contains("500000"), "\(refused.stderr)")
        // The refusal consumed nothing: the same code loosens the policy, which waits 24 hours.
        let remove = try CLI.run(["guardian", "set-policy", "--remove", "--code", code] + common)
        #expect(
            remove.status == 0 && remove.stdout.contains("500000 SOL per day")
                && remove.stdout.contains("loosening waits 24 h"), "\(remove.stdout)\(remove.stderr)")
    }

    @Test func unusableOptionsAndMissingDataFailWithASentence() throws {
        let missing = CLI.temporaryFile("nothing-here")
        for arguments in [
            ["serve", "--port", "70000"], ["serve", "--ip-rate-limit", "fast"], ["serve", "--tls-key", "k.pem"],
            ["keys", "rotate", "--data-dir", missing], ["audit", "verify", "--data-dir", missing],
            ["guardian", "status", "--url", "ftp://x", "--wallet", SolanaKeypair().publicKey.base58],
            ["guardian", "enroll", "--session-file", missing],
            ["guardian", "login", "--keypair", missing],
        ] {
            let result = try CLI.run(arguments)
            // A usage error in `serve`'s options is EX_USAGE (64); unusable input elsewhere is 2.
            #expect(
                result.status == (arguments[0] == "serve" ? 64 : 2), "\(arguments): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.hasPrefix("error: ") && !result.stderr.contains("Fatal error"),
                "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "tools must not create a data directory")
        // A server that cannot reach the URL is a transport failure, not a crash.
        let port = try ServerProcess.freePort()
        let offline = try CLI.run(
            "guardian", "status", "--url", "http://127.0.0.1:\(port)", "--wallet", SolanaKeypair().publicKey.base58)
        #expect(offline.status == 2 && offline.stderr.contains("transport_failed"), "\(offline.stderr)")
    }
}

extension ServerProcess {
    func waitUntilReadyOrFail() async throws { try await waitUntilReady() }

    /// Through the CLI: `guardian login` with `keypairFile`, `enroll`, and `confirm` with the previous step's code
    /// (inside the ±1 window), so that the current step is left for a cosign. Returns the authenticator.
    func enrollThroughTheCLI(keypairFile: String, sessionFile: String) throws -> TOTP {
        let common = ["--url", url, "--session-file", sessionFile]
        let login = try CLI.run(["guardian", "login", "--keypair", keypairFile] + common)
        #expect(login.status == 0, "\(login.stderr)")
        let enroll = try CLI.run(["guardian", "enroll", "--json"] + common)
        let enrollment = try #require(
            try JSONSerialization.jsonObject(with: Data(enroll.stdout.utf8)) as? [String: Any], "\(enroll.stderr)")
        let uri = try #require(enrollment["otpauthUri"] as? String)
        let totp = try #require(try OTPAuthURI(parsing: uri).totp())
        let now = Int64(Date().timeIntervalSince1970)
        let confirm = try CLI.run(["guardian", "confirm", "--code", try totp.code(at: now - 30)] + common)
        #expect(confirm.status == 0, "\(confirm.stderr)")
        return totp
    }
}
