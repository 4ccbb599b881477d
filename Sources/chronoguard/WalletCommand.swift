import ArgumentParser
import ChainKit
import Foundation

// MARK: - chronoguard wallet

/// `chronoguard wallet new`: a Solana keypair for newcomers who have no solana-keygen.
struct WalletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet", abstract: "Solana wallet keypairs.", subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new Solana keypair file (solana-keygen's JSON array of 64 bytes, mode 0600); print the "
                + "address.",
            discussion: """
                The seed comes from the system's CSPRNG. The file is created with mode 0600 and never overwritten: \
                losing a keypair loses what it holds.
                """)

        @Option(help: "The keypair file to create.") var keypair: String

        func run() throws {
            try reportingFailures {
                let key = SolanaKeypair()
                try Self.write(key, to: keypair)
                print(key.publicKey.base58)
            }
        }

        /// Creates `path` exclusively with mode 0600 and writes the 64 bytes (seed ‖ public key) as a JSON array.
        static func write(_ key: SolanaKeypair, to path: String) throws {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                throw CLIFailure(
                    errno == EEXIST
                        ? "\(path) already exists; choose another file (a keypair is never overwritten)."
                        : "Cannot create the keypair file \(path).")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            var seed = key.seed
            defer { for index in seed.indices { seed[index] = 0 } }
            let bytes = seed + key.publicKey.bytes
            handle.write(Data(("[" + bytes.map(String.init).joined(separator: ",") + "]").utf8))
            try handle.close()
        }
    }
}
