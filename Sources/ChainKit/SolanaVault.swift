import Crypto

// MARK: - Addresses with a seed

extension SolanaPublicKey {
    /// The address of an account created with a seed (`Pubkey::create_with_seed`, `solana-pubkey`):
    /// `SHA-256(base ‖ seed ‖ owner)`. Only `base` can sign for its creation (`CreateAccountWithSeed`).
    ///
    /// - Throws: ``SolanaBuildError`` — `seed_too_long` (over 32 bytes) or `illegal_owner` (an owner ending with
    ///   `"ProgramDerivedAddress"`, which the runtime refuses so that such an address can never collide with a PDA).
    public static func createWithSeed(base: SolanaPublicKey, seed: String, owner: SolanaPublicKey)
        throws(SolanaBuildError) -> SolanaPublicKey
    {
        guard seed.utf8.count <= maxSeedLength else {
            throw SolanaBuildError(
                .seedTooLong, "The seed is \(seed.utf8.count) bytes but an address seed is at most \(maxSeedLength).")
        }
        guard !owner.bytes.suffix(programDerivedAddressMarker.count).elementsEqual(programDerivedAddressMarker) else {
            throw SolanaBuildError(
                .illegalOwner, "The owner \(owner) ends with the program-address marker, which the runtime refuses.")
        }
        var hasher = SHA256()
        hasher.update(data: base.bytes)
        hasher.update(data: Array(seed.utf8))
        hasher.update(data: owner.bytes)
        return SolanaPublicKey(uncheckedBytes: Array(hasher.finalize()))
    }
}

extension SolanaSystemProgram {
    /// `CreateAccountWithSeed { base, seed, lamports, space, owner }` (variant 3): creates the account at
    /// ``SolanaPublicKey/createWithSeed(base:seed:owner:)``; `funding` pays. Accounts `[funding (writable signer), new
    /// account (writable), base (signer, omitted when it is the funding account)]` (`create_account_with_seed`).
    public static func createAccountWithSeed(
        funding: SolanaPublicKey, newAccount: SolanaPublicKey, base: SolanaPublicKey, seed: String, lamports: UInt64,
        space: UInt64, owner: SolanaPublicKey
    ) -> SolanaTransactionInstruction {
        var data: [UInt8] = []
        data.appendLittleEndian(SystemInstruction.Index.createAccountWithSeed)
        data += base.bytes
        data.appendLittleEndian(UInt64(seed.utf8.count))
        data += Array(seed.utf8)
        data.appendLittleEndian(lamports)
        data.appendLittleEndian(space)
        data += owner.bytes
        var accounts: [SolanaAccountMeta] = [.writable(funding, signer: true), .writable(newAccount)]
        if base != funding { accounts.append(.readonly(base, signer: true)) }
        return SolanaTransactionInstruction(programID: SolanaProgram.system, accounts: accounts, data: data)
    }
}

// MARK: - The vault

/// A Chronoguard Solana vault: a **2-of-3 SPL Token multisig** of the wallet, the wallet's guardian key and an
/// offline recovery key, with token accounts (any mint) owned by it and SOL held as wrapped SOL (docs/vault.md).
///
/// The multisig lives at an address derived from its members: `create_with_seed(base: wallet, seed, owner: token
/// program)` where `seed` is 32 hex digits of `SHA-256("chronoguard:solana-vault:v1" ‖ guardian ‖ recovery)`. The
/// address therefore commits to the signer set, and anyone (the guardian included, without reading the chain) can
/// check that a transaction's vault authority is the vault of {wallet, guardian, recovery} — which is how the guardian
/// checks that a migration after a key rotation keeps the same recovery key. Only the wallet can create it (it is the
/// base that signs `CreateAccountWithSeed`).
///
/// A multisig belongs to one token program (each program accepts only its own multisigs as owners), so a vault has
/// one multisig per token program, same seed: SPL Token (which also holds the wrapped SOL) and, when a Token-2022 mint
/// is used, Token-2022.
public struct SolanaVault: Hashable, Sendable {
    /// Signatures the multisig requires: 2 of its 3 members.
    public static let threshold: UInt8 = 2
    /// The domain of the seed hash.
    public static let seedDomain = "chronoguard:solana-vault:v1"
    /// The wrapped-SOL mint of SPL Token (`spl_token::native_mint`), 9 decimals.
    public static let nativeMint = SolanaProgram.key("So11111111111111111111111111111111111111112")
    /// The wrapped-SOL mint of Token-2022 (`spl_token_2022::native_mint`).
    public static let nativeMint2022 = SolanaProgram.key("9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP")

    /// The wallet: the fee payer, the key that must sign every vault transaction.
    public let wallet: SolanaPublicKey
    /// The wallet's guardian key (the guardian service holds it and co-signs after a TOTP code).
    public let guardian: SolanaPublicKey
    /// The recovery key the owner keeps offline.
    public let recovery: SolanaPublicKey

    /// A vault of three distinct keys.
    /// - Throws: ``SolanaBuildError`` `invalid_multisig_signers` when two of the keys are equal (a 2-of-3 of two keys
    ///   would let one key act alone).
    public init(wallet: SolanaPublicKey, guardian: SolanaPublicKey, recovery: SolanaPublicKey) throws(SolanaBuildError)
    {
        guard Set([wallet, guardian, recovery]).count == 3 else {
            throw SolanaBuildError(
                .invalidMultisigSigners,
                "The wallet, guardian and recovery keys of a vault must be three different keys; with two equal, one key could act alone."
            )
        }
        self.wallet = wallet
        self.guardian = guardian
        self.recovery = recovery
    }

    /// The members in multisig order: wallet, guardian, recovery.
    public var signers: [SolanaPublicKey] { [wallet, guardian, recovery] }

    /// The address seed: 32 lowercase hex digits (128 bits) of `SHA-256(seedDomain ‖ guardian ‖ recovery)`.
    public var seed: String {
        var hasher = SHA256()
        hasher.update(data: Array(Self.seedDomain.utf8))
        hasher.update(data: guardian.bytes)
        hasher.update(data: recovery.bytes)
        let digits = Array("0123456789abcdef")
        return String(Array(hasher.finalize()).prefix(16).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// The vault's multisig account under `program` (SPL Token or Token-2022).
    public func multisig(program: SolanaPublicKey = SolanaProgram.splToken) -> SolanaPublicKey {
        do {
            return try SolanaPublicKey.createWithSeed(base: wallet, seed: seed, owner: program)
        } catch {
            // A 32-byte ASCII seed and the token programs never break create_with_seed's rules.
            preconditionFailure("vault address for \(program): \(error)")
        }
    }

    /// The vault's token account for `mint`: the associated token account of the program's multisig.
    public func tokenAccount(mint: SolanaPublicKey, program: SolanaPublicKey = SolanaProgram.splToken)
        -> SolanaPublicKey
    {
        SolanaAssociatedTokenProgram.address(wallet: multisig(program: program), mint: mint, tokenProgram: program)
            .address
    }

    /// The vault's wrapped-SOL account (SPL Token).
    public var solAccount: SolanaPublicKey { tokenAccount(mint: Self.nativeMint) }

    /// The multisig authority of `program`'s multisig with `members` signing (in the given order).
    public func authority(program: SolanaPublicKey, members: [SolanaPublicKey]) -> SolanaTokenAuthority {
        do {
            return try .multisig(multisig(program: program), signers: members)
        } catch {
            preconditionFailure("vault authority with \(members.count) members: \(error)")
        }
    }

    // MARK: Creating

    /// Creates and initialises the multisig of `program` at its derived address; the wallet pays `lamports` (the
    /// rent-exempt minimum of ``SolanaTokenMultisig/byteCount`` bytes).
    public func createMultisig(program: SolanaPublicKey = SolanaProgram.splToken, lamports: UInt64)
        -> [SolanaTransactionInstruction]
    {
        let account = multisig(program: program)
        do {
            return [
                SolanaSystemProgram.createAccountWithSeed(
                    funding: wallet, newAccount: account, base: wallet, seed: seed, lamports: lamports,
                    space: UInt64(SolanaTokenMultisig.byteCount), owner: program),
                try SolanaTokenProgram.initializeMultisig2(
                    multisig: account, signers: signers, threshold: Self.threshold, programID: program),
            ]
        } catch {
            preconditionFailure("a 2-of-3 multisig is always valid: \(error)")
        }
    }

    /// Creates the vault's token account for `mint` if it does not exist (the wallet pays its rent).
    public func createTokenAccount(mint: SolanaPublicKey, program: SolanaPublicKey = SolanaProgram.splToken)
        -> SolanaTransactionInstruction
    {
        SolanaAssociatedTokenProgram.createIdempotent(
            funding: wallet, wallet: multisig(program: program), mint: mint, tokenProgram: program)
    }

    // MARK: Depositing (the wallet alone)

    /// Wraps `lamports` of the wallet's SOL into the vault: create the wrapped-SOL account if needed, transfer,
    /// `SyncNative`.
    public func depositSOL(lamports: UInt64) -> [SolanaTransactionInstruction] {
        [
            createTokenAccount(mint: Self.nativeMint),
            SolanaSystemProgram.transfer(from: wallet, to: solAccount, lamports: lamports),
            SolanaTokenProgram.syncNative(account: solAccount),
        ]
    }

    /// Moves `amount` base units of `mint` from the wallet's associated token account into the vault.
    public func depositToken(mint: SolanaPublicKey, program: SolanaPublicKey, decimals: UInt8, amount: UInt64)
        -> [SolanaTransactionInstruction]
    {
        let source = SolanaAssociatedTokenProgram.address(wallet: wallet, mint: mint, tokenProgram: program).address
        return [
            createTokenAccount(mint: mint, program: program),
            SolanaTokenProgram.transferChecked(
                source: source, mint: mint, destination: tokenAccount(mint: mint, program: program),
                authority: .single(wallet), amount: amount, decimals: decimals, programID: program),
        ]
    }

    // MARK: Spending (wallet + guardian)

    /// Sends `amount` base units of `mint` to `recipient`'s associated token account (created if needed, the wallet
    /// paying its rent), signed by the wallet and the guardian.
    public func transferToken(
        mint: SolanaPublicKey, program: SolanaPublicKey, decimals: UInt8, amount: UInt64, to recipient: SolanaPublicKey
    ) -> [SolanaTransactionInstruction] {
        let destination = SolanaAssociatedTokenProgram.address(wallet: recipient, mint: mint, tokenProgram: program)
            .address
        return [
            SolanaAssociatedTokenProgram.createIdempotent(
                funding: wallet, wallet: recipient, mint: mint, tokenProgram: program),
            SolanaTokenProgram.transferChecked(
                source: tokenAccount(mint: mint, program: program), mint: mint, destination: destination,
                authority: authority(program: program, members: [wallet, guardian]), amount: amount,
                decimals: decimals, programID: program),
        ]
    }

    /// Sends `lamports` of SOL to `recipient` as native SOL, signed by the wallet and the guardian: the vault's
    /// wrapped SOL moves to the wallet's own wrapped-SOL account (created if needed), which is closed into the wallet
    /// (unwrapping it), and the wallet transfers the lamports on.
    public func transferSOL(lamports: UInt64, to recipient: SolanaPublicKey) -> [SolanaTransactionInstruction] {
        let unwrap = SolanaAssociatedTokenProgram.address(wallet: wallet, mint: Self.nativeMint).address
        return [
            SolanaAssociatedTokenProgram.createIdempotent(funding: wallet, wallet: wallet, mint: Self.nativeMint),
            SolanaTokenProgram.transferChecked(
                source: solAccount, mint: Self.nativeMint, destination: unwrap,
                authority: authority(program: SolanaProgram.splToken, members: [wallet, guardian]), amount: lamports,
                decimals: 9),
            SolanaTokenProgram.closeAccount(account: unwrap, destination: wallet, authority: .single(wallet)),
            SolanaSystemProgram.transfer(from: wallet, to: recipient, lamports: lamports),
        ]
    }

    // MARK: Recovering and migrating

    /// One balance of the vault: a token account it owns.
    public struct Holding: Hashable, Sendable {
        /// The mint (``SolanaVault/nativeMint`` for wrapped SOL).
        public let mint: SolanaPublicKey
        /// The token program of the mint.
        public let program: SolanaPublicKey
        /// The mint's decimals.
        public let decimals: UInt8
        /// Base units held.
        public let amount: UInt64

        public init(mint: SolanaPublicKey, program: SolanaPublicKey, decimals: UInt8, amount: UInt64) {
            self.mint = mint
            self.program = program
            self.decimals = decimals
            self.amount = amount
        }

        /// Whether this is the vault's wrapped SOL.
        public var isSOL: Bool { mint == SolanaVault.nativeMint || mint == SolanaVault.nativeMint2022 }
    }

    /// Break-glass: the wallet and the recovery key, no guardian, move every holding to `recipient` — tokens to its
    /// associated accounts (created if needed), wrapped SOL unwrapped by closing the account into `recipient` — and
    /// close the emptied token accounts, their rent going to `recipient`.
    public func recover(_ holdings: [Holding], to recipient: SolanaPublicKey) -> [SolanaTransactionInstruction] {
        var instructions: [SolanaTransactionInstruction] = []
        for holding in holdings {
            let source = tokenAccount(mint: holding.mint, program: holding.program)
            let signers = authority(program: holding.program, members: [wallet, recovery])
            if !holding.isSOL, holding.amount > 0 {
                instructions.append(
                    SolanaAssociatedTokenProgram.createIdempotent(
                        funding: wallet, wallet: recipient, mint: holding.mint, tokenProgram: holding.program))
                instructions.append(
                    SolanaTokenProgram.transferChecked(
                        source: source, mint: holding.mint,
                        destination: SolanaAssociatedTokenProgram.address(
                            wallet: recipient, mint: holding.mint, tokenProgram: holding.program
                        ).address, authority: signers, amount: holding.amount, decimals: holding.decimals,
                        programID: holding.program))
            }
            instructions.append(
                SolanaTokenProgram.closeAccount(
                    account: source, destination: recipient, authority: signers, programID: holding.program))
        }
        return instructions
    }

    /// The vault of the same wallet and recovery key with `newGuardian`: where a rotation's migration goes.
    public func rotated(to newGuardian: SolanaPublicKey) throws(SolanaBuildError) -> SolanaVault {
        try SolanaVault(wallet: wallet, guardian: newGuardian, recovery: recovery)
    }

    /// A guardian-key rotation's migration, signed by the wallet and the outgoing guardian key: create `destination`'s
    /// multisigs (for every program of `holdings`; SPL Token always) and token accounts, move every balance there, and
    /// close the old accounts into the wallet (their rent). `multisigRent` is the rent-exempt minimum of a multisig.
    ///
    /// Long vaults do not fit one transaction: ``migrationBatches(to:holdings:multisigRent:perTransaction:)`` splits
    /// it.
    public func migration(to destination: SolanaVault, holdings: [Holding], multisigRent: UInt64)
        -> [SolanaTransactionInstruction]
    {
        migrationBatches(to: destination, holdings: holdings, multisigRent: multisigRent, perTransaction: .max)
            .flatMap { $0 }
    }

    /// The migration split into transactions: the first creates the destination's multisigs, then each moves up to
    /// `perTransaction` holdings (create the new account, transfer, close the old one).
    public func migrationBatches(
        to destination: SolanaVault, holdings: [Holding], multisigRent: UInt64, perTransaction: Int = 2
    ) -> [[SolanaTransactionInstruction]] {
        var programs = [SolanaProgram.splToken]
        for holding in holdings where !programs.contains(holding.program) { programs.append(holding.program) }
        var batches: [[SolanaTransactionInstruction]] = [
            programs.flatMap { destination.createMultisig(program: $0, lamports: multisigRent) }
        ]
        var current: [SolanaTransactionInstruction] = []
        var count = 0
        for holding in holdings {
            let members = authority(program: holding.program, members: [wallet, guardian])
            current.append(destination.createTokenAccount(mint: holding.mint, program: holding.program))
            if holding.amount > 0 {
                current.append(
                    SolanaTokenProgram.transferChecked(
                        source: tokenAccount(mint: holding.mint, program: holding.program), mint: holding.mint,
                        destination: destination.tokenAccount(mint: holding.mint, program: holding.program),
                        authority: members, amount: holding.amount, decimals: holding.decimals,
                        programID: holding.program))
            }
            current.append(
                SolanaTokenProgram.closeAccount(
                    account: tokenAccount(mint: holding.mint, program: holding.program), destination: wallet,
                    authority: members, programID: holding.program))
            count += 1
            if count >= max(1, perTransaction) {
                batches.append(current)
                current = []
                count = 0
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}

extension SolanaVault {
    /// Whether `mint` is a wrapped-SOL mint (SPL Token's or Token-2022's).
    public static func isNativeMint(_ mint: SolanaPublicKey) -> Bool { mint == nativeMint || mint == nativeMint2022 }
}
