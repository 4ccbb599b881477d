import ArgumentParser
import Foundation

// MARK: - guardian-load

@main
struct GuardianLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardian-load",
        abstract: "Seed wallets into a guardian data directory and load-test its cosign endpoint.",
        subcommands: [Seed.self, Run.self, Requests.self]
    )
}

/// One seeded wallet as the load generator needs it (bench data: it holds a TOTP secret and a session token).
struct SeededWallet: Codable, Sendable {
    /// Base58 address.
    let wallet: String
    /// Bearer token (15 minutes from seeding).
    let token: String
    /// TOTP secret, Base32.
    let secret: String
    /// A transfer signed by the wallet that needs the guardian's signature, Base64.
    let transaction: String
}
