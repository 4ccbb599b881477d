// MARK: - Decoding

extension SolanaMessage {
    /// Decodes every instruction, in order (see ``decodeInstruction(at:)``).
    ///
    /// - Throws: ``SolanaInstructionError`` for the first instruction of a known program whose data or accounts that
    ///   program would reject.
    public func decodedInstructions() throws(SolanaInstructionError) -> [SolanaInstruction] {
        let sources = accountSources
        var decoded: [SolanaInstruction] = []
        decoded.reserveCapacity(instructions.count)
        for index in instructions.indices {
            decoded.append(try decode(index, sources))
        }
        return decoded
    }

    /// Decodes instruction `index` with the layout of its program, taken from the program's own decoder:
    ///
    /// - System Program: bincode with a `u32` variant index (`limited_deserialize`, which accepts trailing bytes);
    /// - SPL Token and Token-2022: `TokenInstruction::unpack` (tag byte, fields; trailing bytes ignored);
    /// - Associated Token Account: empty data or Borsh `try_from_slice` (trailing bytes refused);
    /// - Compute Budget: Borsh `try_from_slice_unchecked` (trailing bytes ignored);
    /// - Memo v1/v2: the data is the memo.
    ///
    /// Variants not listed on ``SystemInstruction``, ``TokenInstruction``, … decode as their `other` case, and any
    /// other program as ``SolanaInstruction/Kind/other``.
    ///
    /// - Precondition: `index` is a valid instruction index.
    /// - Throws: ``SolanaInstructionError`` — `instruction_data_truncated`, `instruction_missing_accounts`,
    ///   `instruction_invalid_string`, `instruction_trailing_data`.
    public func decodeInstruction(at index: Int) throws(SolanaInstructionError) -> SolanaInstruction {
        try decode(index, accountSources)
    }

    /// Every account's source, in account-index order.
    var accountSources: [SolanaInstruction.Account] { accounts.map(\.source) }

    private func decode(_ index: Int, _ sources: [SolanaInstruction.Account]) throws(SolanaInstructionError)
        -> SolanaInstruction
    {
        let compiled = instructions[index]
        let program = staticAccountKeys[Int(compiled.programIDIndex)]
        var reader = InstructionReader(
            data: compiled.data, accounts: compiled.accountIndexes.map { sources[Int($0)] }, instruction: index,
            program: program)
        let kind: SolanaInstruction.Kind
        switch program {
        case SolanaProgram.system: kind = .system(try reader.system())
        case SolanaProgram.splToken, SolanaProgram.token2022: kind = .token(try reader.token())
        case SolanaProgram.associatedTokenAccount: kind = .associatedTokenAccount(try reader.associatedTokenAccount())
        case SolanaProgram.computeBudget: kind = .computeBudget(try reader.computeBudget())
        case SolanaProgram.memo, SolanaProgram.memoV1: kind = .memo(compiled.data)
        default: kind = .other
        }
        return SolanaInstruction(index: index, programID: program, kind: kind)
    }
}

// MARK: - Reader

/// A bounds-checked cursor over one instruction's data and accounts.
private struct InstructionReader {
    let data: [UInt8]
    let accounts: [SolanaInstruction.Account]
    let instruction: Int
    let program: SolanaPublicKey
    var offset = 0

    init(data: [UInt8], accounts: [SolanaInstruction.Account], instruction: Int, program: SolanaPublicKey) {
        self.data = data
        self.accounts = accounts
        self.instruction = instruction
        self.program = program
    }

    private var programName: String { SolanaProgram.name(of: program) ?? program.base58 }

    func failure(_ code: SolanaInstructionError.Code, at offset: Int? = nil, _ reason: String) -> SolanaInstructionError
    {
        SolanaInstructionError(code, instruction: instruction, program: program, at: offset, reason)
    }

    mutating func bytes(_ count: Int, _ field: String, of name: String) throws(SolanaInstructionError) -> ArraySlice<
        UInt8
    > {
        guard count <= data.count - offset else {
            throw failure(
                .dataTruncated, at: offset,
                "Instruction \(instruction) (\(programName) \(name)) ends \(count - (data.count - offset)) byte(s) short of \(field) (\(count) bytes at offset \(offset), \(data.count) bytes of data); the program would reject it."
            )
        }
        defer { offset += count }
        return data[offset..<offset + count]
    }

    mutating func u8(_ field: String, of name: String) throws(SolanaInstructionError) -> UInt8 {
        try bytes(1, field, of: name).first!
    }

    mutating func u32(_ field: String, of name: String) throws(SolanaInstructionError) -> UInt32 {
        try bytes(4, field, of: name).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64(_ field: String, of name: String) throws(SolanaInstructionError) -> UInt64 {
        try bytes(8, field, of: name).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func publicKey(_ field: String, of name: String) throws(SolanaInstructionError) -> SolanaPublicKey {
        SolanaPublicKey(uncheckedBytes: Array(try bytes(SolanaPublicKey.byteCount, field, of: name)))
    }

    /// A bincode `String`: `u64` little-endian length, then that many UTF-8 bytes.
    mutating func string(_ field: String, of name: String) throws(SolanaInstructionError) -> String {
        let start = offset
        let length = try u64("the length of \(field)", of: name)
        guard length <= UInt64(data.count - offset) else {
            throw failure(
                .dataTruncated, at: start,
                "Instruction \(instruction) (\(programName) \(name)) declares \(field) of \(length) bytes but only \(data.count - offset) remain; the program would reject it."
            )
        }
        let raw = try bytes(Int(length), field, of: name)
        // serde's `String` refuses invalid UTF-8; decoding with replacement and comparing detects it portably.
        let text = String(decoding: raw, as: UTF8.self)
        guard text.utf8.elementsEqual(raw) else {
            throw failure(
                .invalidString, at: start,
                "Instruction \(instruction) (\(programName) \(name)): \(field) is not UTF-8 text; the program would reject it."
            )
        }
        return text
    }

    /// The instruction's account `position`, requiring at least `count` accounts.
    func accounts(_ count: Int, of name: String) throws(SolanaInstructionError) -> [SolanaInstruction.Account] {
        guard accounts.count >= count else {
            throw failure(
                .missingAccounts,
                "Instruction \(instruction) (\(programName) \(name)) passes \(accounts.count) account(s) but needs at least \(count); the program would reject it."
            )
        }
        return accounts
    }

    // MARK: Programs

    mutating func system() throws(SolanaInstructionError) -> SystemInstruction {
        let variant = try u32("the instruction index", of: "instruction")
        switch variant {
        case SystemInstruction.Index.transfer:
            let accounts = try accounts(2, of: "Transfer")
            return .transfer(from: accounts[0], to: accounts[1], lamports: try u64("lamports", of: "Transfer"))
        case SystemInstruction.Index.transferWithSeed:
            let accounts = try accounts(3, of: "TransferWithSeed")
            let lamports = try u64("lamports", of: "TransferWithSeed")
            let seed = try string("from_seed", of: "TransferWithSeed")
            let owner = try publicKey("from_owner", of: "TransferWithSeed")
            return .transferWithSeed(
                from: accounts[0], base: accounts[1], to: accounts[2], lamports: lamports, seed: seed, owner: owner)
        case SystemInstruction.Index.createAccount:
            let accounts = try accounts(2, of: "CreateAccount")
            let lamports = try u64("lamports", of: "CreateAccount")
            let space = try u64("space", of: "CreateAccount")
            let owner = try publicKey("owner", of: "CreateAccount")
            return .createAccount(
                funding: accounts[0], newAccount: accounts[1], lamports: lamports, space: space, owner: owner)
        case SystemInstruction.Index.createAccountWithSeed:
            let accounts = try accounts(2, of: "CreateAccountWithSeed")
            let base = try publicKey("base", of: "CreateAccountWithSeed")
            let seed = try string("seed", of: "CreateAccountWithSeed")
            let lamports = try u64("lamports", of: "CreateAccountWithSeed")
            let space = try u64("space", of: "CreateAccountWithSeed")
            let owner = try publicKey("owner", of: "CreateAccountWithSeed")
            return .createAccountWithSeed(
                funding: accounts[0], newAccount: accounts[1], base: base, seed: seed, lamports: lamports, space: space,
                owner: owner)
        case SystemInstruction.Index.advanceNonceAccount:
            return .advanceNonceAccount(nonce: try accounts(1, of: "AdvanceNonceAccount")[0])
        default:
            return .other(index: variant)
        }
    }

    mutating func token() throws(SolanaInstructionError) -> TokenInstruction {
        let tag = try u8("the instruction tag", of: "instruction")
        switch tag {
        case TokenInstruction.Tag.transfer:
            let accounts = try accounts(3, of: "Transfer")
            let amount = try u64("amount", of: "Transfer")
            return .transfer(
                source: accounts[0], destination: accounts[1], authority: accounts[2],
                multisigSigners: Array(accounts.dropFirst(3)), amount: amount)
        case TokenInstruction.Tag.transferChecked:
            let accounts = try accounts(4, of: "TransferChecked")
            let amount = try u64("amount", of: "TransferChecked")
            let decimals = try u8("decimals", of: "TransferChecked")
            return .transferChecked(
                source: accounts[0], mint: accounts[1], destination: accounts[2], authority: accounts[3],
                multisigSigners: Array(accounts.dropFirst(4)), amount: amount, decimals: decimals)
        case TokenInstruction.Tag.closeAccount:
            let accounts = try accounts(3, of: "CloseAccount")
            return .closeAccount(
                account: accounts[0], destination: accounts[1], authority: accounts[2],
                multisigSigners: Array(accounts.dropFirst(3)))
        case TokenInstruction.Tag.initializeMultisig, TokenInstruction.Tag.initializeMultisig2:
            // The program reads m, then takes every account after the multisig (and the Rent sysvar) as a signer.
            let name = tag == TokenInstruction.Tag.initializeMultisig ? "InitializeMultisig" : "InitializeMultisig2"
            let skipped = tag == TokenInstruction.Tag.initializeMultisig ? 2 : 1
            let accounts = try accounts(skipped + 1, of: name)
            let threshold = try u8("m", of: name)
            return .initializeMultisig(
                multisig: accounts[0], signers: Array(accounts.dropFirst(skipped)), threshold: threshold)
        default:
            return .other(tag: tag)
        }
    }

    mutating func associatedTokenAccount() throws(SolanaInstructionError) -> AssociatedTokenAccountInstruction {
        // Empty data is the original Create (the processor checks `input.is_empty()` first).
        let tag = data.isEmpty ? 0 : try u8("the instruction tag", of: "instruction")
        guard tag <= 1 else { return .other(tag: tag) }
        let name = tag == 0 ? "Create" : "CreateIdempotent"
        guard offset == data.count else {
            throw failure(
                .trailingData, at: offset,
                "Instruction \(instruction) (\(programName) \(name)) carries \(data.count - offset) byte(s) after its tag; the program decodes the whole input and would reject it."
            )
        }
        let accounts = try accounts(6, of: name)
        return .create(
            funding: accounts[0], associatedAccount: accounts[1], wallet: accounts[2], mint: accounts[3],
            systemProgram: accounts[4], tokenProgram: accounts[5], idempotent: tag == 1)
    }

    mutating func computeBudget() throws(SolanaInstructionError) -> ComputeBudgetInstruction {
        let tag = try u8("the instruction tag", of: "instruction")
        switch tag {
        case 1: return .requestHeapFrame(bytes: try u32("bytes", of: "RequestHeapFrame"))
        case 2: return .setComputeUnitLimit(units: try u32("units", of: "SetComputeUnitLimit"))
        case 3: return .setComputeUnitPrice(microLamports: try u64("micro-lamports", of: "SetComputeUnitPrice"))
        case 4: return .setLoadedAccountsDataSizeLimit(bytes: try u32("bytes", of: "SetLoadedAccountsDataSizeLimit"))
        default: return .other(tag: tag)
        }
    }
}
