import Foundation
import GuardianSQLite
import Testing

/// Operator input: `serve` options that once trapped the server, and `audit verify`, which must never write.
@Suite struct HardeningCommandTests {
    @Test(arguments: [
        ["--ip-rate-limit", "1/1e400"], ["--ip-rate-limit", "1e400/60"], ["--ip-rate-limit", "nan/60"],
        ["--ip-rate-limit", "1/0"],
        ["--ip-rate-limit", "0.5/60"], ["--api-key-rate-limit", "1/-1"], ["--api-key-rate-limit", "inf/1"],
        ["--ip-rate-limit", "300/"],
        ["--port", "70000"], ["--max-body-bytes", "10"], ["--max-body-bytes", "999999999999"],
        ["--request-timeout", "0"],
        ["--metrics", "sometimes"], ["--verify-present-signatures", "maybe"], ["--log-level", "loud"],
        ["--public-url", "ftp://x"],
    ])
    func badServeOptionsExit64WithOneSentenceBeforeAnythingStarts(option: [String]) throws {
        let directory = CLI.temporaryDirectory()
        let result = try CLI.run(["serve", "--data-dir", directory, "--port", "0"] + option)
        #expect(result.status == 64, "\(option): \(result.status) \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(
            lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].hasSuffix("."), "\(option): \(result.stderr)")
        #expect(
            !FileManager.default.fileExists(atPath: directory), "nothing may be created for a refused configuration")
    }

    @Test func auditVerifyNeverWritesAndReportsAMissingKeyring() async throws {
        let directory = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A database no guardian has initialised: schema, no keyring.
        let store = try await SQLiteGuardianStore.open(directory: URL(fileURLWithPath: directory))
        store.close()
        let before = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let result = try CLI.run("audit", "verify", "--data-dir", directory)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("no keyring"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/master.key"), "verify created a master key")
        #expect(
            try await SQLiteAuditReader(path: directory + "/guardian.sqlite").loadKeyring() == nil,
            "verify created a keyring")
        let after = try FileManager.default.contentsOfDirectory(atPath: directory).sorted().filter {
            !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal")
        }
        #expect(after == before.filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") })
        // A missing database is an error too, and creates nothing.
        let missing = CLI.temporaryDirectory()
        let none = try CLI.run("audit", "verify", "--data-dir", missing)
        #expect(none.status == 2)
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
