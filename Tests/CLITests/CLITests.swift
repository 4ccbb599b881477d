import Foundation
import OTP
import TestSupport
import Testing

// MARK: - Running the built CLI

/// Runs the `chronoguard` executable that `swift test` builds next to the test bundle.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    static let executable: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [besideTests.appendingPathComponent("chronoguard")]
        // macOS runs tests inside an .xctest bundle: walk up to the products directory.
        var directory = besideTests
        for _ in 0..<4 {
            directory.deleteLastPathComponent()
            candidates.append(directory.appendingPathComponent("chronoguard"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    static func run(_ arguments: String...) throws -> Result { try run(arguments) }

    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread so neither pipe can fill up and stall the child.
        nonisolated(unsafe) var stderr = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chronoguard-cli-\(UUID().uuidString)").path
    }

    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chronoguard-cli-\(UUID().uuidString)-\(name)")
            .path
    }
}

// MARK: - otp

@Suite(.serialized) struct OTPCommandTests {
    @Test func newPrintsAURIThatWorks() throws {
        let result = try CLI.run(
            "otp", "new", "--issuer", "Acme Wallet", "--account", "alice@example.com",
            "--algorithm", "sha256", "--digits", "8", "--period", "60", "--no-qr")
        #expect(result.status == 0, "\(result.stderr)")
        let uri = try OTPAuthURI(parsing: result.lastLine)
        #expect(uri.issuer == "Acme Wallet" && uri.account == "alice@example.com")
        #expect(uri.algorithm == .sha256 && uri.digits == 8 && uri.kind == .totp(period: 60))
        #expect(uri.secret.bytes.count == 32)
        #expect(result.stdout.contains(uri.secret.base32))
    }

    @Test func newShowsAScannableQRCode() throws {
        let png = CLI.temporaryFile("new.png")
        let svg = CLI.temporaryFile("new.svg")
        defer {
            try? FileManager.default.removeItem(atPath: png)
            try? FileManager.default.removeItem(atPath: svg)
        }
        let result = try CLI.run("otp", "new", "--issuer", "Acme", "--account", "bob", "--png", png, "--svg", svg)
        #expect(result.status == 0, "\(result.stderr)")
        let decoded = try ExternalPeer.run("zbarimg", ["--raw", "-q", "-Sbinary", png])
        #expect(String(decoding: decoded, as: UTF8.self).trimmingCharacters(in: .newlines) == result.lastLine)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))

        let terminal = try CLI.run("otp", "new", "--issuer", "Acme", "--account", "bob")
        #expect(terminal.stdout.contains("▀") || terminal.stdout.contains("▄") || terminal.stdout.contains("█"))
        #expect(try OTPAuthURI(parsing: terminal.lastLine).issuer == "Acme")
    }

    @Test func codeFromURIAndFromSecretAgreeWithTheLibrary() throws {
        let secret = try OTPSecret.generate(for: .sha512)
        let uri = try OTPAuthURI(
            kind: .totp(period: 45), account: "a", issuer: "I", secret: secret, algorithm: .sha512, digits: 7)
        let expected = try #require(try uri.totp()).code(at: 20_000_000_000)
        let fromURI = try CLI.run("otp", "code", "--uri", uri.uriString, "--time", "20000000000")
        #expect(fromURI.status == 0 && fromURI.lastLine == expected, "\(fromURI.stderr)")
        let fromSecret = try CLI.run(
            "otp", "code", "--secret", secret.base32, "--algorithm", "sha512", "--digits", "7",
            "--period", "45", "--time", "20000000000")
        #expect(fromSecret.status == 0 && fromSecret.lastLine == expected, "\(fromSecret.stderr)")
        let now = try CLI.run("otp", "code", "--uri", uri.uriString, "--verbose")
        #expect(now.status == 0 && now.lastLine.count == 7 && now.stdout.contains("step: "))
    }

    @Test func rfc6238VectorThroughTheCLI() throws {
        // RFC 6238 Appendix B, SHA-1 seed "12345678901234567890", T = 59 → 94287082.
        let result = try CLI.run(
            "otp", "code", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--digits", "8", "--time", "59")
        #expect(result.lastLine == "94287082")
    }

    @Test func verifyExitsZeroWithTheStepOrOne() throws {
        let uri = try OTPAuthURI(account: "a", issuer: "I", secret: .generate()).uriString
        let code = try CLI.run("otp", "code", "--uri", uri, "--time", "1800000000").lastLine
        let ok = try CLI.run("otp", "verify", "--uri", uri, "--code", code, "--time", "1800000030")
        #expect(
            ok.status == 0 && ok.stdout.contains("step: 60000000") && ok.stdout.contains("drift: -1"),
            "\(ok.stdout)\(ok.stderr)")
        let strict = try CLI.run("otp", "verify", "--uri", uri, "--code", code, "--time", "1800000030", "--window", "0")
        #expect(strict.status == 1 && strict.stderr.contains("not valid"))
        let replay = try CLI.run(
            "otp", "verify", "--uri", uri, "--code", code, "--time", "1800000000", "--after", "60000000")
        #expect(replay.status == 1)
    }

    @Test func badInputGetsASentenceAndANonZeroExit() throws {
        let badSecret = try CLI.run("otp", "code", "--secret", "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ")
        #expect(badSecret.status == 2 && badSecret.stderr.contains("'1' at position 16"), "\(badSecret.stderr)")
        let shortSecret = try CLI.run("otp", "code", "--secret", "JBSWY3DPEHPK3PXP")
        #expect(shortSecret.status == 2 && shortSecret.stderr.contains("at least 16 bytes"))
        let badURI = try CLI.run(
            "otp", "verify", "--uri", "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=4", "--code",
            "1234")
        #expect(badURI.status == 2 && badURI.stderr.contains("digits"))
        let neither = try CLI.run("otp", "code")
        #expect(neither.status != 0 && neither.stderr.contains("--uri"))
        let badAlgorithm = try CLI.run("otp", "new", "--issuer", "I", "--account", "a", "--algorithm", "md5")
        #expect(badAlgorithm.status != 0 && badAlgorithm.stderr.contains("md5"))
        for output in [badSecret, shortSecret, badURI] { #expect(output.stdout.isEmpty) }
    }
}

// MARK: - qr and help

@Suite(.serialized) struct QRCommandTests {
    @Test(arguments: ["L", "M", "Q", "H"]) func qrPNGDecodesToTheText(ec: String) throws {
        let png = CLI.temporaryFile("qr-\(ec).png")
        defer { try? FileManager.default.removeItem(atPath: png) }
        let text = "chronoguard:\(ec):" + UUID().uuidString
        let result = try CLI.run("qr", text, "--png", png, "--ec", ec)
        #expect(result.status == 0, "\(result.stderr)")
        let decoded = try ExternalPeer.run("zbarimg", ["--raw", "-q", "-Sbinary", png])
        #expect(String(decoding: decoded, as: UTF8.self).trimmingCharacters(in: .newlines) == text)
    }

    @Test func qrPrintsToTheTerminalByDefault() throws {
        let result = try CLI.run("qr", "HELLO WORLD")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        // Version 1 is 21 modules + 2×4 quiet zone = 29 columns, two module rows per line.
        #expect(lines.count == 15 && lines.allSatisfy { $0.count == 29 })
    }

    @Test func qrRejectsAnUnknownLevelAndOversizedText() throws {
        #expect(try CLI.run("qr", "x", "--ec", "Z").status != 0)
        let huge = try CLI.run("qr", String(repeating: "x", count: 4_000))
        #expect(huge.status == 2 && !huge.stderr.isEmpty)
    }

    @Test(arguments: [
        ["--help"], ["otp", "--help"], ["otp", "new", "--help"], ["otp", "code", "--help"],
        ["otp", "verify", "--help"], ["qr", "--help"],
    ])
    func everyCommandHasHelp(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 0 && result.stdout.contains("USAGE"))
    }
}
