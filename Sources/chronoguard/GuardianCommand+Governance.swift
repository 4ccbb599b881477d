import ArgumentParser
import ChainKit
import Foundation
import GuardianAPI
import GuardianServer

// MARK: - guardian governance, break-glass, recovery codes

extension GuardianCommand {
    /// How a governance command proves the owner: `--code`, or `--recovery-code` with `--keypair` (the CLI then fetches
    /// a governance challenge for the action and signs it with the wallet's key).
    struct SecondFactor: ParsableArguments {
        @Option(help: "A code from the authenticator app.")
        var code: String?

        @Option(
            name: .customLong("recovery-code"),
            help: "A recovery code instead of --code (needs --keypair to sign the governance challenge).")
        var recoveryCode: String?

        @Option(
            help:
                "The wallet's keypair file (solana-keygen JSON), to sign the governance challenge that goes with a recovery code."
        )
        var keypair: String?

        func authorization(action: String, client: GuardianAPIClient, session: StoredSession) async throws
            -> GuardianAPI.Authorization
        {
            switch (code, recoveryCode) {
            case (let code?, nil):
                return GuardianAPI.Authorization(code: code)
            case (nil, let recovery?):
                guard let keypair else {
                    throw CLIFailure(
                        "--recovery-code needs --keypair FILE: the wallet signs a challenge naming the action.")
                }
                let keys = try Login.readKeypair(keypair)
                guard keys.publicKey.base58 == session.wallet else {
                    throw CLIFailure(
                        "The keypair file is for \(keys.publicKey), but the session is for \(session.wallet).")
                }
                return try await client.recoveryAuthorization(
                    wallet: keys, action: action, recoveryCode: recovery, token: session.token)
            case (nil, nil):
                throw CLIFailure("Give --code (from the authenticator app) or --recovery-code with --keypair.")
            case (.some, .some):
                throw CLIFailure("Give either --code or --recovery-code, not both.")
            }
        }
    }

    /// The client, the stored session and its wallet: what every signed-in governance command starts from.
    struct SignedIn {
        let client: GuardianAPIClient
        let session: StoredSession
        let wallet: SolanaPublicKey

        init(_ connection: Connection) throws {
            client = try connection.client()
            session = try connection.session(for: client)
            wallet = try GuardianCommand.wallet(session.wallet, option: "session wallet")
        }

        /// The wallet's governance status and its pending rotation, which must exist.
        func pendingRotation() async throws -> (GuardianAPI.GovernanceStatusResponse, GuardianAPI.PendingRotationBody) {
            let status = try await client.governanceStatus(wallet: wallet)
            guard let rotation = status.pendingRotation else {
                throw CLIFailure("No rotation is pending for \(wallet).")
            }
            return (status, rotation)
        }
    }

    static func describe(_ status: GuardianAPI.GovernanceStatusResponse) -> String {
        var text =
            "Wallet \(status.wallet): governance v\(status.version), sequence \(status.sequence) (next \(status.nextSequence)), guardian \(status.guardianPublicKey)."
        if let rotation = status.pendingRotation {
            text +=
                "\nPending \(rotation.kind) rotation \(rotation.rotationId) to \(rotation.newGuardianPublicKey), executable from \(ISO8601DateFormatter().string(from: rotation.executeAfter))."
        }
        return text
    }

    static func report(_ response: GuardianAPI.GovernanceActionResponse, connection: Connection) throws {
        if connection.json { return try connection.printJSON(response) }
        print(describe(response.governance))
        print(
            "\nAttestation (signed by \(response.attestation.signer); signature \(response.attestation.signature)):\n\(response.attestation.text)"
        )
    }

    // MARK: governance status

    struct Governance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "governance",
            abstract: "Show a wallet's governance version, sequence number and pending rotation.")

        @OptionGroup var connection: Connection

        @Option(help: "The wallet (default: the signed-in wallet).")
        var wallet: String?

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let address = try GuardianCommand.wallet(
                    try wallet ?? connection.session(for: client).wallet, option: "--wallet")
                let status = try await client.governanceStatus(wallet: address)
                if connection.json { return try connection.printJSON(status) }
                print(GuardianCommand.describe(status))
            }
        }
    }

    // MARK: migrate

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Move the signed-in wallet to governance v2 (needs a code).")

        @OptionGroup var connection: Connection

        @Option(help: "A code from the authenticator app.")
        var code: String

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let response = try await signedIn.client.migrateGovernance(
                    wallet: signedIn.wallet, code: code, token: signedIn.session.token)
                try GuardianCommand.report(response, connection: connection)
            }
        }
    }

    // MARK: rotation

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Schedule a rotation of the wallet's guardian key behind its timelock.",
            discussion:
                "planned: 48 h, needs --code. emergency: 72 h, --code or --recovery-code with --keypair. The sequence number is read from the server."
        )

        @OptionGroup var connection: Connection
        @OptionGroup var factor: SecondFactor

        @Option(help: "planned or emergency.")
        var kind: String = "planned"

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let status = try await signedIn.client.governanceStatus(wallet: signedIn.wallet)
                let authorization = try await factor.authorization(
                    action: "schedule_rotation", client: signedIn.client, session: signedIn.session)
                try GuardianCommand.report(
                    try await signedIn.client.scheduleRotation(
                        wallet: signedIn.wallet, kind: kind, sequence: status.nextSequence,
                        authorization: authorization, token: signedIn.session.token), connection: connection)
            }
        }
    }

    struct CancelRotation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-rotation",
            abstract: "Cancel the pending guardian-key rotation (--code, or --recovery-code with --keypair).")

        @OptionGroup var connection: Connection
        @OptionGroup var factor: SecondFactor

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let (status, rotation) = try await signedIn.pendingRotation()
                let authorization = try await factor.authorization(
                    action: "cancel_rotation", client: signedIn.client, session: signedIn.session)
                try GuardianCommand.report(
                    try await signedIn.client.cancelRotation(
                        wallet: signedIn.wallet, rotationId: rotation.rotationId, sequence: status.nextSequence,
                        authorization: authorization, token: signedIn.session.token), connection: connection)
            }
        }
    }

    struct ExecuteRotation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "execute-rotation", abstract: "Execute the pending rotation once its timelock has passed.")

        @OptionGroup var connection: Connection

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let (status, rotation) = try await signedIn.pendingRotation()
                try GuardianCommand.report(
                    try await signedIn.client.executeRotation(
                        wallet: signedIn.wallet, rotationId: rotation.rotationId, sequence: status.nextSequence,
                        token: signedIn.session.token), connection: connection)
            }
        }
    }

    // MARK: break-glass and recovery codes

    struct BreakGlass: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "break-glass",
            abstract: "Validate a code or recovery code for a recovery operation; prints the signed attestation.")

        @OptionGroup var connection: Connection
        @OptionGroup var factor: SecondFactor

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let authorization = try await factor.authorization(
                    action: "break_glass", client: signedIn.client, session: signedIn.session)
                let response = try await signedIn.client.validateBreakGlass(
                    wallet: signedIn.wallet, authorization: authorization, token: signedIn.session.token)
                if connection.json { return try connection.printJSON(response) }
                print(
                    "Break-glass validated by \(response.method) until \(ISO8601DateFormatter().string(from: response.expiresAt)); \(response.remainingRecoveryCodes) recovery codes left."
                )
                print(
                    "\nAttestation (signed by \(response.attestation.signer); signature \(response.attestation.signature)):\n\(response.attestation.text)"
                )
            }
        }
    }

    struct RecoveryCodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recovery-codes",
            abstract: "Issue a new set of ten recovery codes (voids the old set; needs a code).")

        @OptionGroup var connection: Connection

        @Option(help: "A code from the authenticator app.")
        var code: String

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let response = try await signedIn.client.regenerateRecoveryCodes(
                    wallet: signedIn.wallet, code: code, token: signedIn.session.token)
                if connection.json { return try connection.printJSON(response) }
                print("Recovery codes — shown only now; the previous ones no longer work. Store them offline:")
                for code in response.recoveryCodes { print("  \(code)") }
            }
        }
    }

    struct Reenroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reenroll",
            abstract: "Lost authenticator: a new TOTP secret with a recovery code and the wallet's signature.",
            discussion:
                "Prints the new otpauth URI (scan it, then run `guardian confirm --code`); the old secret stops working at once."
        )

        @OptionGroup var connection: Connection

        @Option(name: .customLong("recovery-code"), help: "One of the wallet's recovery codes.")
        var recoveryCode: String

        @Option(help: "The wallet's keypair file (solana-keygen JSON).")
        var keypair: String

        func run() async throws {
            try await reportingFailures {
                let client = try connection.client()
                let session = try connection.session(for: client)
                let keys = try Login.readKeypair(keypair)
                guard keys.publicKey.base58 == session.wallet else {
                    throw CLIFailure(
                        "The keypair file is for \(keys.publicKey), but the session is for \(session.wallet).")
                }
                let response = try await client.reenroll(wallet: keys, recoveryCode: recoveryCode, token: session.token)
                if connection.json { return try connection.printJSON(response) }
                print(
                    "New secret for \(response.wallet) (guardian \(response.guardianPublicKey) unchanged). Add it to the authenticator, then confirm:"
                )
                print(response.otpauthUri)
            }
        }
    }
}

// MARK: - guardian policy, guardian set-policy

extension GuardianCommand {
    static func describe(_ policy: GuardianAPI.PolicyResponse) -> String {
        func rules(_ policy: GuardianAPI.Policy?) -> String {
            guard let policy else { return "none (every transaction is co-signed after a code)" }
            var parts = policy.spendingLimits.map { "\($0.amount) \($0.asset) per \($0.period)" }
            parts.append(
                "destinations: "
                    + (policy.allowedDestinations.map { $0.isEmpty ? "none" : $0.joined(separator: ", ") } ?? "any"))
            parts.append(
                "extra programs: "
                    + (policy.allowedPrograms.isEmpty ? "none" : policy.allowedPrograms.joined(separator: ", ")))
            return parts.joined(separator: "; ")
        }
        var text = "Wallet \(policy.wallet), policy revision \(policy.revision): \(rules(policy.active))."
        for usage in policy.usage {
            text +=
                "\n  \(usage.asset) per \(usage.period): spent \(usage.spent) of \(usage.limit), \(usage.remaining) left."
        }
        if let pending = policy.pending {
            text +=
                "\nFrom \(ISO8601DateFormatter().string(from: pending.effectiveAt)) (loosening waits 24 h): \(rules(pending.policy))."
        }
        return text
    }

    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract:
                "Show the signed-in wallet's transaction policy, its pending change and what the limits have left.")

        @OptionGroup var connection: Connection

        func run() async throws {
            try await reportingFailures {
                let signedIn = try SignedIn(connection)
                let policy = try await signedIn.client.policy(wallet: signedIn.wallet, token: signedIn.session.token)
                if connection.json { return try connection.printJSON(policy) }
                print(GuardianCommand.describe(policy))
            }
        }
    }

    struct SetPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-policy",
            abstract: "Set the signed-in wallet's transaction policy (needs a code).",
            discussion:
                "Tightening applies at once; whatever is looser applies 24 hours later. Without --allow-destination any destination is allowed; programs other than System, SPL Token, Token-2022, ATA, Compute Budget and Memo are refused unless given with --allow-program. See docs/policies.md."
        )

        @OptionGroup var connection: Connection

        @Option(help: "A code from the authenticator app.")
        var code: String

        @Option(
            name: .customLong("limit"),
            help:
                "A spending limit ASSET:PERIOD:AMOUNT — ASSET is SOL (lamports) or a mint (base units), PERIOD day or week (repeatable)."
        )
        var limits: [String] = []

        @Option(
            name: .customLong("allow-destination"),
            help: "An address value may go to (repeatable; for tokens the destination token account).")
        var destinations: [String] = []

        @Option(
            name: .customLong("allow-program"),
            help: "A program whose instructions are allowed although not priced (repeatable).")
        var programs: [String] = []

        @Flag(help: "Remove the policy (a loosening: applies after 24 hours).")
        var remove = false

        func run() async throws {
            try await reportingFailures {
                if remove && !(limits.isEmpty && destinations.isEmpty && programs.isEmpty) {
                    throw CLIFailure("--remove takes no --limit, --allow-destination or --allow-program.")
                }
                let parsed = try limits.map { text -> GuardianAPI.SpendingLimit in
                    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count == 3 else {
                        throw CLIFailure("--limit must be ASSET:PERIOD:AMOUNT such as SOL:day:5000000000, not \(text).")
                    }
                    return GuardianAPI.SpendingLimit(asset: parts[0], period: parts[1], amount: parts[2])
                }
                let policy =
                    remove
                    ? nil
                    : GuardianAPI.Policy(
                        spendingLimits: parsed, allowedDestinations: destinations.isEmpty ? nil : destinations,
                        allowedPrograms: programs)
                let signedIn = try SignedIn(connection)
                let response = try await signedIn.client.updatePolicy(
                    wallet: signedIn.wallet, policy: policy, code: code, token: signedIn.session.token)
                if connection.json { return try connection.printJSON(response) }
                print(GuardianCommand.describe(response))
            }
        }
    }
}
