// MARK: - Decoded instructions

/// One instruction of a message, decoded when its program is one ChainKit knows (``SolanaProgram``).
///
/// Accounts are ``SolanaMessage/AccountSource`` values: a static key, or an entry of a v0 address lookup table,
/// whose address only the chain knows. ChainKit never guesses such an address; a caller that must know it (a
/// policy checking a destination) treats a `lookup` source as unresolved.
public struct SolanaInstruction: Hashable, Sendable {
    /// An account the instruction names.
    public typealias Account = SolanaMessage.AccountSource

    /// The instruction's position in the message (the runtime's instruction index).
    public let index: Int
    /// The program the instruction invokes (always a static key: `SolanaMessage` validation guarantees it).
    public let programID: SolanaPublicKey
    /// What the instruction does.
    public let kind: Kind

    /// Creates a decoded instruction.
    public init(index: Int, programID: SolanaPublicKey, kind: Kind) {
        self.index = index
        self.programID = programID
        self.kind = kind
    }

    /// The decoded instruction, by program.
    public enum Kind: Hashable, Sendable {
        /// A System Program instruction.
        case system(SystemInstruction)
        /// An SPL Token or Token-2022 instruction (the two share these layouts).
        case token(TokenInstruction)
        /// An Associated Token Account program instruction.
        case associatedTokenAccount(AssociatedTokenAccountInstruction)
        /// A Compute Budget instruction.
        case computeBudget(ComputeBudgetInstruction)
        /// A memo (v1 or v2): the data is the memo text, which the program requires to be UTF-8.
        case memo([UInt8])
        /// An instruction of a program ChainKit does not decode; its data is opaque.
        case other
    }
}

// MARK: - System Program

/// System Program instructions (`solana_system_interface::instruction::SystemInstruction`, bincode: a little-endian
/// `u32` variant index, then the fields; strings are a `u64` length and UTF-8 bytes).
public enum SystemInstruction: Hashable, Sendable {
    /// `Transfer { lamports }` (index 2); accounts `[from (signer), to]`.
    case transfer(from: SolanaInstruction.Account, to: SolanaInstruction.Account, lamports: UInt64)
    /// `TransferWithSeed { lamports, from_seed, from_owner }` (index 11); accounts `[from (derived from base), base
    /// (signer), to]`. The base key controls the derived source account.
    case transferWithSeed(
        from: SolanaInstruction.Account, base: SolanaInstruction.Account, to: SolanaInstruction.Account,
        lamports: UInt64, seed: String, owner: SolanaPublicKey)
    /// `CreateAccount { lamports, space, owner }` (index 0); accounts `[funding (signer), new account (signer)]`.
    case createAccount(
        funding: SolanaInstruction.Account, newAccount: SolanaInstruction.Account, lamports: UInt64, space: UInt64,
        owner: SolanaPublicKey)
    /// `CreateAccountWithSeed { base, seed, lamports, space, owner }` (index 3); accounts `[funding (signer), new
    /// account, base (signer, omitted when it is the funding account)]`.
    case createAccountWithSeed(
        funding: SolanaInstruction.Account, newAccount: SolanaInstruction.Account, base: SolanaPublicKey, seed: String,
        lamports: UInt64, space: UInt64, owner: SolanaPublicKey)
    /// `AdvanceNonceAccount` (index 4): the durable-nonce instruction; accounts `[nonce, RecentBlockhashes sysvar,
    /// authority (signer)]`. Moves no lamports.
    case advanceNonceAccount(nonce: SolanaInstruction.Account)
    /// Any other System instruction, by its variant index (Assign, Allocate, nonce management, …).
    case other(index: UInt32)

    /// The variant indexes decoded above (`SystemInstruction` declaration order).
    public enum Index {
        /// `CreateAccount`.
        public static let createAccount: UInt32 = 0
        /// `Transfer`.
        public static let transfer: UInt32 = 2
        /// `CreateAccountWithSeed`.
        public static let createAccountWithSeed: UInt32 = 3
        /// `AdvanceNonceAccount`.
        public static let advanceNonceAccount: UInt32 = 4
        /// `TransferWithSeed`.
        public static let transferWithSeed: UInt32 = 11
    }
}

// MARK: - SPL Token and Token-2022

/// SPL Token / Token-2022 instructions (`spl_token::instruction::TokenInstruction::unpack`: one tag byte, then
/// little-endian fields; both programs ignore bytes after the fields).
public enum TokenInstruction: Hashable, Sendable {
    /// `Transfer { amount }` (tag 3); accounts `[source, destination, authority, multisig signers…]`. The mint is not
    /// named: only the source account's on-chain data says which token moves.
    case transfer(
        source: SolanaInstruction.Account, destination: SolanaInstruction.Account, authority: SolanaInstruction.Account,
        multisigSigners: [SolanaInstruction.Account], amount: UInt64)
    /// `TransferChecked { amount, decimals }` (tag 12); accounts `[source, mint, destination, authority, multisig
    /// signers…]`. The program fails unless `mint` and `decimals` match the source account's.
    case transferChecked(
        source: SolanaInstruction.Account, mint: SolanaInstruction.Account, destination: SolanaInstruction.Account,
        authority: SolanaInstruction.Account, multisigSigners: [SolanaInstruction.Account], amount: UInt64,
        decimals: UInt8)
    /// `CloseAccount` (tag 9); accounts `[account, destination, owner or close authority, multisig signers…]`. All
    /// the account's lamports (for wrapped SOL: its whole balance and reserve) go to `destination`.
    case closeAccount(
        account: SolanaInstruction.Account, destination: SolanaInstruction.Account,
        authority: SolanaInstruction.Account, multisigSigners: [SolanaInstruction.Account])
    /// `InitializeMultisig` (tag 2, accounts `[multisig, Rent sysvar, signers…]`) and `InitializeMultisig2` (tag 19,
    /// accounts `[multisig, signers…]`): makes `multisig` an m-of-n multisig of `signers` (`threshold` is m).
    case initializeMultisig(
        multisig: SolanaInstruction.Account, signers: [SolanaInstruction.Account], threshold: UInt8)
    /// Any other token instruction, by its tag (Approve, SetAuthority, Burn, extensions, …).
    case other(tag: UInt8)

    /// The tags decoded above.
    public enum Tag {
        /// `InitializeMultisig`.
        public static let initializeMultisig: UInt8 = 2
        /// `Transfer`.
        public static let transfer: UInt8 = 3
        /// `CloseAccount`.
        public static let closeAccount: UInt8 = 9
        /// `TransferChecked`.
        public static let transferChecked: UInt8 = 12
        /// `InitializeMultisig2`.
        public static let initializeMultisig2: UInt8 = 19
    }
}

// MARK: - Associated Token Account

/// Associated Token Account program instructions (`AssociatedTokenAccountInstruction`, Borsh: one tag byte; empty
/// data is the original `Create`).
public enum AssociatedTokenAccountInstruction: Hashable, Sendable {
    /// `Create` (tag 0 or empty data) and `CreateIdempotent` (tag 1); accounts `[funding (signer), associated account,
    /// wallet, mint, System Program, token program]`. The funding account pays the new account's rent-exempt deposit.
    /// The program does not check `tokenProgram` against the real token programs: it asks whatever program is named for
    /// the account's size and creates the account owned by it — so a caller that prices this must check it.
    case create(
        funding: SolanaInstruction.Account, associatedAccount: SolanaInstruction.Account,
        wallet: SolanaInstruction.Account, mint: SolanaInstruction.Account,
        systemProgram: SolanaInstruction.Account, tokenProgram: SolanaInstruction.Account, idempotent: Bool)
    /// Any other instruction (`RecoverNested`, tag 2, moves tokens), by its tag.
    case other(tag: UInt8)
}

// MARK: - Compute Budget

/// Compute Budget instructions (`solana_compute_budget_interface::ComputeBudgetInstruction`, Borsh: one tag byte,
/// then little-endian fields).
public enum ComputeBudgetInstruction: Hashable, Sendable {
    /// `RequestHeapFrame(u32)` (tag 1): heap bytes.
    case requestHeapFrame(bytes: UInt32)
    /// `SetComputeUnitLimit(u32)` (tag 2).
    case setComputeUnitLimit(units: UInt32)
    /// `SetComputeUnitPrice(u64)` (tag 3): the priority fee rate in micro-lamports per compute unit.
    case setComputeUnitPrice(microLamports: UInt64)
    /// `SetLoadedAccountsDataSizeLimit(u32)` (tag 4).
    case setLoadedAccountsDataSizeLimit(bytes: UInt32)
    /// Any other tag (0 is the removed `RequestUnitsDeprecated`).
    case other(tag: UInt8)
}
