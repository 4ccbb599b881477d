import ChainKit
import Foundation
import TestSupport
import Testing

// MARK: - Instruction decoding × independent builders

/// Instructions built by independent peers — solders' `system_program` and `compute_budget` (the Rust solana-program
/// builders) and the `solana` package's `spl.token` / `spl.memo` — decode to exactly what the builders were told.
@Suite("Instruction decoding")
struct InstructionDecodingTests {
    struct PeerCase: Decodable {
        let message: String
        let tables: [String: [String]]
        let instructions: [[String: JSONValue]]
    }

    struct PeerCases: Decodable { let cases: [PeerCase] }

    /// Enough JSON to read the peer's expectations.
    enum JSONValue: Decodable, Hashable {
        case string(String), number(Int), bool(Bool), array([JSONValue])
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else {
                self = .array(try container.decode([JSONValue].self))
            }
        }
        var string: String? { if case .string(let value) = self { value } else { nil } }
        var number: Int? { if case .number(let value) = self { value } else { nil } }
        var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
        var strings: [String] { if case .array(let values) = self { values.compactMap(\.string) } else { [] } }
    }

    @Test("400 random messages from solders and spl.token: every field decodes as built, lookups stay unresolved")
    func peerInstructions() throws {
        let cases = try PythonPeer.call("instruction_peer", ["seed": 20_250_701, "count": 400], as: PeerCases.self)
            .cases
        #expect(cases.count == 400)
        var kinds: [String: Int] = [:]
        var lookups = 0
        for (number, peerCase) in cases.enumerated() {
            let message = try SolanaMessage(wireBytes: bytes(base64: peerCase.message))
            let decoded = try message.decodedInstructions()
            #expect(decoded.count == peerCase.instructions.count, "case \(number)")
            var tables: [SolanaPublicKey: [SolanaPublicKey]] = [:]
            for (table, entries) in peerCase.tables {
                tables[try SolanaPublicKey(base58: table)] = try entries.map { try SolanaPublicKey(base58: $0) }
            }
            let resolved = try message.resolveAccountKeys(lookupTables: tables)
            // A source's key: static keys directly; lookup entries only through the tables the test holds.
            func key(_ account: SolanaInstruction.Account) -> String {
                switch account {
                case .staticKey(let key): return key.base58
                case .lookup(let table, let index):
                    lookups += 1
                    return tables[table].map { $0[Int(index)].base58 } ?? "unresolvable"
                }
            }
            for (instruction, expected) in zip(decoded, peerCase.instructions) {
                let kind = try #require(expected["kind"]?.string)
                kinds[kind, default: 0] += 1
                func field(_ name: String) -> String? { expected[name]?.string }
                func u64(_ name: String) -> UInt64? { field(name).flatMap { UInt64($0) } }
                let context = Comment(rawValue: "case \(number) instruction \(instruction.index) \(kind)")
                #expect(
                    instruction.programID
                        == message.staticAccountKeys[Int(message.instructions[instruction.index].programIDIndex)],
                    context)
                switch (kind, instruction.kind) {
                case ("system_transfer", .system(.transfer(let from, let to, let lamports))):
                    #expect([key(from), key(to)] == [field("from"), field("to")], context)
                    #expect(lamports == u64("lamports"), context)
                case (
                    "system_transfer_with_seed",
                    .system(.transferWithSeed(let from, let base, let to, let lamports, let seed, let owner))
                ):
                    #expect(
                        [key(from), key(base), key(to), owner.base58] == [
                            field("from"), field("base"), field("to"), field("owner"),
                        ], context)
                    #expect(lamports == u64("lamports") && seed == field("seed"), context)
                case (
                    "system_create_account",
                    .system(.createAccount(let funding, let new, let lamports, let space, let owner))
                ):
                    #expect(
                        [key(funding), key(new), owner.base58] == [field("funding"), field("new"), field("owner")],
                        context)
                    #expect(lamports == u64("lamports") && space == u64("space"), context)
                case (
                    "system_create_account_with_seed",
                    .system(
                        .createAccountWithSeed(
                            let funding, let new, let base, let seed, let lamports, let space, let owner))
                ):
                    #expect(
                        [key(funding), key(new), base.base58, owner.base58] == [
                            field("funding"), field("new"), field("base"), field("owner"),
                        ], context)
                    #expect(lamports == u64("lamports") && space == u64("space") && seed == field("seed"), context)
                case ("system_advance_nonce", .system(.advanceNonceAccount(let nonce))):
                    #expect(key(nonce) == field("nonce"), context)
                case ("system_other", .system(.other(let index))):
                    #expect(Int(index) == expected["index"]?.number, context)
                case (
                    "token_transfer",
                    .token(.transfer(let source, let destination, let authority, let signers, let amount))
                ):
                    #expect(instruction.programID.base58 == field("program"), context)
                    #expect(
                        [key(source), key(destination), key(authority)] == [
                            field("source"), field("destination"), field("authority"),
                        ], context)
                    #expect(signers.map(key) == expected["signers"]?.strings && amount == u64("amount"), context)
                case (
                    "token_transfer_checked",
                    .token(
                        .transferChecked(
                            let source, let mint, let destination, let authority, let signers, let amount, let decimals)
                    )
                ):
                    #expect(instruction.programID.base58 == field("program"), context)
                    #expect(
                        [key(source), key(mint), key(destination), key(authority)] == [
                            field("source"), field("mint"), field("destination"), field("authority"),
                        ], context)
                    #expect(signers.map(key) == expected["signers"]?.strings && amount == u64("amount"), context)
                    #expect(Int(decimals) == expected["decimals"]?.number, context)
                case ("token_other", .token(.other(let tag))):
                    #expect(
                        Int(tag) == expected["tag"]?.number && instruction.programID.base58 == field("program"), context
                    )
                case (
                    "ata_create",
                    .associatedTokenAccount(
                        .create(
                            let funding, let account, let wallet, let mint, let systemProgram, let tokenProgram,
                            let idempotent))
                ):
                    #expect(
                        [key(funding), key(account), key(wallet), key(mint)] == [
                            field("funding"), field("account"), field("wallet"), field("mint"),
                        ], context)
                    #expect(
                        key(systemProgram) == SolanaProgram.system.base58
                            && key(tokenProgram) == field("token_program"), context)
                    #expect(idempotent == expected["idempotent"]?.bool, context)
                case ("cb_limit", .computeBudget(.setComputeUnitLimit(let units))):
                    #expect(UInt64(units) == u64("value"), context)
                case ("cb_price", .computeBudget(.setComputeUnitPrice(let price))):
                    #expect(price == u64("value"), context)
                case ("cb_heap", .computeBudget(.requestHeapFrame(let size))),
                    ("cb_data_size", .computeBudget(.setLoadedAccountsDataSizeLimit(let size))):
                    #expect(UInt64(size) == u64("value"), context)
                case ("memo", .memo(let data)):
                    #expect(data == bytes(base64: field("data") ?? ""), context)
                case ("other", .other):
                    #expect(instruction.programID.base58 == field("program"), context)
                default:
                    Issue.record("\(context): decoded as \(instruction.kind)")
                }
            }
            _ = resolved
        }
        // Every kind was exercised many times, and lookup-table accounts came up.
        #expect(kinds.count == 16, "\(kinds)")
        #expect(kinds.values.allSatisfy { $0 >= 5 }, "\(kinds)")
        #expect(lookups >= 20)
    }

    @Test("program ids are the published addresses")
    func programIDs() {
        #expect(SolanaProgram.system.base58 == "11111111111111111111111111111111")
        #expect(SolanaProgram.splToken.base58 == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
        #expect(SolanaProgram.token2022.base58 == "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
        #expect(SolanaProgram.associatedTokenAccount.base58 == "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
        #expect(SolanaProgram.computeBudget.base58 == "ComputeBudget111111111111111111111111111111")
        #expect(SolanaProgram.memo.base58 == "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
        #expect(SolanaProgram.memoV1.base58 == "Memo1UhkJRfHyvLMcVucJwxXeuD728EqVoxYgxsjDq6")
    }

    // MARK: Malformed data

    /// A message with one instruction of `program` over the fee payer and `accountCount` fresh accounts, carrying `data`.
    static func message(program: SolanaPublicKey, data: [UInt8], accountCount: Int = 4) throws -> SolanaMessage {
        let payer = SolanaKeypair().publicKey
        let accounts = (0..<accountCount).map { _ in SolanaKeypair().publicKey }
        return try SolanaMessage(
            version: .legacy,
            header: .init(numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1),
            staticAccountKeys: [payer] + accounts + [program],
            recentBlockhash: SolanaBlockhash(bytes: [UInt8](repeating: 7, count: 32)),
            instructions: [
                .init(
                    programIDIndex: UInt8(accountCount + 1), accountIndexes: Array(0...UInt8(accountCount)), data: data)
            ])
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    @Test("every prefix of a known instruction's data is refused with instruction_data_truncated and its offset")
    func truncatedData() throws {
        let key = [UInt8](repeating: 9, count: 32)
        let layouts: [(SolanaPublicKey, [UInt8])] = [
            (SolanaProgram.system, Self.le(UInt32(2)) + Self.le(UInt64(5))),
            (SolanaProgram.system, Self.le(UInt32(0)) + Self.le(UInt64(5)) + Self.le(UInt64(165)) + key),
            (
                SolanaProgram.system,
                Self.le(UInt32(3)) + key + Self.le(UInt64(3)) + Array("abc".utf8) + Self.le(UInt64(1))
                    + Self.le(UInt64(2)) + key
            ),
            (
                SolanaProgram.system,
                Self.le(UInt32(11)) + Self.le(UInt64(1)) + Self.le(UInt64(2)) + Array("ab".utf8) + key
            ),
            (SolanaProgram.splToken, [3] + Self.le(UInt64(10))),
            (SolanaProgram.token2022, [12] + Self.le(UInt64(10)) + [6]),
            (SolanaProgram.computeBudget, [3] + Self.le(UInt64(10))),
            (SolanaProgram.computeBudget, [2] + Self.le(UInt32(10))),
        ]
        for (program, data) in layouts {
            #expect(throws: Never.self) { try Self.message(program: program, data: data).decodedInstructions() }
            for length in 0..<data.count {
                let error = #expect(throws: SolanaInstructionError.self) {
                    try Self.message(program: program, data: Array(data.prefix(length))).decodedInstructions()
                }
                #expect(error?.code == .dataTruncated, "\(program) length \(length)")
                #expect(error?.instructionIndex == 0 && error?.programID == program)
                #expect(error.map { $0.description.hasPrefix("instruction_data_truncated at byte") } == true)
            }
            // The System and token decoders accept bytes after the fields, as the programs do.
            #expect(throws: Never.self) {
                try Self.message(program: program, data: data + [1, 2, 3]).decodedInstructions()
            }
        }
    }

    @Test("too few accounts, a non-UTF-8 seed and trailing ATA bytes are refused with their codes")
    func otherMalformations() throws {
        let transfer = Self.le(UInt32(2)) + Self.le(UInt64(5))
        #expect(
            try Self.message(program: SolanaProgram.system, data: transfer, accountCount: 1).decodedInstructions().count
                == 1)
        let tooFew = #expect(throws: SolanaInstructionError.self) {
            try Self.message(program: SolanaProgram.system, data: transfer, accountCount: 0).decodedInstructions()
        }
        #expect(tooFew?.code == .missingAccounts)
        let checked = [12] + Self.le(UInt64(5)) + [2]
        #expect(
            (#expect(throws: SolanaInstructionError.self) {
                try Self.message(program: SolanaProgram.splToken, data: checked, accountCount: 2).decodedInstructions()
            })?.code == .missingAccounts)
        let seed =
            Self.le(UInt32(11)) + Self.le(UInt64(1)) + Self.le(UInt64(2)) + [0xC3, 0x28]
            + [UInt8](repeating: 1, count: 32)
        #expect(
            (#expect(throws: SolanaInstructionError.self) {
                try Self.message(program: SolanaProgram.system, data: seed).decodedInstructions()
            })?.code == .invalidString)
        let huge = Self.le(UInt32(11)) + Self.le(UInt64(1)) + Self.le(UInt64.max) + [1, 2]
        #expect(
            (#expect(throws: SolanaInstructionError.self) {
                try Self.message(program: SolanaProgram.system, data: huge).decodedInstructions()
            })?.code == .dataTruncated)
        #expect(
            (#expect(throws: SolanaInstructionError.self) {
                try Self.message(program: SolanaProgram.associatedTokenAccount, data: [1, 0], accountCount: 5)
                    .decodedInstructions()
            })?.code == .trailingData)
        #expect(
            (#expect(throws: SolanaInstructionError.self) {
                try Self.message(program: SolanaProgram.associatedTokenAccount, data: [], accountCount: 4)
                    .decodedInstructions()
            })?.code == .missingAccounts)
        #expect(
            try Self.message(program: SolanaProgram.associatedTokenAccount, data: [2, 9], accountCount: 1)
                .decodedInstructions()[0].kind == .associatedTokenAccount(.other(tag: 2)))
    }

    @Test(
        "the prioritization fee bound: ceil(price × limit / 10^6), default 200k per instruction, clamped to 1.4M, saturating"
    )
    func prioritizationFee() throws {
        func fee(_ budget: [ComputeBudgetInstruction], others: Int = 1) -> UInt64 {
            let instructions =
                budget.enumerated().map {
                    SolanaInstruction(
                        index: $0.offset, programID: SolanaProgram.computeBudget, kind: .computeBudget($0.element))
                }
                + (0..<others).map {
                    SolanaInstruction(index: budget.count + $0, programID: SolanaProgram.system, kind: .other)
                }
            return SolanaInstruction.prioritizationFeeUpperBound(instructions)
        }
        #expect(fee([]) == 0)
        #expect(fee([.setComputeUnitLimit(units: 300_000)]) == 0)
        #expect(fee([.setComputeUnitPrice(microLamports: 1), .setComputeUnitLimit(units: 1)]) == 1)  // rounds up
        #expect(fee([.setComputeUnitPrice(microLamports: 1_000_000), .setComputeUnitLimit(units: 200_000)]) == 200_000)
        // clamped to 1.4M
        #expect(fee([.setComputeUnitPrice(microLamports: 10), .setComputeUnitLimit(units: .max)]) == 14)
        // Without a limit: 200,000 × 3 instructions = 600,000 units.
        #expect(fee([.setComputeUnitPrice(microLamports: 5)], others: 2) == 3)
        #expect(fee([.setComputeUnitPrice(microLamports: 1_000_000)], others: 20) == 1_400_000)
        #expect(fee([.setComputeUnitPrice(microLamports: .max), .setComputeUnitLimit(units: 1_400_000)]) == .max)
        for _ in 0..<200 {
            let price = UInt64.random(in: 0...UInt64.max >> UInt64.random(in: 0...63))
            let limit = UInt32.random(in: 0...2_000_000)
            let product = price.multipliedFullWidth(by: UInt64(min(limit, 1_400_000)))
            let wide = (Double(product.high) * 18446744073709551616.0 + Double(product.low)) / 1e6
            let got = fee([.setComputeUnitPrice(microLamports: price), .setComputeUnitLimit(units: limit)])
            if wide < 1e18 {
                #expect(abs(Double(got) - wide.rounded(.up)) <= max(2, wide * 1e-12), "price \(price) limit \(limit)")
            }
        }
    }
}
