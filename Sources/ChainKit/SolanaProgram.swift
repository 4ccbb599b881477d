// MARK: - Well-known programs

/// The on-chain programs whose instructions ChainKit decodes (see ``SolanaInstruction``).
///
/// Each id is the program's published address; the comment names where it is declared.
public enum SolanaProgram {
    /// The System Program: `11111111111111111111111111111111` (32 zero bytes; `solana_system_interface::program::ID`,
    /// formerly `solana_program::system_program::ID`).
    public static let system = SolanaPublicKey.zero

    /// SPL Token: `TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA` (solana-program-library `token/program/src/lib.rs`,
    /// `declare_id!`).
    public static let splToken = key("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")

    /// SPL Token-2022: `TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb` (solana-program-library
    /// `token/program-2022/src/lib.rs`, `declare_id!`).
    public static let token2022 = key("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")

    /// SPL Associated Token Account: `ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL` (solana-program-library
    /// `associated-token-account/program/src/lib.rs`, `declare_id!`).
    public static let associatedTokenAccount = key("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")

    /// The Compute Budget program: `ComputeBudget111111111111111111111111111111` (`solana_sdk_ids::compute_budget`).
    public static let computeBudget = key("ComputeBudget111111111111111111111111111111")

    /// SPL Memo v2 (current): `MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr` (solana-program-library `memo/program/src/lib.rs`).
    public static let memo = key("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")

    /// SPL Memo v1 (legacy, still deployed): `Memo1UhkJRfHyvLMcVucJwxXeuD728EqVoxYgxsjDq6` (solana-program-library
    /// `memo/program/src/lib.rs`, `pub mod v1`).
    public static let memoV1 = key("Memo1UhkJRfHyvLMcVucJwxXeuD728EqVoxYgxsjDq6")

    /// A short human name for a program ChainKit knows (`System Program`, `SPL Token`, …), nil for others.
    public static func name(of program: SolanaPublicKey) -> String? {
        switch program {
        case system: "System Program"
        case splToken: "SPL Token"
        case token2022: "SPL Token-2022"
        case associatedTokenAccount: "Associated Token Account program"
        case computeBudget: "Compute Budget program"
        case memo, memoV1: "Memo program"
        default: nil
        }
    }

    /// The program's name when known, else its address.
    public static func describe(_ program: SolanaPublicKey) -> String {
        name(of: program).map { "the \($0) (\(program))" } ?? "program \(program)"
    }

    /// Decodes one of the literal addresses above; they are fixed text, checked by the tests.
    static func key(_ base58: String) -> SolanaPublicKey {
        guard let key = SolanaPublicKey(base58) else { preconditionFailure("invalid built-in program id \(base58)") }
        return key
    }
}
