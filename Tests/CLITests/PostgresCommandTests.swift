import ChainKit
import Foundation
import GuardianPostgres
import GuardianTestSupport
import OTP
import PostgresNIO
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - serve, keys, audit and store migrate on PostgreSQL, through the built binary

/// The CLI against the tests' PostgreSQL cluster (`CHRONOGUARD_POSTGRES_URL`, or a private cluster the test process
/// starts): each test gets a database of its own (the CLI's URL names a database; schemas are a library option).
@Suite(.serialized) struct PostgresCommandTests {
    /// The cluster's URL with `database` in place of its own (the password kept: the CLI needs it).
    static func url(for database: PostgresTestDatabase) throws -> String {
        let base = try PostgresTestCluster.url()
        let parts = base.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let head = String(parts[0])
        guard let at = head.range(of: "@"), let slash = head.range(of: "/", range: at.upperBound..<head.endIndex)
        else { throw CLIError("unexpected cluster URL shape") }
        let query = parts.count > 1 ? "?" + String(parts[1]) : ""
        return String(head[..<slash.lowerBound]) + "/" + database.name + query
    }

    /// A master key file as an operator creates one: Base64 of 32 random bytes, mode 0600.
    static func writeKeyFile(_ path: String) throws {
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        try (Data(bytes).base64EncodedString() + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    static func readyStatus(_ server: ServerProcess) async -> Int? {
        guard let (_, response) = try? await URLSession.shared.data(from: URL(string: server.url + "/readyz")!) else {
            return nil
        }
        return (response as? HTTPURLResponse)?.statusCode
    }

    static func cosignArguments(wallet: SolanaKeypair, guardian: SolanaPublicKey, code: String) throws -> [String] {
        [
            "guardian", "cosign", "--transaction", try transferTransaction(wallet: wallet, guardian: guardian),
            "--code", code,
        ]
    }

    /// A System transfer of 1,000,000 lamports from `wallet` to a random address, signed by the wallet with the
    /// guardian's signature slot empty, in Base64: what a wallet sends to be co-signed.
    static func transferTransaction(wallet: SolanaKeypair, guardian: SolanaPublicKey) throws -> String {
        let message = try SolanaMessage(
            version: .legacy,
            header: .init(numRequiredSignatures: 2, numReadonlySignedAccounts: 1, numReadonlyUnsignedAccounts: 1),
            staticAccountKeys: [wallet.publicKey, guardian, SolanaKeypair().publicKey, .zero],
            recentBlockhash: try SolanaBlockhash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }),
            instructions: [
                .init(programIDIndex: 3, accountIndexes: [0, 2], data: [2, 0, 0, 0, 64, 66, 15, 0, 0, 0, 0, 0])
            ])
        return Data(try SolanaTransaction(message: message).signing(with: wallet).serialized()).base64EncodedString()
    }

    /// A copy of the CLI's session file that names another node (the CLI binds a session file to one URL; the token
    /// is what the server checks). Returns the copy's path.
    static func session(_ path: String, for url: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["url"] = url
        let copy = path + "." + String(url.hashValue, radix: 16)
        FileManager.default.createFile(
            atPath: copy, contents: try JSONSerialization.data(withJSONObject: object),
            attributes: [.posixPermissions: 0o600])
        return copy
    }

    /// Stops whichever of `servers` still runs (a failed expectation must not leave servers behind).
    static func stop(_ servers: ServerProcess...) {
        for server in servers where server.process.isRunning { _ = server.terminate() }
    }

    static func writeKeypair(_ wallet: SolanaKeypair, to path: String) throws {
        let keypairJSON = "[" + (wallet.seed + wallet.publicKey.bytes).map(String.init).joined(separator: ",") + "]"
        try keypairJSON.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Two nodes on one database: a session from node A works on node B, a code burned on B is refused on A, the
    /// audit chain verifies through `audit verify --store`, `/readyz` answers 503 while the database refuses
    /// connections and 200 again afterwards, and `keys rotate --store` rewraps the wallet under a new key file.
    @Test func twoNodesOnPostgresKeysAndAudit() async throws {
        let database = try await PostgresTestDatabase.createDatabase()
        let url = try Self.url(for: database)
        let base = CLI.temporaryFile("pg-nodes")
        let keyFile = base + "-master.key"
        let session = base + "-session.json"
        let keypairFile = base + "-wallet.json"
        defer {
            for suffix in [
                "-a", "-b", "-a.log", "-b.log", "-c", "-c.log", "-master.key", "-master.key.next",
                "-session.json", "-wallet.json",
            ] {
                try? FileManager.default.removeItem(atPath: base + suffix)
            }
        }
        try Self.writeKeyFile(keyFile)
        let wallet = SolanaKeypair()
        try Self.writeKeypair(wallet, to: keypairFile)
        let store = ["--store", url, "--master-key-file", keyFile]

        let nodeA = try ServerProcess(dataDirectory: base + "-a", arguments: store)
        let nodeB = try ServerProcess(dataDirectory: base + "-b", arguments: store)
        defer { Self.stop(nodeA, nodeB) }
        try await nodeA.waitUntilReady()
        try await nodeB.waitUntilReady()
        #expect(!FileManager.default.fileExists(atPath: base + "-a/guardian.sqlite"), "no SQLite with --store")

        let totp = try nodeA.enrollThroughTheCLI(keypairFile: keypairFile, sessionFile: session)
        let sessionB = try Self.session(session, for: nodeB.url)
        defer { try? FileManager.default.removeItem(atPath: sessionB) }
        let status = try CLI.run(["guardian", "status", "--json", "--url", nodeB.url, "--session-file", sessionB])
        #expect(status.status == 0 && status.stdout.contains("active"), "node A's session on node B: \(status.stderr)")
        let statusJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let guardian = try SolanaPublicKey(base58: try #require(statusJSON["guardianPublicKey"] as? String))

        let codeTime = Int64(Date().timeIntervalSince1970)
        let code = try totp.code(at: codeTime)
        let cosign = try Self.cosignArguments(wallet: wallet, guardian: guardian, code: code)
        let onB = try CLI.run(cosign + ["--url", nodeB.url, "--session-file", sessionB])
        #expect(onB.status == 0, "cosign on node B: \(onB.stderr)")
        let onA = try CLI.run(cosign + ["--url", nodeA.url, "--session-file", session])
        #expect(onA.status == 2 && onA.stderr.contains("code_already_used"), "replay on node A: \(onA.stderr)")

        let audit = try CLI.run(["audit", "verify"] + store)
        #expect(audit.status == 0 && audit.stdout.contains("Audit log intact"), "\(audit.stdout)\(audit.stderr)")

        // The database stops accepting connections: readiness fails quickly with 503, then recovers.
        try await PostgresTestDatabase.cluster("ALTER DATABASE \(database.name) ALLOW_CONNECTIONS false")
        try await database.terminateOtherSessions()
        let started = ContinuousClock.now
        var unready = await Self.readyStatus(nodeA)
        for _ in 0..<50 where unready == 200 {
            try await Task.sleep(for: .milliseconds(100))
            unready = await Self.readyStatus(nodeA)
        }
        #expect(unready == 503, "readyz while the database refuses connections")
        #expect(ContinuousClock.now - started < .seconds(15), "503 comes quickly")
        try await PostgresTestDatabase.cluster("ALTER DATABASE \(database.name) ALLOW_CONNECTIONS true")
        var ready = await Self.readyStatus(nodeA)
        for _ in 0..<100 where ready != 200 {
            try await Task.sleep(for: .milliseconds(100))
            ready = await Self.readyStatus(nodeA)
        }
        #expect(ready == 200, "readyz after the database accepts connections again")

        #expect(nodeA.terminate() == 0)
        #expect(nodeB.terminate() == 0)

        let rotate = try CLI.run(["keys", "rotate"] + store)
        #expect(
            rotate.status == 0 && rotate.stdout.contains("1 wallet key(s) rewrapped"),
            "\(rotate.stdout)\(rotate.stderr)")
        let keyMode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        // A node with the new key file: the burned code is recognised (the TOTP secret decrypts under the new key).
        let nodeC = try ServerProcess(dataDirectory: base + "-c", arguments: store)
        defer { Self.stop(nodeC) }
        try await nodeC.waitUntilReady()
        let sessionC = try Self.session(session, for: nodeC.url)
        defer { try? FileManager.default.removeItem(atPath: sessionC) }
        let replay = try CLI.run(cosign + ["--url", nodeC.url, "--session-file", sessionC])
        // Recognised as spent while its step is inside the ±1 window; on a machine so loaded that the step has left
        // the window since, the code is simply wrong now — either answer needs the secret decrypted under the new key.
        let stepsSince = Int64(Date().timeIntervalSince1970) / 30 - codeTime / 30
        #expect(
            replay.status == 2 && replay.stderr.contains(stepsSince <= 1 ? "code_already_used" : "invalid_code"),
            "after rotation (\(stepsSince) steps later): \(replay.stderr)")
        #expect(nodeC.terminate() == 0)
        let auditAgain = try CLI.run(["audit", "verify"] + store)
        #expect(auditAgain.status == 0, "\(auditAgain.stdout)\(auditAgain.stderr)")
        try await database.drop()
    }

    /// `store migrate`: a SQLite guardian moves to PostgreSQL with its burned code, session and audit chain; a second
    /// migration into the now-used database is refused and changes nothing.
    @Test func migrateFromSQLiteToPostgres() async throws {
        let database = try await PostgresTestDatabase.createDatabase()
        let url = try Self.url(for: database)
        let base = CLI.temporaryFile("pg-migrate")
        let dataDirectory = base + "-data"
        let session = base + "-session.json"
        let keypairFile = base + "-wallet.json"
        defer {
            for suffix in ["-data", "-data.log", "-pg", "-pg.log", "-session.json", "-wallet.json"] {
                try? FileManager.default.removeItem(atPath: base + suffix)
            }
        }
        let wallet = SolanaKeypair()
        try Self.writeKeypair(wallet, to: keypairFile)

        let sqliteNode = try ServerProcess(dataDirectory: dataDirectory)
        defer { Self.stop(sqliteNode) }
        try await sqliteNode.waitUntilReady()
        let totp = try sqliteNode.enrollThroughTheCLI(keypairFile: keypairFile, sessionFile: session)
        let status = try CLI.run(["guardian", "status", "--json", "--url", sqliteNode.url, "--session-file", session])
        let statusJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let guardian = try SolanaPublicKey(base58: try #require(statusJSON["guardianPublicKey"] as? String))
        let codeTime = Int64(Date().timeIntervalSince1970)
        let code = try totp.code(at: codeTime)
        let cosign = try Self.cosignArguments(wallet: wallet, guardian: guardian, code: code)
        let first = try CLI.run(cosign + ["--url", sqliteNode.url, "--session-file", session])
        #expect(first.status == 0, "\(first.stderr)")

        let whileRunning = try CLI.run("store", "migrate", "--from", dataDirectory, "--to", url)
        #expect(whileRunning.status != 0 && whileRunning.stderr.contains("Stop the server"), "\(whileRunning.stderr)")
        #expect(sqliteNode.terminate() == 0)

        let migrate = try CLI.run("store", "migrate", "--from", dataDirectory, "--to", url)
        #expect(
            migrate.status == 0 && migrate.stdout.contains("Migrated 1 wallet(s), 1 cosign(s)")
                && migrate.stdout.contains("verified before and after"),
            "\(migrate.stdout)\(migrate.stderr)")
        let again = try CLI.run("store", "migrate", "--from", dataDirectory, "--to", url)
        #expect(again.status == 73 && again.stderr.contains("already holds guardian state"), "\(again.stderr)")

        let keyFile = dataDirectory + "/master.key"
        let node = try ServerProcess(
            dataDirectory: base + "-pg", arguments: ["--store", url, "--master-key-file", keyFile])
        defer { Self.stop(node) }
        try await node.waitUntilReady()
        // The session moved too; the burned code stays burned.
        let moved = try Self.session(session, for: node.url)
        defer { try? FileManager.default.removeItem(atPath: moved) }
        let replay = try CLI.run(cosign + ["--url", node.url, "--session-file", moved])
        #expect(replay.stderr.contains("code_already_used"), "\(replay.stderr)")
        #expect(node.terminate() == 0)
        let audit = try CLI.run("audit", "verify", "--store", url, "--master-key-file", keyFile)
        #expect(audit.status == 0 && audit.stdout.contains("Audit log intact"), "\(audit.stdout)\(audit.stderr)")
        try await database.drop()
    }

    /// Bad input: one sentence, a usage status, nothing started or changed.
    @Test func unusableStoreOptionsFailWithASentence() throws {
        let noKey = ["CHRONOGUARD_MASTER_KEY": ""]
        let cases: [([String], Int32, String)] = [
            (["serve", "--store", "mysql://u@h/db"], 64, "must be a PostgreSQL URL"),
            (["serve", "--store", "postgres://u@h:99999/db"], 64, "--store"),
            (["serve", "--master-key-file", "/tmp/none.key"], 64, "goes with --store"),
            (["audit", "verify", "--store", "postgres://u@h/db?sslmode=allow"], 64, "--store"),
            (["keys", "rotate", "--store", "http://h/db"], 64, "must be a PostgreSQL URL"),
            (
                ["store", "migrate", "--from", "/nonexistent-chronoguard", "--to", "postgres://u@h/db"], 66,
                "no guardian database"
            ),
            (["store", "migrate", "--from", "/tmp", "--to", "sqlite:///x"], 64, "--to must be a PostgreSQL URL"),
            (["serve", "--store", "postgres://u@127.0.0.1:1/db"], 2, "CHRONOGUARD_MASTER_KEY"),
        ]
        for (arguments, status, text) in cases {
            let result = try CLI.run(arguments, environment: noKey)
            #expect(
                result.status == status && result.stderr.contains(text),
                "\(arguments): \(result.status) \(result.stderr)")
        }
    }
}
