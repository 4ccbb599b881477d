// Builders for the instructions a multisig token vault needs: System Program, SPL Token / Token-2022, Associated
// Token Account and Compute Budget. Each cites the program's own instruction definition; the tests compare every
// builder byte for byte and meta for meta with solders and the `solana` package's `spl.token`.

// MARK: - System Program

/// System Program instructions (`solana_system_interface::instruction`): bincode, a little-endian `u32` variant
/// index, then the fields.
public enum SolanaSystemProgram {
    /// `CreateAccount { lamports, space, owner }` (variant 0): `funding` pays `lamports` into the new account, which
    /// gets `space` bytes of zeroed data owned by `owner`. Both accounts are writable signers (`create_account`).
    public static func createAccount(
        funding: SolanaPublicKey, newAccount: SolanaPublicKey, lamports: UInt64, space: UInt64,
        owner: SolanaPublicKey
    ) -> SolanaTransactionInstruction {
        var data: [UInt8] = []
        data.appendLittleEndian(SystemInstruction.Index.createAccount)
        data.appendLittleEndian(lamports)
        data.appendLittleEndian(space)
        data += owner.bytes
        return SolanaTransactionInstruction(
            programID: SolanaProgram.system,
            accounts: [.writable(funding, signer: true), .writable(newAccount, signer: true)], data: data)
    }

    /// `Transfer { lamports }` (variant 2): accounts `[from (writable signer), to (writable)]` (`transfer`).
    public static func transfer(from: SolanaPublicKey, to: SolanaPublicKey, lamports: UInt64)
        -> SolanaTransactionInstruction
    {
        var data: [UInt8] = []
        data.appendLittleEndian(SystemInstruction.Index.transfer)
        data.appendLittleEndian(lamports)
        return SolanaTransactionInstruction(
            programID: SolanaProgram.system, accounts: [.writable(from, signer: true), .writable(to)], data: data)
    }

    /// `Allocate { space }` (variant 8): gives a system-owned account without data `space` zeroed bytes; the
    /// account is a writable signer (`allocate`).
    public static func allocate(account: SolanaPublicKey, space: UInt64) -> SolanaTransactionInstruction {
        var data: [UInt8] = []
        data.appendLittleEndian(UInt32(8))
        data.appendLittleEndian(space)
        return SolanaTransactionInstruction(
            programID: SolanaProgram.system, accounts: [.writable(account, signer: true)], data: data)
    }
}

// MARK: - SPL Token and Token-2022

/// Who authorises a token instruction: a single key that signs, or an SPL multisig account with the member keys that
/// sign for it (`spl_token::instruction`: "single owner/delegate" or "multisignature owner/delegate").
public struct SolanaTokenAuthority: Hashable, Sendable {
    /// The authority account: the owner key itself, or the multisig account.
    public let account: SolanaPublicKey
    /// The member keys that sign for a multisig authority; empty for a single key.
    public let multisigSigners: [SolanaPublicKey]

    private init(account: SolanaPublicKey, multisigSigners: [SolanaPublicKey]) {
        self.account = account
        self.multisigSigners = multisigSigners
    }

    /// A single key that signs the transaction.
    public static func single(_ key: SolanaPublicKey) -> SolanaTokenAuthority {
        SolanaTokenAuthority(account: key, multisigSigners: [])
    }

    /// A multisig account (``SolanaTokenProgram/initializeMultisig2(multisig:signers:threshold:programID:)``) and
    /// the 1…11 member keys that sign this transaction (at least the multisig's threshold of them, or the program
    /// fails with `MissingRequiredSignature`).
    ///
    /// - Throws: ``SolanaBuildError`` `invalid_multisig_signers` for an empty list or more than 11 keys.
    public static func multisig(_ account: SolanaPublicKey, signers: [SolanaPublicKey]) throws(SolanaBuildError)
        -> SolanaTokenAuthority
    {
        guard (1...SolanaTokenMultisig.maxSigners).contains(signers.count) else {
            throw SolanaBuildError(
                .invalidMultisigSigners,
                "A multisig authority needs 1 to \(SolanaTokenMultisig.maxSigners) signing members but \(signers.count) were given; pass the members that sign this transaction."
            )
        }
        return SolanaTokenAuthority(account: account, multisigSigners: signers)
    }

    /// The authority's account metas: the authority, a signer only when it is a single key, then each multisig member
    /// as a read-only signer (`spl_token::instruction`, e.g. `transfer_checked`).
    public var accountMetas: [SolanaAccountMeta] {
        [.readonly(account, signer: multisigSigners.isEmpty)] + multisigSigners.map { .readonly($0, signer: true) }
    }
}

/// SPL Token and Token-2022 instructions (`spl_token::instruction::TokenInstruction::pack`; Token-2022 keeps the
/// same tags and layouts): one tag byte, then little-endian fields. The program id is a parameter, SPL Token by
/// default, ``SolanaProgram/token2022`` for Token-2022.
public enum SolanaTokenProgram {
    /// The instruction tags built here.
    public enum Tag {
        /// `MintTo`.
        public static let mintTo: UInt8 = 7
        /// `CloseAccount`.
        public static let closeAccount: UInt8 = 9
        /// `TransferChecked`.
        public static let transferChecked: UInt8 = TokenInstruction.Tag.transferChecked
        /// `SyncNative`.
        public static let syncNative: UInt8 = 17
        /// `InitializeAccount3`.
        public static let initializeAccount3: UInt8 = 18
        /// `InitializeMultisig2`.
        public static let initializeMultisig2: UInt8 = 19
        /// `InitializeMint2`.
        public static let initializeMint2: UInt8 = 20
    }

    /// `InitializeMint2 { decimals, mint_authority, freeze_authority }` (tag 20): initialises a mint account
    /// (created with ``SolanaTokenMint/byteCount`` bytes, owned by the token program); accounts `[mint (writable)]`.
    /// The freeze authority is a `COption<Pubkey>` packed as one byte 0 (none) or 1 followed by the key.
    public static func initializeMint2(
        mint: SolanaPublicKey, decimals: UInt8, mintAuthority: SolanaPublicKey, freezeAuthority: SolanaPublicKey?,
        programID: SolanaPublicKey = SolanaProgram.splToken
    ) -> SolanaTransactionInstruction {
        var data: [UInt8] = [Tag.initializeMint2, decimals]
        data += mintAuthority.bytes
        if let freezeAuthority {
            data.append(1)
            data += freezeAuthority.bytes
        } else {
            data.append(0)
        }
        return SolanaTransactionInstruction(programID: programID, accounts: [.writable(mint)], data: data)
    }

    /// `InitializeMultisig2 { m }` (tag 19): initialises an m-of-n multisig account (created with
    /// ``SolanaTokenMultisig/byteCount`` bytes, owned by the token program); accounts `[multisig (writable), signer
    /// keys… (read-only)]`.
    ///
    /// - Throws: ``SolanaBuildError`` — `invalid_multisig_signers` (not 1…11 keys) or `invalid_multisig_threshold`
    ///   (m is 0 or above the number of keys), which the program would refuse (`spl_token::instruction::
    ///   initialize_multisig2` checks the same).
    public static func initializeMultisig2(
        multisig: SolanaPublicKey, signers: [SolanaPublicKey], threshold: UInt8,
        programID: SolanaPublicKey = SolanaProgram.splToken
    ) throws(SolanaBuildError) -> SolanaTransactionInstruction {
        guard (1...SolanaTokenMultisig.maxSigners).contains(signers.count) else {
            throw SolanaBuildError(
                .invalidMultisigSigners,
                "A token multisig has 1 to \(SolanaTokenMultisig.maxSigners) member keys but \(signers.count) were given."
            )
        }
        guard threshold >= 1, Int(threshold) <= signers.count else {
            throw SolanaBuildError(
                .invalidMultisigThreshold,
                "The threshold m = \(threshold) must be between 1 and the number of member keys (\(signers.count))."
            )
        }
        return SolanaTransactionInstruction(
            programID: programID, accounts: [.writable(multisig)] + signers.map { .readonly($0) },
            data: [Tag.initializeMultisig2, threshold])
    }

    /// `InitializeAccount3 { owner }` (tag 18): initialises a token account (created with
    /// ``SolanaTokenAccount/byteCount`` bytes, owned by the token program) for `mint`, owned by `owner` (a key or a
    /// multisig account); accounts `[account (writable), mint]`.
    public static func initializeAccount3(
        account: SolanaPublicKey, mint: SolanaPublicKey, owner: SolanaPublicKey,
        programID: SolanaPublicKey = SolanaProgram.splToken
    ) -> SolanaTransactionInstruction {
        SolanaTransactionInstruction(
            programID: programID, accounts: [.writable(account), .readonly(mint)],
            data: [Tag.initializeAccount3] + owner.bytes)
    }

    /// `MintTo { amount }` (tag 7): mints `amount` base units into `destination`; accounts `[mint (writable),
    /// destination (writable), mint authority…]`.
    public static func mintTo(
        mint: SolanaPublicKey, destination: SolanaPublicKey, authority: SolanaTokenAuthority, amount: UInt64,
        programID: SolanaPublicKey = SolanaProgram.splToken
    ) -> SolanaTransactionInstruction {
        var data: [UInt8] = [Tag.mintTo]
        data.appendLittleEndian(amount)
        return SolanaTransactionInstruction(
            programID: programID, accounts: [.writable(mint), .writable(destination)] + authority.accountMetas,
            data: data)
    }

    /// `TransferChecked { amount, decimals }` (tag 12): moves `amount` base units from `source` to `destination`;
    /// the program fails unless `mint` and `decimals` are the source's. Accounts `[source (writable), mint,
    /// destination (writable), owner or delegate…]`.
    public static func transferChecked(
        source: SolanaPublicKey, mint: SolanaPublicKey, destination: SolanaPublicKey,
        authority: SolanaTokenAuthority, amount: UInt64, decimals: UInt8,
        programID: SolanaPublicKey = SolanaProgram.splToken
    ) -> SolanaTransactionInstruction {
        var data: [UInt8] = [Tag.transferChecked]
        data.appendLittleEndian(amount)
        data.append(decimals)
        return SolanaTransactionInstruction(
            programID: programID,
            accounts: [.writable(source), .readonly(mint), .writable(destination)] + authority.accountMetas,
            data: data)
    }

    /// `SyncNative` (tag 17): sets a wrapped-SOL account's token amount to its lamports above the rent-exempt
    /// reserve, after lamports were transferred in; accounts `[account (writable)]`.
    public static func syncNative(account: SolanaPublicKey, programID: SolanaPublicKey = SolanaProgram.splToken)
        -> SolanaTransactionInstruction
    {
        SolanaTransactionInstruction(programID: programID, accounts: [.writable(account)], data: [Tag.syncNative])
    }

    /// `CloseAccount` (tag 9): closes a token account with a zero balance (any balance for wrapped SOL, whose
    /// lamports all go out), sending its lamports to `destination`; accounts `[account (writable), destination
    /// (writable), owner or close authority…]`.
    public static func closeAccount(
        account: SolanaPublicKey, destination: SolanaPublicKey, authority: SolanaTokenAuthority,
        programID: SolanaPublicKey = SolanaProgram.splToken
    ) -> SolanaTransactionInstruction {
        SolanaTransactionInstruction(
            programID: programID, accounts: [.writable(account), .writable(destination)] + authority.accountMetas,
            data: [Tag.closeAccount])
    }
}

// MARK: - Associated Token Account

/// The Associated Token Account program (`spl_associated_token_account`): the canonical token account of a wallet
/// for a mint, at a program-derived address.
public enum SolanaAssociatedTokenProgram {
    /// The associated token account of `wallet` for `mint` under `tokenProgram`, and its bump seed
    /// (`get_associated_token_address_with_program_id`): the program address of the seeds `[wallet, tokenProgram,
    /// mint]` under the Associated Token Account program.
    public static func address(
        wallet: SolanaPublicKey, mint: SolanaPublicKey, tokenProgram: SolanaPublicKey = SolanaProgram.splToken
    ) -> (address: SolanaPublicKey, bump: UInt8) {
        do {
            return try SolanaPublicKey.findProgramAddress(
                seeds: [wallet.bytes, tokenProgram.bytes, mint.bytes], programID: SolanaProgram.associatedTokenAccount)
        } catch {
            // Three 32-byte seeds never break the seed limits, and no bump failing has probability about 2⁻²⁵⁵
            // (`find_program_address` panics there too).
            preconditionFailure("no associated token address for \(wallet), \(mint): \(error)")
        }
    }

    /// `CreateIdempotent` (tag 1): creates the associated token account of `wallet` for `mint` unless it exists with
    /// that owner and mint, `funding` paying its rent-exempt deposit (`create_associated_token_account_idempotent`).
    /// Accounts `[funding (writable signer), associated account (writable), wallet, mint, System Program, token
    /// program]`.
    public static func createIdempotent(
        funding: SolanaPublicKey, wallet: SolanaPublicKey, mint: SolanaPublicKey,
        tokenProgram: SolanaPublicKey = SolanaProgram.splToken
    ) -> SolanaTransactionInstruction {
        let associated = address(wallet: wallet, mint: mint, tokenProgram: tokenProgram).address
        return SolanaTransactionInstruction(
            programID: SolanaProgram.associatedTokenAccount,
            accounts: [
                .writable(funding, signer: true), .writable(associated), .readonly(wallet), .readonly(mint),
                .readonly(SolanaProgram.system), .readonly(tokenProgram),
            ],
            data: [1])
    }
}

// MARK: - Compute Budget

/// Compute Budget instructions (`solana_compute_budget_interface::ComputeBudgetInstruction`, Borsh: one tag byte,
/// then little-endian fields; no accounts).
public enum SolanaComputeBudgetProgram {
    /// `SetComputeUnitLimit(u32)` (tag 2): the most compute units the transaction may use (at most 1,400,000).
    public static func setComputeUnitLimit(_ units: UInt32) -> SolanaTransactionInstruction {
        var data: [UInt8] = [2]
        data.appendLittleEndian(units)
        return SolanaTransactionInstruction(programID: SolanaProgram.computeBudget, accounts: [], data: data)
    }

    /// `SetComputeUnitPrice(u64)` (tag 3): the priority fee rate, in micro-lamports per compute unit.
    public static func setComputeUnitPrice(microLamports: UInt64) -> SolanaTransactionInstruction {
        var data: [UInt8] = [3]
        data.appendLittleEndian(microLamports)
        return SolanaTransactionInstruction(programID: SolanaProgram.computeBudget, accounts: [], data: data)
    }
}
