import ArgumentParser
import BN254
import ChronoVaultEVM
import Foundation
import ZKTOTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - chronoguard authenticator

struct AuthenticatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authenticator",
        abstract: "Device B of the two-device flow: keeps the ZK-TOTP secret offline and approves requests.",
        discussion: """
            The secret never leaves this device: requests come in and proofs go out as QR codes \
            (docs/two-device.md). Passphrases come from --passphrase-file FILE or the terminal, never from an \
            argument.
            """,
        subcommands: [Init.self, Approve.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a secret (a CSPRNG field element), store it encrypted, print its hash.",
            discussion: """
                The file is scrypt (n = 2^18, r = 8, p = 1) + AES-256-GCM, mode 0600, never overwritten. Deploy the \
                wallet with the printed secretHash (`chronoguard vault evm deploy --secret-hash`).
                """)

        @Option(name: .long, help: "Where to write the encrypted secret (must not exist).") var secretFile: String
        @Option(name: .long, help: "A file whose first line is the passphrase (default: ask on the terminal).")
        var passphraseFile: String?
        @Option(name: .long, help: .hidden) var scryptCost: Int = 1 << 18

        func run() throws {
            try reportingFailures {
                guard scryptCost >= 1 << 10, scryptCost <= 1 << 20, scryptCost & (scryptCost - 1) == 0 else {
                    throw CLIFailure("--scrypt-cost must be a power of two between 2^10 and 2^20", status: 64)
                }
                let passphrase = try Passphrase.read(file: passphraseFile, confirm: true)
                let secret = ZKTOTP.newSecret()
                let file = try AuthenticatorSecretFile.seal(secret: secret, passphrase: passphrase, cost: scryptCost)
                try EVMCommandSupport.writeNew(file.json(), to: secretFile, what: "secret file")
                print("secretHash: \(file.secretHash)")
            }
        }
    }
}

/// read(2) of one byte, named apart from ``Passphrase/read(file:confirm:)`` (Glibc on Linux, Darwin on Apple systems).
private func readByte(_ descriptor: Int32, _ byte: inout UInt8) -> Int {
    #if canImport(Glibc)
        Glibc.read(descriptor, &byte, 1)
    #else
        Darwin.read(descriptor, &byte, 1)
    #endif
}

/// Reading a passphrase: the first line of a file, or the terminal with echo off.
enum Passphrase {
    static func read(file: String?, confirm: Bool = false) throws -> String {
        if let file { return try EVMCommandSupport.password(file: file) }
        let first = try prompt("Passphrase: ")
        guard !first.isEmpty else { throw CLIFailure("the passphrase must not be empty", status: 64) }
        if confirm {
            guard try prompt("Repeat the passphrase: ") == first else {
                throw CLIFailure("the two passphrases differ; nothing was written", status: 64)
            }
        }
        return first
    }

    /// Asks a question on /dev/tty (with echo) and returns the answer line.
    static func ask(_ text: String) throws -> String {
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            throw CLIFailure("no terminal to confirm on; pass --yes to approve without asking", status: 64)
        }
        tty.write(Data(text.utf8))
        var bytes: [UInt8] = []
        while bytes.count < 256, let byte = try tty.read(upToCount: 1)?.first, byte != 0x0A { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks on /dev/tty with echo off and restores the terminal afterwards.
    static func prompt(_ text: String) throws -> String {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else {
            throw CLIFailure("no terminal to ask for the passphrase; pass --passphrase-file FILE", status: 64)
        }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else {
            throw CLIFailure("cannot turn off echo on the terminal; pass --passphrase-file FILE", status: 64)
        }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            _ = tcsetattr(tty, TCSAFLUSH, &saved)
            _ = write(tty, "\n", 1)
        }
        _ = text.withCString { write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 4096, readByte(tty, &byte) == 1, byte != 0x0A { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    }
}
