import ArgumentParser
import Foundation
import OTP

// MARK: - chronoguard otp

struct OTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otp",
        abstract: "Create TOTP credentials, compute codes and verify them (RFC 6238 / RFC 4226).",
        subcommands: [New.self, Code.self, Verify.self]
    )
}

// MARK: - Shared options

extension OTPAlgorithm: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map { $0.rawValue.lowercased() } }
}

/// Where the credential comes from: a Key URI, or a Base32 secret with explicit parameters.
struct CredentialOptions: ParsableArguments {
    @Option(help: "An otpauth:// Key URI (carries the secret and all parameters).")
    var uri: String?

    @Option(help: "The Base32 secret (instead of --uri).")
    var secret: String?

    @Option(help: "HMAC hash with --secret: sha1, sha256 or sha512.")
    var algorithm: OTPAlgorithm?

    @Option(help: "Code length with --secret, 6 to 10.")
    var digits: Int?

    @Option(help: "Time step in seconds with --secret.")
    var period: Int?

    func validate() throws {
        switch (uri, secret) {
        case (nil, nil): throw ValidationError("Give the credential with --uri URI or --secret BASE32.")
        case (.some, .some): throw ValidationError("Give either --uri or --secret, not both.")
        case (.some, nil) where algorithm != nil || digits != nil || period != nil:
            throw ValidationError(
                "--algorithm, --digits and --period go with --secret; a URI carries its own parameters.")
        default: break
        }
    }

    /// The TOTP generator described by the options.
    func totp() throws -> TOTP {
        if let uri {
            let parsed = try OTPAuthURI(parsing: uri)
            guard let totp = try parsed.totp() else {
                throw CLIFailure("The URI describes an HOTP (counter-based) credential; this command needs a totp URI.")
            }
            return totp
        }
        return try TOTP(
            secret: OTPSecret(base32: secret ?? ""), algorithm: algorithm ?? .sha1,
            digits: digits ?? 6, period: period ?? TOTP.defaultPeriod)
    }
}

// MARK: - otp new

extension OTPCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract:
                "Create a TOTP secret and its otpauth:// URI, shown as a QR code to scan with an authenticator app.",
            discussion:
                "The secret comes from the system CSPRNG and is as long as the hash output (20, 32 or 64 bytes). The URI is printed alone on the last line of standard output."
        )

        @Option(help: "Service name shown in the authenticator app.")
        var issuer: String

        @Option(help: "Account name shown in the authenticator app (e.g. an e-mail or a wallet address).")
        var account: String

        @Option(help: "HMAC hash: sha1 (most compatible), sha256 or sha512.")
        var algorithm: OTPAlgorithm = .sha1

        @Option(help: "Code length, 6 to 10.")
        var digits: Int = 6

        @Option(help: "Time step in seconds.")
        var period: Int = TOTP.defaultPeriod

        @Option(help: "Write the QR code as a PNG image to this file.")
        var png: String?

        @Option(help: "Write the QR code as an SVG image to this file.")
        var svg: String?

        @Flag(help: "Do not print the QR code in the terminal.")
        var noQR = false

        func validate() throws {
            guard !issuer.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--issuer is empty; give the service name the authenticator app should show.")
            }
            guard !account.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--account is empty; give the account name the authenticator app should show.")
            }
        }

        func run() throws {
            try reportingFailures {
                let secret = try OTPSecret.generate(for: algorithm)
                let uri = try OTPAuthURI(
                    kind: .totp(period: period), account: account, issuer: issuer, secret: secret,
                    algorithm: algorithm, digits: digits)
                let text = uri.uriString
                let qr = try QROutput(text: text, ecLevel: .medium)
                if let png { try qr.writePNG(to: png) }
                if let svg { try qr.writeSVG(to: svg) }
                if png == nil, svg == nil, !noQR { print(qr.terminalText) }
                print("Issuer:    \(issuer)")
                print("Account:   \(account)")
                print("Algorithm: \(algorithm.rawValue), \(digits) digits, \(period) s")
                print("Secret:    \(secret.base32)")
                print(text)
            }
        }
    }
}

// MARK: - otp code

extension OTPCommand {
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "code",
            abstract: "Print the current TOTP code (alone on the last line).",
            discussion: "Example: chronoguard otp code --uri 'otpauth://totp/…' --time 1700000000"
        )

        @OptionGroup var credential: CredentialOptions

        @Option(parsing: .unconditional, help: "Unix time in seconds (default: now).")
        var time: Int64?

        @Flag(help: "Also print the time step and the seconds left before the code changes.")
        var verbose = false

        func run() throws {
            try reportingFailures {
                let totp = try credential.totp()
                let now = time ?? currentUnixTime()
                let code = try totp.code(at: now)
                if verbose {
                    print("step: \(try totp.step(at: now))")
                    print("expires in: \(try totp.secondsRemaining(at: now)) s")
                }
                print(code)
            }
        }
    }
}

// MARK: - otp verify

extension OTPCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a TOTP code; exit 0 and print the matched step, or exit 1.",
            discussion: "The code is compared in constant time against every step in the window (RFC 6238 §5.2)."
        )

        @OptionGroup var credential: CredentialOptions

        @Option(help: "The code to check.")
        var code: String

        @Option(parsing: .unconditional, help: "Unix time in seconds (default: now).")
        var time: Int64?

        @Option(help: "Steps accepted on each side of the current one (0 to 10).")
        var window: Int = 1

        @Option(
            help:
                "The last step already accepted for this credential; it and earlier steps are refused (replay protection)."
        )
        var after: UInt64?

        func run() throws {
            try reportingFailures {
                let totp = try credential.totp()
                let match: OTPMatch
                switch try totp.check(code, at: time ?? currentUnixTime(), window: window, after: after) {
                case .accepted(let accepted):
                    match = accepted
                case .alreadyUsed(let spent):
                    throw CLIFailure(
                        "The code was already used: its step \(spent.step) is not after the last accepted step \(after ?? spent.step) (RFC 6238 §5.2). Wait for the next code.",
                        status: 1)
                case .rejected:
                    throw CLIFailure(
                        "The code is not valid for this credential within ±\(window) step(s) of the given time.",
                        status: 1)
                }
                print("step: \(match.step)")
                print("drift: \(match.drift)")
            }
        }
    }
}
