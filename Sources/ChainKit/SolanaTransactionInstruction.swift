// MARK: - Instructions to build

/// An account an instruction names, with the access it needs (`solana_instruction::AccountMeta`).
public struct SolanaAccountMeta: Hashable, Sendable {
    /// The account's address.
    public var publicKey: SolanaPublicKey
    /// Whether the transaction must carry this account's signature.
    public var isSigner: Bool
    /// Whether the instruction may modify the account (lamports or data).
    public var isWritable: Bool

    /// Creates an account meta.
    public init(_ publicKey: SolanaPublicKey, isSigner: Bool, isWritable: Bool) {
        self.publicKey = publicKey
        self.isSigner = isSigner
        self.isWritable = isWritable
    }

    /// A writable account (`AccountMeta::new`).
    public static func writable(_ key: SolanaPublicKey, signer: Bool = false) -> SolanaAccountMeta {
        SolanaAccountMeta(key, isSigner: signer, isWritable: true)
    }

    /// A read-only account (`AccountMeta::new_readonly`).
    public static func readonly(_ key: SolanaPublicKey, signer: Bool = false) -> SolanaAccountMeta {
        SolanaAccountMeta(key, isSigner: signer, isWritable: false)
    }
}

/// An instruction for a new transaction: the program to run, the accounts it names and its data
/// (`solana_instruction::Instruction`; `TransactionInstruction` in `@solana/web3.js`).
///
/// The builders (``SolanaSystemProgram``, ``SolanaTokenProgram``, ``SolanaAssociatedTokenProgram``,
/// ``SolanaComputeBudgetProgram``) return these; ``SolanaMessage/init(feePayer:instructions:recentBlockhash:)``
/// compiles them into a message. (``SolanaInstruction`` is the other direction: an instruction decoded from a message.)
public struct SolanaTransactionInstruction: Hashable, Sendable {
    /// The program that executes the instruction.
    public var programID: SolanaPublicKey
    /// The accounts, in the order the program reads them.
    public var accounts: [SolanaAccountMeta]
    /// The instruction data, opaque to the runtime.
    public var data: [UInt8]

    /// Creates an instruction.
    public init(programID: SolanaPublicKey, accounts: [SolanaAccountMeta], data: [UInt8]) {
        self.programID = programID
        self.accounts = accounts
        self.data = data
    }
}

// MARK: - Compiling a legacy message

extension SolanaMessage {
    /// Compiles `instructions` into a legacy message paid by `feePayer`, as `Message::new_with_blockhash` does
    /// (`solana-message`, `CompiledKeys::compile` and `try_into_message_components`):
    ///
    /// - every key an instruction names is merged into one entry whose signer and writable flags are the OR of every
    ///   mention; program ids are added as read-only non-signers unless named otherwise; the fee payer is a writable
    ///   signer;
    /// - the keys are ordered fee payer first, then writable signers, read-only signers, writable non-signers,
    ///   read-only non-signers, each group sorted by key bytes (the SDK's `BTreeMap` order);
    /// - each instruction's program and accounts become indexes into that list.
    ///
    /// The result is byte-identical to the Rust SDK's (and solders') `Message::new_with_blockhash`.
    ///
    /// - Throws: ``SolanaWireError`` when the message would break a rule of ``validate()`` — more than 256 accounts
    ///   (`too_many_account_keys`), 128 or more signers (`invalid_header`), the fee payer invoked as a program
    ///   (`fee_payer_as_program`), or a transaction over 1232 bytes (`transaction_too_large`).
    public init(
        feePayer: SolanaPublicKey, instructions: [SolanaTransactionInstruction], recentBlockhash: SolanaBlockhash
    ) throws(SolanaWireError) {
        var flags: [SolanaPublicKey: (signer: Bool, writable: Bool)] = [:]
        for instruction in instructions {
            if flags[instruction.programID] == nil { flags[instruction.programID] = (false, false) }
            for meta in instruction.accounts {
                let old = flags[meta.publicKey] ?? (false, false)
                flags[meta.publicKey] = (old.signer || meta.isSigner, old.writable || meta.isWritable)
            }
        }
        flags[feePayer] = nil
        let sorted = flags.keys.sorted()
        func group(signer: Bool, writable: Bool) -> [SolanaPublicKey] {
            sorted.filter { key in flags[key].map { $0.signer == signer && $0.writable == writable } ?? false }
        }
        let writableSigners = [feePayer] + group(signer: true, writable: true)
        let readonlySigners = group(signer: true, writable: false)
        let writableOthers = group(signer: false, writable: true)
        let readonlyOthers = group(signer: false, writable: false)
        let keys = writableSigners + readonlySigners + writableOthers + readonlyOthers
        guard keys.count <= SolanaMessage.maxAccounts else {
            throw SolanaWireError(
                .tooManyAccountKeys,
                "The instructions name \(keys.count) distinct accounts but a message holds at most \(SolanaMessage.maxAccounts); split the work into several transactions."
            )
        }
        let signerCount = writableSigners.count + readonlySigners.count
        guard signerCount < 128 else {
            throw SolanaWireError(
                .invalidHeader,
                "The instructions need \(signerCount) signers but a legacy message encodes at most 127; split the work into several transactions."
            )
        }
        var position: [SolanaPublicKey: UInt8] = [:]
        for (index, key) in keys.enumerated() { position[key] = UInt8(truncatingIfNeeded: index) }
        let compiled = instructions.map { instruction in
            CompiledInstruction(
                programIDIndex: position[instruction.programID] ?? 0,
                accountIndexes: instruction.accounts.map { position[$0.publicKey] ?? 0 },
                data: instruction.data)
        }
        try self.init(
            version: .legacy,
            header: Header(
                numRequiredSignatures: UInt8(signerCount),
                numReadonlySignedAccounts: UInt8(readonlySigners.count),
                numReadonlyUnsignedAccounts: UInt8(readonlyOthers.count)),
            staticAccountKeys: keys, recentBlockhash: recentBlockhash, instructions: compiled)
    }
}

// MARK: - Little-endian fields

extension Array where Element == UInt8 {
    /// Appends `value` in little-endian byte order (the order of every integer in Solana's bincode and Borsh layouts).
    mutating func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
