import ChainKit
import Foundation

// MARK: - Transactions for policy tests

/// Builds the transactions transaction-policy tests need, in Swift, byte layouts from the programs' sources (the
/// interop tests build the same ones with solders and spl.token): the owner is the fee payer and signs, the guardian is
/// a read-only signer whose slot stays empty.
public enum PolicyTransactions {
    /// One instruction for ``transaction(owner:guardian:instructions:)``: program, accounts (key, writable) and data.
    public struct Step {
        public let program: SolanaPublicKey
        public let accounts: [(SolanaPublicKey, Bool)]
        public let data: [UInt8]

        public init(program: SolanaPublicKey, accounts: [(SolanaPublicKey, Bool)], data: [UInt8]) {
            self.program = program
            self.accounts = accounts
            self.data = data
        }
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    /// System `Transfer` (u32 index 2, u64 lamports) from `from` to `to`.
    public static func solTransfer(from: SolanaPublicKey, to: SolanaPublicKey, lamports: UInt64) -> Step {
        Step(program: SolanaProgram.system, accounts: [(from, true), (to, true)], data: le(UInt32(2)) + le(lamports))
    }

    /// Token `TransferChecked` (tag 12, u64 amount, u8 decimals): source, mint, destination, authority.
    public static func transferChecked(
        source: SolanaPublicKey, mint: SolanaPublicKey, destination: SolanaPublicKey, authority: SolanaPublicKey,
        amount: UInt64, decimals: UInt8, program: SolanaPublicKey = SolanaProgram.splToken
    ) -> Step {
        Step(
            program: program, accounts: [(source, true), (mint, false), (destination, true), (authority, false)],
            data: [12] + le(amount) + [decimals])
    }

    /// Token `Transfer` (tag 3, u64 amount): source, destination, authority — no mint.
    public static func tokenTransfer(
        source: SolanaPublicKey, destination: SolanaPublicKey, authority: SolanaPublicKey, amount: UInt64,
        program: SolanaPublicKey = SolanaProgram.splToken
    ) -> Step {
        Step(
            program: program, accounts: [(source, true), (destination, true), (authority, false)],
            data: [3] + le(amount))
    }

    /// Compute Budget `SetComputeUnitPrice` (tag 3, u64 micro-lamports) and `SetComputeUnitLimit` (tag 2, u32).
    public static func computeUnitPrice(_ microLamports: UInt64, limit: UInt32) -> [Step] {
        [
            Step(program: SolanaProgram.computeBudget, accounts: [], data: [3] + le(microLamports)),
            Step(program: SolanaProgram.computeBudget, accounts: [], data: [2] + le(limit)),
        ]
    }

    /// An instruction of `program` with opaque data.
    public static func opaque(_ program: SolanaPublicKey, account: SolanaPublicKey) -> Step {
        Step(program: program, accounts: [(account, true)], data: [1, 2, 3])
    }

    /// A legacy message: owner (writable signer, fee payer), guardian (read-only signer), the instructions' other
    /// accounts (writable first), then the programs; signed by `owner` unless `sign` is false.
    public static func transaction(owner: SolanaKeypair, guardian: SolanaPublicKey, _ steps: [Step], sign: Bool = true)
        throws -> SolanaTransaction
    {
        var writable: [SolanaPublicKey] = []
        var readonly: [SolanaPublicKey] = []
        let signers = [owner.publicKey, guardian]
        for step in steps {
            for (key, isWritable) in step.accounts where !signers.contains(key) {
                if isWritable, !writable.contains(key) {
                    writable.append(key)
                    readonly.removeAll { $0 == key }
                } else if !isWritable, !writable.contains(key), !readonly.contains(key) {
                    readonly.append(key)
                }
            }
        }
        for step in steps where !readonly.contains(step.program) && !writable.contains(step.program) {
            readonly.append(step.program)
        }
        let keys = signers + writable + readonly
        let index = { (key: SolanaPublicKey) in UInt8(keys.firstIndex(of: key)!) }
        let message = try SolanaMessage(
            version: .legacy,
            header: .init(
                numRequiredSignatures: 2, numReadonlySignedAccounts: 1,
                numReadonlyUnsignedAccounts: UInt8(readonly.count)),
            staticAccountKeys: keys,
            recentBlockhash: SolanaBlockhash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }),
            instructions: steps.map {
                .init(programIDIndex: index($0.program), accountIndexes: $0.accounts.map { index($0.0) }, data: $0.data)
            })
        let transaction = try SolanaTransaction(message: message)
        return sign ? try transaction.signing(with: owner) : transaction
    }

    /// ``transaction(owner:guardian:_:sign:)`` in standard Base64.
    public static func base64(owner: SolanaKeypair, guardian: SolanaPublicKey, _ steps: [Step]) throws -> String {
        Data(try transaction(owner: owner, guardian: guardian, steps).serialized()).base64EncodedString()
    }

    /// A fresh random address.
    public static func address() -> SolanaPublicKey { SolanaKeypair().publicKey }
}
