import Foundation
import QRCode
import TestSupport
import Testing
import UR

/// The air-gapped two-device flow through the CLI (issue 16): device B is a separate process with its own directory,
/// and the only channel between the devices is PNG images of QR codes — request frames → B → proof frames (one
/// dropped, the rest shuffled, each photographed: rotated, in perspective, blurred, noisy, JPEG) → A → mined on the
/// py-evm test chain.
@Suite(.serialized) struct TwoDeviceCommandTests {
    static func photograph(_ frames: [String], into directory: String, seed: Int, drop: Int) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = try #require(
            Bundle.module.url(forResource: "photograph_frames", withExtension: "py", subdirectory: "Resources"))
        let answer = try ExternalPeer.pythonJSON(
            script: script,
            request: ["inputs": frames, "outputDir": directory, "seed": seed, "drop": drop, "shuffle": true])
        return try #require((answer as? [String: Any])?["outputs"] as? [String])
    }

    /// One `--animate` frame as an image: the caption line dropped, escape sequences removed, each glyph two
    /// modules high (█ ▀ ▄ ink light modules), each module 4 × 4 pixels.
    static func terminalImage(_ frame: String) throws -> QRGrayImage {
        let lines = frame.components(separatedBy: "\n").dropFirst().map { line in
            line.replacingOccurrences(of: "\u{1B}[J", with: "").replacingOccurrences(of: "\u{1B}[K", with: "")
                .replacingOccurrences(of: "\u{1B}[?25h", with: "")
        }.filter { !$0.isEmpty }
        let width = lines.map { $0.unicodeScalars.count }.max() ?? 0
        let scale = 4
        var pixels = [UInt8](repeating: 0, count: width * scale * lines.count * 2 * scale)
        for (row, line) in lines.enumerated() {
            for (column, glyph) in line.unicodeScalars.enumerated() {
                let (top, bottom) =
                    switch glyph {
                    case "\u{2588}": (true, true)
                    case "\u{2580}": (true, false)
                    case "\u{2584}": (false, true)
                    default: (false, false)
                    }
                for (half, inked) in [(0, top), (1, bottom)] where inked {
                    for dy in 0..<scale {
                        let y = (row * 2 + half) * scale + dy
                        for dx in 0..<scale { pixels[y * width * scale + column * scale + dx] = 255 }
                    }
                }
            }
        }
        return try QRGrayImage(width: width * scale, height: lines.count * 2 * scale, pixels: pixels)
    }

    static func pngs(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".png") }.sorted()
            .map { directory + "/" + $0 }
    }

    @Test func requestThroughPhotographedQRFramesToAnAirGappedAuthenticatorAndBack() async throws {
        let url = try EVMTestChain.shared().absoluteString
        let deviceA = CLI.temporaryDirectory()
        let deviceB = CLI.temporaryDirectory()
        for directory in [deviceA, deviceB] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Device B: the ZK keys and its secret, encrypted under a passphrase read from a file.
        let keys = deviceB + "/keys"
        let setup = try CLI.run("zk", "setup", "--out", keys)
        #expect(setup.status == 0, "\(setup.stderr)")
        let passphrase = deviceB + "/passphrase"
        try "a long passphrase\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let secretFile = deviceB + "/secret.json"
        let initialised = try CLI.run([
            "authenticator", "init", "--secret-file", secretFile, "--passphrase-file", passphrase, "--scrypt-cost",
            "1024",
        ])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let secretHash = String(try #require(initialised.lastLine.split(separator: " ").last))
        let attributes = try FileManager.default.attributesOfItem(atPath: secretFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // Device A: the owner's account and the wallet, deployed with B's secret hash (the verification key is
        // public and travels once, at setup).
        let account = try EVMCommandTests.newAccount()
        try await EVMTestChain.fund(account.address, wei: 10_000_000_000_000_000_000)
        let owner = ["--rpc-url", url, "--keystore", account.keystore, "--password-file", account.passwordFile]
        let deployed = try CLI.run(["vault", "evm", "deploy"] + owner + ["--secret-hash", secretHash, "--keys", keys])
        #expect(deployed.status == 0, "\(deployed.stderr)")
        let deployment = try #require(
            try JSONSerialization.jsonObject(with: Data(deployed.lastLine.utf8)) as? [String: String])
        let wallet = try #require(deployment["wallet"])
        let funded = try CLI.run(["evm", "send"] + owner + ["--to", wallet, "--value", "1000000000000000000"])
        #expect(funded.status == 0, "\(funded.stderr)")

        // A makes the request and shows it as PNG frames.
        let recipient = "0x00000000000000000000000000000000C0FFEE16"
        let requestFile = deviceA + "/request.ur"
        let requested = try CLI.run([
            "vault", "evm", "request", "--rpc-url", url, "--wallet", wallet, "--to", recipient, "--value",
            "250000000000000000", "--summary", "rent", "--out", requestFile, "--png-dir", deviceA + "/request-frames",
            "--max-fragment-length", "60",
        ])
        #expect(requested.status == 0, "\(requested.stderr)")
        let requestPhotos = try Self.photograph(
            try Self.pngs(in: deviceA + "/request-frames"), into: deviceB + "/scanned", seed: 1, drop: 1)

        // B scans, shows the real recipient and amount, proves, shows the proof as frames.
        let approved = try CLI.run(
            [
                "authenticator", "approve", "--secret-file", secretFile, "--passphrase-file", passphrase, "--keys",
                keys,
                "--yes", "--png-dir", deviceB + "/proof-frames", "--max-fragment-length", "60", "--scan",
            ] + requestPhotos)
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stderr.lowercased().contains("recipient:  \(recipient.lowercased())"), "\(approved.stderr)")
        #expect(approved.stderr.contains("0.25 ETH (250000000000000000 wei)"))
        #expect(approved.stderr.contains("chain:      \(EVMTestChain.chainId) (local test chain)"))

        // A frame of another message (another request's frames) mixed into what A scans is ignored.
        let otherRequest = try CLI.run([
            "vault", "evm", "request", "--rpc-url", url, "--wallet", wallet, "--to", recipient, "--value", "1",
            "--out", deviceA + "/other.ur", "--png-dir", deviceA + "/other-frames",
        ])
        #expect(otherRequest.status == 0, "\(otherRequest.stderr)")
        let proofPhotos = try Self.photograph(
            try Self.pngs(in: deviceB + "/proof-frames"), into: deviceA + "/scanned", seed: 2, drop: 1)
        let foreign = try Self.pngs(in: deviceA + "/other-frames").prefix(1)
        let before = try await EVMTestChain.rpc("eth_getBalance", [recipient, "latest"]) as? String
        let submitted = try CLI.run(
            ["vault", "evm", "submit"] + owner + ["--request", requestFile, "--scan"] + foreign + proofPhotos)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.lastLine.count == 66)
        #expect(before == "0x0")
        #expect(try await EVMTestChain.rpc("eth_getBalance", [recipient, "latest"]) as? String == "0x3782dace9d90000")

        // --animate: the frames drawn in the terminal, read back (each glyph is two modules, light ones inked), are
        // the request written to --out, reassembled from fountain parts in the order they were shown.
        let animatedFile = deviceA + "/animated.ur"
        let animated = try CLI.run([
            "vault", "evm", "request", "--rpc-url", url, "--wallet", wallet, "--to", recipient, "--value", "2",
            "--out", animatedFile, "--animate", "--fps", "30", "--animation-frames", "24", "--max-fragment-length",
            "40",
        ])
        #expect(animated.status == 0, "\(animated.stderr)")
        #expect(animated.stdout.hasPrefix("\u{1B}[?25l") && animated.stdout.hasSuffix("\u{1B}[?25h\n"))
        var decoder = URDecoder()
        var framesRead = 0
        for frame in animated.stdout.components(separatedBy: "\u{1B}[H").dropFirst() {
            for symbol in QRReader.read(try Self.terminalImage(frame)) {
                framesRead += 1
                _ = try decoder.receive(try #require(symbol.text))
            }
        }
        #expect(framesRead == 24)
        let expected = try String(contentsOfFile: animatedFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(try #require(decoder.result).string == expected)

        // The same proof again is refused before anything is sent (the wallet's nonce moved).
        let replay = try CLI.run(
            ["vault", "evm", "submit"] + owner + ["--request", requestFile, "--scan"] + proofPhotos)
        #expect(replay.status == 1, "\(replay.stdout) \(replay.stderr)")
    }

    @Test func theApprovalScreenFollowsTheRequestAndRefusalsAreClear() async throws {
        let url = try EVMTestChain.shared().absoluteString
        let directory = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let account = try EVMCommandTests.newAccount()
        try await EVMTestChain.fund(account.address, wei: 1_000_000_000_000_000_000)
        // Any contract answers nonce() for the request; the ChronoVault wallet needs keys: use `ur` parts directly.
        let keys = directory + "/keys"
        #expect(try CLI.run("zk", "setup", "--out", keys).status == 0)
        let passphrase = directory + "/passphrase"
        try "pass\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let secretFile = directory + "/secret.json"
        let initialised = try CLI.run([
            "authenticator", "init", "--secret-file", secretFile, "--passphrase-file", passphrase, "--scrypt-cost",
            "1024",
        ])
        let secretHash = String(try #require(initialised.lastLine.split(separator: " ").last))
        let owner = ["--rpc-url", url, "--keystore", account.keystore, "--password-file", account.passwordFile]
        let deployed = try CLI.run(["vault", "evm", "deploy"] + owner + ["--secret-hash", secretHash, "--keys", keys])
        let wallet = try #require(
            (try JSONSerialization.jsonObject(with: Data(deployed.lastLine.utf8)) as? [String: String])?["wallet"])
        for (to, value, shown) in [
            ("0x1111111111111111111111111111111111111111", "1", "0.000000000000000001 ETH"),
            ("0x2222222222222222222222222222222222222222", "3000000000000000000", "3 ETH"),
        ] {
            let file = directory + "/request-\(value).ur"
            let made = try CLI.run([
                "vault", "evm", "request", "--rpc-url", url, "--wallet", wallet, "--to", to, "--value", value, "--out",
                file, "--png-dir", directory + "/frames-\(value)",
            ])
            #expect(made.status == 0, "\(made.stderr)")
            let part = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let approved = try CLI.run([
                "authenticator", "approve", "--secret-file", secretFile, "--passphrase-file", passphrase, "--keys",
                keys, "--yes", "--ur", part,
            ])
            #expect(approved.status == 0, "\(approved.stderr)")
            #expect(approved.stderr.contains("recipient:  \(to)"), "\(approved.stderr)")
            #expect(approved.stderr.contains(shown), "\(approved.stderr)")
            #expect(approved.lastLine.hasPrefix("ur:chronoguard-proof/"))
        }
        // A wrong passphrase proves nothing; a malformed part is refused.
        try "wrong\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let part = try String(contentsOfFile: directory + "/request-1.ur", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let wrong = try CLI.run([
            "authenticator", "approve", "--secret-file", secretFile, "--passphrase-file", passphrase, "--keys", keys,
            "--yes", "--ur", part,
        ])
        #expect(wrong.status != 0 && wrong.stderr.contains("passphrase") && wrong.stdout.isEmpty, "\(wrong.stderr)")
        let malformed = try CLI.run([
            "authenticator", "approve", "--secret-file", secretFile, "--passphrase-file", passphrase, "--keys", keys,
            "--yes", "--ur", "ur:chronoguard-request/lpadaxcsencylobemohsgmoyadtaadkp",
        ])
        #expect(malformed.status != 0)
    }
}
