import ChainKit

// MARK: - The vault rules

/// What the guardian requires of a transaction that uses its key in a Solana vault (``SolanaVault``, docs/vault.md):
/// a 2-of-3 SPL Token multisig of the wallet, the guardian key and a recovery key. The guardian's signature must never
/// be the second signature that lets the guardian key and the recovery key act without the wallet.
///
/// Checked off-chain, from the transaction alone, before any code is looked at (a refusal consumes nothing):
///
/// - every SPL Token / Token-2022 instruction that names the guardian key must list the wallet among its multisig
///   signers (`wallet_not_signer` otherwise) — so the guardian and the recovery key can never be the two members that
///   authorise a vault instruction;
/// - only instructions that move value in ways the guardian can see are co-signed: `TransferChecked` (the mint and the
///   amount are in the instruction, so policies price them), `Transfer`, and `CloseAccount` into the wallet itself.
///   Anything else with the guardian as a member (`Approve` — a delegate could spend alone —, `SetAuthority` — a new
///   owner would not need the guardian —, `Burn`, freezing, …) is refused with `vault_instruction_not_allowed`.
enum VaultRules {
    /// The token programs whose multisigs a vault uses.
    static func isTokenProgram(_ program: SolanaPublicKey) -> Bool {
        program == SolanaProgram.splToken || program == SolanaProgram.token2022
    }

    /// Checks a transaction presented for a normal co-signature (see ``VaultRules``).
    /// - Throws: `wallet_not_signer`, `vault_instruction_not_allowed`, `malformed_transaction` (a token instruction
    ///   naming the guardian key that does not decode).
    static func checkCosign(_ transaction: SolanaTransaction, wallet: SolanaPublicKey, guardian: SolanaPublicKey)
        throws(GuardianError)
    {
        let message = transaction.message
        guard let guardianIndex = message.signerIndex(of: guardian) else { return }
        let walletAccount = SolanaInstruction.Account.staticKey(wallet)
        let guardianAccount = SolanaInstruction.Account.staticKey(guardian)
        for (index, compiled) in message.instructions.enumerated() {
            // Signers are static keys, so their index is below 256; programs are static keys too.
            let program = message.staticAccountKeys[Int(compiled.programIDIndex)]
            guard isTokenProgram(program), compiled.accountIndexes.contains(UInt8(truncatingIfNeeded: guardianIndex))
            else { continue }
            let instruction: SolanaInstruction
            do { instruction = try message.decodeInstruction(at: index) } catch {
                throw GuardianError(
                    .malformedTransaction,
                    "Instruction \(index) names the guardian key and does not decode (\(error.code.rawValue)): \(error.message)"
                )
            }
            let name = TransactionPolicy.name(of: instruction)
            let members: [SolanaInstruction.Account]
            switch instruction.kind {
            case .token(.transferChecked(_, _, _, _, let signers, _, _)), .token(.transfer(_, _, _, let signers, _)):
                members = signers
            case .token(.closeAccount(_, let destination, _, let signers)):
                members = signers
                guard destination == walletAccount || !signers.contains(guardianAccount) else {
                    throw GuardianError(
                        .vaultInstructionNotAllowed,
                        "Instruction \(instruction.index) (\(name)) closes a vault account into \(destination.text), not into the wallet; the guardian co-signs closing a vault account only when its lamports go to the wallet."
                    )
                }
            default:
                throw GuardianError(
                    .vaultInstructionNotAllowed,
                    "Instruction \(instruction.index) (\(name)) names the guardian key and is not a transfer; the guardian co-signs only TransferChecked, Transfer and CloseAccount into the wallet for a vault (an Approve, SetAuthority or similar could let the vault's other keys act without the wallet)."
                )
            }
            if members.contains(guardianAccount), !members.contains(walletAccount) {
                throw GuardianError(
                    .walletNotSigner,
                    "Instruction \(instruction.index) (\(name)) has the guardian key among its multisig signers but not the wallet; the guardian is never the second signature that lets it and the recovery key act without the wallet."
                )
            }
        }
    }

    // MARK: Migration

    /// Checks a rotation's migration transactions: together they must move the vault of {wallet, old guardian, R}
    /// into the vault of {wallet, new guardian, R} for one recovery key R, which the transactions themselves name in
    /// the `InitializeMultisig2` of the new vault. Every instruction is one of: Compute Budget; `CreateAccountWithSeed`
    /// of a new vault multisig, paid by the wallet; `InitializeMultisig2` of exactly [wallet, new guardian, R], 2 of
    /// 3, at the new vault's address; creating the new vault's associated token accounts, paid by the wallet;
    /// `TransferChecked` out of the old vault (authority: its multisig, signed by the wallet and the old guardian) into
    /// the new vault's account for the same mint; `CloseAccount` of an old vault account into the wallet.
    ///
    /// - Returns: the destination vault.
    /// - Throws: `vault_migration_refused` naming the first rule broken; `malformed_transaction`.
    static func checkMigration(
        _ transactions: [SolanaTransaction], wallet: SolanaPublicKey, oldGuardian: SolanaPublicKey,
        newGuardian: SolanaPublicKey
    ) throws(GuardianError) -> SolanaVault {
        func refuse(_ reason: String) -> GuardianError {
            GuardianError(
                .vaultMigrationRefused,
                "The migration is refused: \(reason) A migration may only move the vault of {wallet, current guardian, recovery key} to the vault of {wallet, new guardian, the same recovery key}."
            )
        }
        var decoded: [[SolanaInstruction]] = []
        for transaction in transactions {
            do { decoded.append(try transaction.message.decodedInstructions()) } catch {
                throw GuardianError(
                    .malformedTransaction,
                    "Instruction \(error.instructionIndex) of a migration transaction does not decode (\(error.code.rawValue)): \(error.message)"
                )
            }
        }
        // The recovery key, from the new vault's InitializeMultisig2.
        var recovery: SolanaPublicKey?
        for case .token(.initializeMultisig(_, let signers, _)) in decoded.joined().map(\.kind) {
            guard signers.count == 3, case .staticKey(let third) = signers[2] else {
                throw refuse("a multisig it creates does not have exactly three members named in the message.")
            }
            if let recovery, recovery != third {
                throw refuse("its multisigs name two different recovery keys.")
            }
            recovery = third
        }
        guard let recovery else {
            throw refuse("it creates no multisig (InitializeMultisig2), so its destination cannot be checked.")
        }
        let old: SolanaVault
        let new: SolanaVault
        do {
            old = try SolanaVault(wallet: wallet, guardian: oldGuardian, recovery: recovery)
            new = try SolanaVault(wallet: wallet, guardian: newGuardian, recovery: recovery)
        } catch {
            throw refuse("its recovery key \(recovery) repeats the wallet or a guardian key.")
        }
        let walletAccount = SolanaInstruction.Account.staticKey(wallet)
        let tokenPrograms = [SolanaProgram.splToken, SolanaProgram.token2022]
        let newMultisigs = tokenPrograms.map { SolanaInstruction.Account.staticKey(new.multisig(program: $0)) }
        for (transaction, instructions) in zip(transactions, decoded) {
            guard transaction.signerIndex(of: wallet) != nil else {
                throw GuardianError(
                    .walletNotSigner, "The wallet is not a required signer of a migration transaction.")
            }
            for instruction in instructions {
                let program = instruction.programID
                let where_ = "instruction \(instruction.index) (\(TransactionPolicy.name(of: instruction)))"
                switch instruction.kind {
                case .computeBudget:
                    continue
                case .system(.createAccountWithSeed(let funding, let account, let base, _, _, _, let owner)):
                    guard funding == walletAccount, base == wallet, isTokenProgram(owner),
                        account == .staticKey(new.multisig(program: owner))
                    else { throw refuse("\(where_) creates an account other than the new vault's multisig.") }
                case .token(.initializeMultisig(let multisig, let signers, let threshold)):
                    guard signers == new.signers.map({ .staticKey($0) }), threshold == SolanaVault.threshold,
                        multisig == .staticKey(new.multisig(program: program))
                    else {
                        throw refuse(
                            "\(where_) creates a multisig that is not exactly 2 of [wallet, new guardian \(newGuardian), recovery] at the new vault's address."
                        )
                    }
                case .associatedTokenAccount(.create(let funding, _, let owner, _, let system, let tokenProgram, _)):
                    guard funding == walletAccount, newMultisigs.contains(owner),
                        system == .staticKey(SolanaProgram.system), case .staticKey(let tokenKey) = tokenProgram,
                        isTokenProgram(tokenKey), owner == .staticKey(new.multisig(program: tokenKey))
                    else { throw refuse("\(where_) creates a token account that is not the new vault's.") }
                case .token(.transferChecked(_, let mint, let destination, let authority, let signers, _, _)):
                    guard authority == .staticKey(old.multisig(program: program)),
                        signers == [walletAccount, .staticKey(oldGuardian)]
                    else {
                        throw refuse("\(where_) moves tokens that are not the old vault's, or without the wallet.")
                    }
                    guard case .staticKey(let mintKey) = mint,
                        destination == .staticKey(new.tokenAccount(mint: mintKey, program: program))
                    else { throw refuse("\(where_) sends tokens somewhere other than the new vault.") }
                case .token(.closeAccount(_, let destination, let authority, let signers)):
                    guard authority == .staticKey(old.multisig(program: program)),
                        signers == [walletAccount, .staticKey(oldGuardian)], destination == walletAccount
                    else { throw refuse("\(where_) closes an account other than the old vault's into the wallet.") }
                default:
                    throw refuse("\(where_) is not part of a vault migration.")
                }
            }
        }
        return new
    }
}

extension SolanaInstruction.Account {
    /// The address, or where a lookup table holds it, for messages.
    var text: String {
        switch self {
        case .staticKey(let key): key.base58
        case .lookup(let table, let index): "lookup table \(table) entry \(index)"
        }
    }
}
