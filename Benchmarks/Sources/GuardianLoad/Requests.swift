import ArgumentParser
import Foundation
import OTP

// MARK: - guardian-load requests

/// Writes ready-made cosign requests for wrk (`cosign.lua`): one per line, `path TAB token TAB body`, each with the
/// code of the current time step. A code stays acceptable for the ±1-step window, so run wrk within ~30 s.
struct Requests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write cosign requests with current codes for wrk.")

    @Option(name: .customLong("wallets-file")) var walletsFile: String
    @Option var out: String
    @Option(help: "First wallet to use (skip those spent by earlier phases).") var skip: Int = 0

    func run() async throws {
        let wallets = try JSONDecoder().decode([SeededWallet].self, from: Data(contentsOf: URL(fileURLWithPath: walletsFile)))
        let now = Int64(Date().timeIntervalSince1970)
        var text = ""
        text.reserveCapacity(wallets.count * 700)
        for wallet in wallets.dropFirst(skip) {
            let code = try TOTP(secret: OTPSecret(base32: wallet.secret)).code(at: now)
            text += "/v1/wallets/\(wallet.wallet)/cosign\t\(wallet.token)\t{\"transaction\":\"\(wallet.transaction)\",\"code\":\"\(code)\"}\n"
        }
        try text.write(toFile: out, atomically: true, encoding: .utf8)
        print("wrote \(wallets.count - min(skip, wallets.count)) requests to \(out)")
    }
}
