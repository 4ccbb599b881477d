import ChainKit
import Foundation

// MARK: - Spends

/// An amount of one asset that a transaction moves out of the wallet.
public struct PolicySpend: Hashable, Sendable {
    /// What moves.
    public let asset: PolicyAsset
    /// How much: lamports for SOL, base units for a token.
    public let amount: UInt64

    public init(asset: PolicyAsset, amount: UInt64) {
        self.asset = asset
        self.amount = amount
    }
}

/// What a policy found in a transaction it allows.
public struct PolicyAssessment: Hashable, Sendable {
    /// The transaction's spends from the wallet, one per asset (summed, saturating at `UInt64.max`), sorted by asset.
    public let spends: [PolicySpend]
    /// Decimals of the mints, as `TransferChecked` states them (for messages).
    public let decimals: [PolicyAsset: UInt8]
}

// MARK: - Evaluation

extension TransactionPolicy {
    /// Checks every instruction against the policy's program and destination rules and adds up what leaves the
    /// wallet. Spending limits are checked separately against the committed history (``SpendingLedger``).
    ///
    /// Counted as spends from the wallet: System `Transfer`, `CreateAccount` and `CreateAccountWithSeed` funded by the
    /// wallet, `TransferWithSeed` whose base is the wallet (it controls the derived source), token `TransferChecked`
    /// whose authority is the wallet or lists it as a multisig signer, and the prioritization fee when the wallet pays
    /// the fees (``SolanaInstruction/prioritizationFeeUpperBound(_:)``). Transfers to the wallet itself are not spends.
    ///
    /// - Parameters:
    ///   - instructions: the decoded instructions of the transaction.
    ///   - wallet: the wallet whose policy this is.
    ///   - feePayer: the transaction's fee payer.
    /// - Throws: `policy_program_not_allowed`, `policy_instruction_not_supported`, `policy_account_unresolved`,
    ///   `policy_destination_not_allowed`.
    /// Rent-exempt deposit of an SPL Token account: (165 data bytes + 128 account overhead) × 3,480 lamports per
    /// byte-year × 2 years = 2,039,280 lamports (`Rent::default().minimum_balance(Account::LEN)`).
    static let splTokenAccountRent: UInt64 = (165 + 128) * 3_480 * 2
    /// Upper bound for a Token-2022 associated account, whose size grows with the mint's extensions: 512 data bytes,
    /// (512 + 128) × 3,480 × 2 = 4,454,400 lamports.
    static let token2022AccountRentBound: UInt64 = (512 + 128) * 3_480 * 2

    public func assess(_ instructions: [SolanaInstruction], wallet: SolanaPublicKey, feePayer: SolanaPublicKey)
        throws(GuardianError) -> PolicyAssessment
    {
        let walletAccount = SolanaInstruction.Account.staticKey(wallet)
        var totals: [PolicyAsset: UInt64] = [:]
        var decimals: [PolicyAsset: UInt8] = [:]
        var unwrapped: UInt64 = 0
        func add(_ asset: PolicyAsset, _ amount: UInt64) {
            let (sum, overflow) = (totals[asset] ?? 0).addingReportingOverflow(amount)
            totals[asset] = overflow ? .max : sum
        }

        for instruction in instructions {
            let name = Self.name(of: instruction)
            func resolved(_ accounts: [SolanaInstruction.Account]) throws(GuardianError) {
                for case .lookup(let table, let index) in accounts {
                    throw GuardianError(
                        .policyAccountUnresolved,
                        "Instruction \(instruction.index) (\(name)) names an account through address lookup table \(table) (entry \(index)), which the guardian cannot resolve off-chain, so this wallet's policy cannot check it; put the accounts of transfers in the message itself."
                    )
                }
            }
            func destination(_ account: SolanaInstruction.Account, _ what: String) throws(GuardianError) {
                guard let allowed = allowedDestinations, case .staticKey(let key) = account, !allowed.contains(key)
                else { return }
                throw GuardianError(
                    .policyDestinationNotAllowed,
                    "Destination allow-list: instruction \(instruction.index) (\(name)) sends \(what) to \(key), which is not on this wallet's allowed destinations; add it to the policy (loosening applies after 24 hours) or send to an allowed address."
                )
            }
            func unpriced() throws(GuardianError) {
                guard !allowedPrograms.contains(instruction.programID) else { return }
                if SolanaProgram.name(of: instruction.programID) != nil {
                    throw GuardianError(
                        .policyInstructionNotSupported,
                        "Instruction \(instruction.index) (\(name)) is not one Chronoguard can price, and this wallet's policy allows only priced instructions of \(SolanaProgram.describe(instruction.programID)); allow-list the program in the policy to permit it (its effects are then not counted)."
                    )
                }
                throw GuardianError(
                    .policyProgramNotAllowed,
                    "Program allow-list: instruction \(instruction.index) invokes program \(instruction.programID), which this wallet's policy does not allow; add it to the allowed programs (loosening applies after 24 hours)."
                )
            }

            switch instruction.kind {
            case .system(let system):
                switch system {
                case .transfer(let from, let to, let lamports):
                    try resolved([from, to])
                    if from == walletAccount, to != walletAccount {
                        try destination(to, Self.sol(lamports))
                        // SOL this transaction already counted when it left the wallet's vault is not counted twice.
                        let covered = min(lamports, unwrapped)
                        unwrapped -= covered
                        add(.sol, lamports - covered)
                    }
                case .transferWithSeed(let from, let base, let to, let lamports, _, _):
                    try resolved([from, base, to])
                    if base == walletAccount, to != walletAccount {
                        try destination(to, Self.sol(lamports))
                        add(.sol, lamports)
                    }
                case .createAccount(let funding, let newAccount, let lamports, _, _),
                    .createAccountWithSeed(let funding, let newAccount, _, _, let lamports, _, _):
                    try resolved([funding, newAccount])
                    if funding == walletAccount {
                        try destination(newAccount, Self.sol(lamports))
                        add(.sol, lamports)
                    }
                case .advanceNonceAccount:
                    // A durable-nonce transaction can be broadcast at any later time: cosigns collected on different
                    // days could all land in one slot, so no rolling window bounds them.
                    if !spendingLimits.isEmpty {
                        throw GuardianError(
                            .policyInstructionNotSupported,
                            "Instruction \(instruction.index) (\(name)) makes this a durable-nonce transaction, which can be broadcast at any later time, so this wallet's rolling spending limits could not bound it; use a recent blockhash, or remove the spending limits (loosening applies after 24 hours)."
                        )
                    }
                case .other:
                    try unpriced()
                }
            case .token(let token):
                switch token {
                case .transfer(let source, let to, let authority, let signers, let amount):
                    try resolved([source, to, authority] + signers)
                    guard authority == walletAccount || signers.contains(walletAccount) else { break }
                    if hasTokenLimits {
                        throw GuardianError(
                            .policyInstructionNotSupported,
                            "Instruction \(instruction.index) (\(name)) moves \(amount) base units of a token without naming its mint, so this wallet's token spending limits cannot be applied; build the transfer with TransferChecked, which names the mint and its decimals."
                        )
                    }
                    try destination(to, "\(amount) token base units")
                case .transferChecked(
                    let source, let mint, let to, let authority, let signers, let amount, let mintDecimals):
                    try resolved([source, mint, to, authority] + signers)
                    guard authority == walletAccount || signers.contains(walletAccount),
                        case .staticKey(let mintKey) = mint
                    else { break }
                    // Wrapped SOL is SOL: it counts against SOL limits (a vault holds its SOL wrapped).
                    if SolanaVault.isNativeMint(mintKey) {
                        let ownAccount = SolanaAssociatedTokenProgram.address(
                            wallet: wallet, mint: mintKey, tokenProgram: instruction.programID
                        ).address
                        if authority != walletAccount, to == .staticKey(ownAccount) {
                            // Out of the vault into the wallet's own wrapped-SOL account (unwrapping): a spend, and a
                            // credit for the wallet's onward System transfer in this transaction.
                            let (sum, overflow) = unwrapped.addingReportingOverflow(amount)
                            unwrapped = overflow ? .max : sum
                        } else {
                            try destination(to, Self.sol(amount) + " (wrapped)")
                        }
                        add(.sol, amount)
                        break
                    }
                    let asset = PolicyAsset.token(mint: mintKey)
                    try destination(to, "\(PolicyAmount.format(amount, decimals: mintDecimals)) of token \(mintKey)")
                    add(asset, amount)
                    decimals[asset] = mintDecimals
                case .closeAccount(let account, let to, let authority, let signers):
                    try resolved([account, to, authority] + signers)
                    guard authority == walletAccount || signers.contains(walletAccount), to != walletAccount else {
                        break
                    }
                    // The account's lamports (for wrapped SOL its whole balance) leave the wallet's control in an
                    // amount only the chain knows.
                    if !spendingLimits.isEmpty {
                        throw GuardianError(
                            .policyInstructionNotSupported,
                            "Instruction \(instruction.index) (\(name)) closes a token account into \(to.text), moving an amount only the chain knows, so this wallet's spending limits cannot be applied; close accounts into the wallet itself."
                        )
                    }
                    try destination(to, "a closed token account's lamports")
                case .initializeMultisig:
                    break
                case .other:
                    try unpriced()
                }
            case .associatedTokenAccount(let ata):
                switch ata {
                case .create(let funding, let associated, let owner, let mint, let systemProgram, let tokenProgram, _):
                    try resolved([funding, associated, owner, mint, systemProgram, tokenProgram])
                    // The ATA program asks the named token program for the size and makes it the owner, unchecked: only
                    // the real token programs are priced (otherwise any program could be funded with the wallet's SOL).
                    guard systemProgram == .staticKey(SolanaProgram.system),
                        case .staticKey(let tokenKey) = tokenProgram,
                        tokenKey == SolanaProgram.splToken || tokenKey == SolanaProgram.token2022
                    else {
                        if allowedPrograms.contains(instruction.programID) { break }
                        throw GuardianError(
                            .policyInstructionNotSupported,
                            "Instruction \(instruction.index) (\(name)) creates a token account for program \(tokenProgram), not SPL Token or Token-2022, so the guardian cannot price it; create associated token accounts of the token programs only."
                        )
                    }
                    if funding == walletAccount {
                        // The rent-exempt deposit leaves the wallet: counted as SOL; a deposit into the wallet's own
                        // account stays the wallet's (closing it returns the lamports).
                        let rent =
                            tokenKey == SolanaProgram.splToken
                            ? Self.splTokenAccountRent : Self.token2022AccountRentBound
                        if owner != walletAccount {
                            try destination(associated, Self.sol(rent) + " (the new token account's rent deposit)")
                        }
                        add(.sol, rent)
                    }
                case .other:
                    try unpriced()
                }
            case .computeBudget(let budget):
                if case .other = budget { try unpriced() }
            case .memo:
                break
            case .other:
                try unpriced()
            }
        }
        if feePayer == wallet {
            let fee = SolanaInstruction.prioritizationFeeUpperBound(instructions)
            if fee > 0 { add(.sol, fee) }
        }
        let spends = totals.filter { $0.value > 0 }.map { PolicySpend(asset: $0.key, amount: $0.value) }.sorted {
            $0.asset < $1.asset
        }
        return PolicyAssessment(spends: spends, decimals: decimals)
    }

    static func sol(_ lamports: UInt64) -> String {
        "\(PolicyAmount.format(lamports, decimals: PolicyAsset.solDecimals)) SOL"
    }

    /// `System Program Transfer`, `SPL Token TransferChecked`, … for messages.
    static func name(of instruction: SolanaInstruction) -> String {
        let program = SolanaProgram.name(of: instruction.programID) ?? "program \(instruction.programID)"
        switch instruction.kind {
        case .system(let system):
            switch system {
            case .transfer: return "\(program) Transfer"
            case .transferWithSeed: return "\(program) TransferWithSeed"
            case .createAccount: return "\(program) CreateAccount"
            case .createAccountWithSeed: return "\(program) CreateAccountWithSeed"
            case .advanceNonceAccount: return "\(program) AdvanceNonceAccount"
            case .other(let index): return "\(program) instruction \(index)"
            }
        case .token(let token):
            switch token {
            case .transfer: return "\(program) Transfer"
            case .transferChecked: return "\(program) TransferChecked"
            case .closeAccount: return "\(program) CloseAccount"
            case .initializeMultisig: return "\(program) InitializeMultisig"
            case .other(let tag): return "\(program) instruction \(tag)"
            }
        case .associatedTokenAccount(let ata):
            if case .other(let tag) = ata { return "\(program) instruction \(tag)" }
            return "\(program) Create"
        case .computeBudget(let budget):
            if case .other(let tag) = budget { return "\(program) instruction \(tag)" }
            return program
        case .memo, .other:
            return program
        }
    }
}

// MARK: - Ledger

/// A committed spend, as stored next to its cosign record.
public struct SpendRecord: Hashable, Sendable {
    /// The capsule that spent.
    public let operationID: String
    /// The wallet spending.
    public let wallet: SolanaPublicKey
    /// What was spent.
    public let asset: PolicyAsset
    /// How much.
    public let amount: UInt64
    /// When the cosign committed.
    public let at: Date

    public init(operationID: String, wallet: SolanaPublicKey, asset: PolicyAsset, amount: UInt64, at: Date) {
        self.operationID = operationID
        self.wallet = wallet
        self.asset = asset
        self.amount = amount
        self.at = at
    }
}

/// A spend that would take a rolling total over its limit.
public struct SpendingLimitViolation: Hashable, Sendable {
    /// The limit.
    public let limit: SpendingLimit
    /// What was already spent in the window (saturating at `UInt64.max`).
    public let windowTotal: UInt64
    /// What this transaction would add.
    public let spend: UInt64

    public init(limit: SpendingLimit, windowTotal: UInt64, spend: UInt64) {
        self.limit = limit
        self.windowTotal = windowTotal
        self.spend = spend
    }

    /// The window total with this spend, nil when it exceeds `UInt64.max`.
    public var newTotal: UInt64? {
        let (sum, overflow) = windowTotal.addingReportingOverflow(spend)
        return overflow || windowTotal == .max ? nil : sum
    }
}

/// Rolling-window sums over committed spends: a spend at time `t` counts in a window of length `p` at time `now`
/// exactly when `t > now − p` (to the millisecond), so it leaves the window `p` after it was made.
public enum SpendingLedger {
    /// Whether a spend at `at` counts in `period`'s window at `now`.
    public static func counts(_ at: Date, in period: SpendingPeriod, at now: Date) -> Bool {
        AuditEvent.milliseconds(at) > AuditEvent.milliseconds(now) - period.seconds * 1000
    }

    /// The start of the longest window among `limits` (records at or before it never count).
    public static func horizon(of limits: [SpendingLimit], at now: Date) -> Date {
        now.addingTimeInterval(-TimeInterval(limits.map(\.period.seconds).max() ?? 0))
    }

    /// What was spent of `asset` in `period`'s window at `now`, saturating at `UInt64.max`.
    public static func total(of asset: PolicyAsset, in period: SpendingPeriod, records: [SpendRecord], at now: Date)
        -> UInt64
    {
        var total: UInt64 = 0
        for record in records where record.asset == asset && counts(record.at, in: period, at: now) {
            let (sum, overflow) = total.addingReportingOverflow(record.amount)
            total = overflow ? .max : sum
        }
        return total
    }

    /// The first limit (in the policy's order) that `spends` would take over, given the committed `records`.
    public static func firstViolation(
        limits: [SpendingLimit], spends: [PolicySpend], records: [SpendRecord], at now: Date
    ) -> SpendingLimitViolation? {
        for limit in limits {
            guard let spend = spends.first(where: { $0.asset == limit.asset }), spend.amount > 0 else { continue }
            let total = total(of: limit.asset, in: limit.period, records: records, at: now)
            let violation = SpendingLimitViolation(limit: limit, windowTotal: total, spend: spend.amount)
            guard let newTotal = violation.newTotal, newTotal <= limit.amount else { return violation }
        }
        return nil
    }
}

// MARK: - Refusal messages

extension GuardianError {
    /// `policy_spending_limit_exceeded`, naming the limit and by how much the rolling total would exceed it.
    public static func spendingLimitExceeded(_ violation: SpendingLimitViolation, decimals: UInt8? = nil)
        -> GuardianError
    {
        let limit = violation.limit
        let places = limit.asset == .sol ? PolicyAsset.solDecimals : decimals
        let unit = limit.asset == .sol ? "lamports" : "base units"
        func shown(_ amount: UInt64) -> String {
            guard let places else { return "\(amount) \(unit)" }
            let symbol = limit.asset == .sol ? " SOL" : ""
            return "\(PolicyAmount.format(amount, decimals: places))\(symbol) (\(amount) \(unit))"
        }
        let what = limit.asset == .sol ? "SOL" : "token \(limit.asset.text)"
        let excess: String
        if let total = violation.newTotal {
            excess = "would be \(shown(total)), \(total - limit.amount) over the limit of \(limit.amount)"
        } else {
            excess = "would exceed \(UInt64.max) \(unit), over the limit of \(limit.amount)"
        }
        return GuardianError(
            .policySpendingLimitExceeded,
            "Spending limit (\(what) per \(limit.period.rawValue)): with this transaction the rolling \(limit.period.label) total \(excess) \(unit); wait until earlier spends leave the window or lower the amount."
        )
    }
}
