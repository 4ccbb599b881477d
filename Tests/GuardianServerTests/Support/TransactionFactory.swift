import ChainKit
import Foundation

// MARK: - Transactions for tests

/// Builds Solana transactions the way a wallet would: a System Program transfer from the owner, with the guardian key
/// as a second (read-only) required signer, signed by the owner only.
enum TransactionFactory {
    /// The System Program id: 32 zero bytes, Base58 `11111111111111111111111111111111`.
    static let systemProgram = SolanaPublicKey.zero

    static func randomBlockhash() throws -> SolanaBlockhash {
        try SolanaBlockhash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    /// System Program `Transfer`: instruction index 2 (u32 LE) then lamports (u64 LE) — solana_program::system_instruction.
    static func transferData(lamports: UInt64) -> [UInt8] {
        withUnsafeBytes(of: UInt32(2).littleEndian, Array.init) + withUnsafeBytes(of: lamports.littleEndian, Array.init)
    }

    /// Accounts: [owner (writable signer, fee payer), guardian (read-only signer), recipient (writable), system program
    /// (read-only)].
    static func message(
        owner: SolanaPublicKey, guardian: SolanaPublicKey, version: SolanaMessage.Version = .legacy,
        blockhash: SolanaBlockhash? = nil, signers: [SolanaPublicKey]? = nil
    ) throws -> SolanaMessage {
        let recipient = SolanaKeypair().publicKey
        let signerKeys = signers ?? [owner, guardian]
        let readonlySigned = UInt8(signerKeys.count - 1)
        return try SolanaMessage(
            version: version,
            header: .init(
                numRequiredSignatures: UInt8(signerKeys.count), numReadonlySignedAccounts: readonlySigned,
                numReadonlyUnsignedAccounts: 1),
            staticAccountKeys: signerKeys + [recipient, systemProgram],
            recentBlockhash: try blockhash ?? randomBlockhash(),
            instructions: [
                .init(
                    programIDIndex: UInt8(signerKeys.count + 1), accountIndexes: [0, UInt8(signerKeys.count)],
                    data: transferData(lamports: UInt64.random(in: 1...1_000_000_000)))
            ])
    }

    /// A transfer signed by the owner, the guardian's slot empty.
    static func transfer(owner: SolanaKeypair, guardian: SolanaPublicKey, version: SolanaMessage.Version = .legacy)
        throws -> SolanaTransaction
    {
        try SolanaTransaction(message: message(owner: owner.publicKey, guardian: guardian, version: version)).signing(
            with: owner)
    }

    static func base64(_ transaction: SolanaTransaction) -> String {
        Data(transaction.serialized()).base64EncodedString()
    }
}
