import ChainKit
import Foundation
import TestSupport
import Testing

// MARK: - Instruction builders, message compilation, program addresses and token layouts × independent peers

/// ChainKit's builders against independent ones (`Resources/builder_peer.py`): solders' `system_program`,
/// `compute_budget`, `Message.new_with_blockhash` and `Pubkey.find_program_address` (the Rust SDK underneath), and the
/// `solana` package's `spl.token` builders and layouts. Every case is random, from a fixed seed per test.
@Suite("Solana builders × solders and spl.token")
struct SolanaBuilderTests {
    struct Meta: Decodable, Equatable {
        let key: String
        let signer: Bool
        let writable: Bool
    }

    struct Expected: Decodable {
        let program: String
        let accounts: [Meta]
        let data: String
    }

    /// A builder call as the peer made it: `a`…`d` are the accounts in builder order.
    struct Args: Decodable {
        let kind: String
        let program: String
        let signers: [String]
        let a: String
        let b: String
        let c: String
        let d: String
        let lamports: String?
        let space: String?
        let decimals: Int?
        let freeze: Bool?
        let m: Int?
        let amount: String?
        let units: String?
        let micro_lamports: String?
    }

    struct InstructionCase: Decodable {
        let args: Args
        let expected: Expected
        let associated: String?
        let spl_data: String?
    }

    struct MessageCase: Decodable {
        let instructions: [Args]
        let payer: String
        let blockhash: String
        let message: String
    }

    struct AddressCase: Decodable {
        let program: String
        let seeds: [String]
        let address: String
        let bump: UInt8
        let created: String?
        let probe: String
        let probe_on_curve: Bool
        let wallet: String
        let mint: String
        let token_program: String
        let associated: String
    }

    struct Cases<Case: Decodable>: Decodable { let cases: [Case] }

    /// A request to `builder_peer.py`.
    struct PeerRequest: Encodable {
        let command: String
        let seed: Int
        let count: Int
    }

    static func peer<Case: Decodable>(_ command: String, seed: Int, count: Int, as: Case.Type) throws -> [Case] {
        try PythonPeer.call(
            "builder_peer", PeerRequest(command: command, seed: seed, count: count), as: Cases<Case>.self
        ).cases
    }

    static func key(_ text: String) throws -> SolanaPublicKey { try SolanaPublicKey(base58: text) }

    /// Builds with ChainKit the instruction the peer built.
    static func build(_ args: Args) throws -> SolanaTransactionInstruction {
        let (a, b, c, d) = (try key(args.a), try key(args.b), try key(args.c), try key(args.d))
        let program = try key(args.program)
        let signers = try args.signers.map(key)
        func u64(_ text: String?) throws -> UInt64 {
            guard let text, let value = UInt64(text) else { throw ExternalPeer.Failure(description: "bad u64") }
            return value
        }
        func authority(_ account: SolanaPublicKey) throws -> SolanaTokenAuthority {
            signers.isEmpty ? .single(account) : try .multisig(account, signers: signers)
        }
        switch args.kind {
        case "create_account":
            return SolanaSystemProgram.createAccount(
                funding: a, newAccount: b, lamports: try u64(args.lamports), space: try u64(args.space), owner: c)
        case "transfer":
            return SolanaSystemProgram.transfer(from: a, to: b, lamports: try u64(args.lamports))
        case "allocate":
            return SolanaSystemProgram.allocate(account: a, space: try u64(args.space))
        case "initialize_mint2":
            return SolanaTokenProgram.initializeMint2(
                mint: a, decimals: UInt8(args.decimals ?? -1), mintAuthority: b,
                freezeAuthority: args.freeze == true ? c : nil, programID: program)
        case "initialize_multisig2":
            return try SolanaTokenProgram.initializeMultisig2(
                multisig: a, signers: signers, threshold: UInt8(args.m ?? -1), programID: program)
        case "initialize_account3":
            return SolanaTokenProgram.initializeAccount3(account: a, mint: b, owner: c, programID: program)
        case "mint_to":
            return SolanaTokenProgram.mintTo(
                mint: a, destination: b, authority: try authority(c), amount: try u64(args.amount),
                programID: program)
        case "transfer_checked":
            return SolanaTokenProgram.transferChecked(
                source: a, mint: b, destination: c, authority: try authority(d), amount: try u64(args.amount),
                decimals: UInt8(args.decimals ?? -1), programID: program)
        case "sync_native":
            return SolanaTokenProgram.syncNative(account: a, programID: program)
        case "close_account":
            return SolanaTokenProgram.closeAccount(
                account: a, destination: b, authority: try authority(c), programID: program)
        case "create_idempotent":
            return SolanaAssociatedTokenProgram.createIdempotent(funding: a, wallet: b, mint: c, tokenProgram: program)
        case "set_compute_unit_limit":
            return SolanaComputeBudgetProgram.setComputeUnitLimit(UInt32(try u64(args.units)))
        case "set_compute_unit_price":
            return SolanaComputeBudgetProgram.setComputeUnitPrice(microLamports: try u64(args.micro_lamports))
        default:
            throw ExternalPeer.Failure(description: "unknown builder \(args.kind)")
        }
    }

    @Test("600 random instructions: program id, account metas and data equal the peers' builders")
    func instructions() throws {
        let cases = try Self.peer("instructions", seed: 20_260_301, count: 600, as: InstructionCase.self)
        #expect(cases.count == 600)
        var kinds: [String: Int] = [:]
        for (number, testCase) in cases.enumerated() {
            kinds[testCase.args.kind, default: 0] += 1
            let built = try Self.build(testCase.args)
            #expect(built.programID.base58 == testCase.expected.program, "case \(number) \(testCase.args.kind)")
            #expect(
                built.accounts.map { Meta(key: $0.publicKey.base58, signer: $0.isSigner, writable: $0.isWritable) }
                    == testCase.expected.accounts, "case \(number) \(testCase.args.kind)")
            #expect(built.data == bytes(base64: testCase.expected.data), "case \(number) \(testCase.args.kind)")
            if let associated = testCase.associated {
                #expect(built.accounts[1].publicKey.base58 == associated, "case \(number)")
            }
            if let splData = testCase.spl_data {
                // spl.token pads a missing freeze authority with 32 zero bytes; the Rust layout stops at the tag.
                let theirs = bytes(base64: splData)
                #expect(
                    theirs.count == 67 && Array(theirs.prefix(35)) == built.data
                        && theirs.dropFirst(35).allSatisfy { $0 == 0 })
            }
        }
        // Every builder was exercised.
        #expect(kinds.count == 13, "\(kinds)")
        #expect(kinds.values.allSatisfy { $0 >= 20 }, "\(kinds)")
    }

    @Test("150 random multi-instruction messages compile byte-identically to solders' Message.new_with_blockhash")
    func messages() throws {
        let cases = try Self.peer("messages", seed: 20_260_302, count: 150, as: MessageCase.self)
        #expect(cases.count == 150)
        var merged = 0
        for (number, testCase) in cases.enumerated() {
            let instructions = try testCase.instructions.map(Self.build)
            let message = try SolanaMessage(
                feePayer: try Self.key(testCase.payer), instructions: instructions,
                recentBlockhash: try SolanaBlockhash(base58: testCase.blockhash))
            #expect(message.serializedBytes == bytes(base64: testCase.message), "case \(number)")
            #expect(try SolanaMessage(wireBytes: message.serializedBytes) == message)
            // The compiled instructions name the same keys, in order, as the builders' metas.
            for (compiled, instruction) in zip(message.instructions, instructions) {
                #expect(message.staticAccountKeys[Int(compiled.programIDIndex)] == instruction.programID)
                #expect(
                    compiled.accountIndexes.map { message.staticAccountKeys[Int($0)] }
                        == instruction.accounts.map(\.publicKey))
                for (index, meta) in zip(compiled.accountIndexes, instruction.accounts) {
                    #expect(!meta.isSigner || message.isSigner(index: Int(index)))
                    #expect(!meta.isWritable || message.isWritable(index: Int(index)))
                }
            }
            let mentions = instructions.flatMap { $0.accounts.map(\.publicKey) + [$0.programID] }
            if Set(mentions).count < mentions.count { merged += 1 }
        }
        #expect(merged >= 30, "only \(merged) messages merged repeated keys")
    }

    @Test("200 random seed sets: find/create program address, the curve check and ATA addresses equal solders'")
    func programAddresses() throws {
        let cases = try Self.peer("addresses", seed: 20_260_303, count: 200, as: AddressCase.self)
        #expect(cases.count == 200)
        var onCurve = 0
        var refused = 0
        for (number, testCase) in cases.enumerated() {
            let program = try Self.key(testCase.program)
            let seeds = testCase.seeds.map { bytes(base64: $0) }
            let found = try SolanaPublicKey.findProgramAddress(seeds: seeds, programID: program)
            #expect(found.address.base58 == testCase.address, "case \(number)")
            #expect(found.bump == testCase.bump, "case \(number)")
            #expect(!found.address.isOnCurve)
            #expect(
                try SolanaPublicKey.createProgramAddress(seeds: seeds + [[found.bump]], programID: program)
                    == found.address)
            if let created = testCase.created {
                #expect(try SolanaPublicKey.createProgramAddress(seeds: seeds, programID: program).base58 == created)
            } else {
                refused += 1
                let error = #expect(throws: SolanaBuildError.self, "case \(number)") {
                    try SolanaPublicKey.createProgramAddress(seeds: seeds, programID: program)
                }
                #expect(error?.code == .addressOnCurve)
            }
            let probe = try SolanaPublicKey(bytes: bytes(base64: testCase.probe))
            #expect(probe.isOnCurve == testCase.probe_on_curve, "case \(number): \(probe)")
            if testCase.probe_on_curve { onCurve += 1 }
            let associated = SolanaAssociatedTokenProgram.address(
                wallet: try Self.key(testCase.wallet), mint: try Self.key(testCase.mint),
                tokenProgram: try Self.key(testCase.token_program))
            #expect(associated.address.base58 == testCase.associated, "case \(number)")
        }
        #expect(onCurve >= 60 && onCurve <= 160, "\(onCurve) probes on the curve")
        #expect(refused >= 60 && refused <= 140, "\(refused) seed sets refused")
    }

    @Test("Program address limits: 16 seeds in all, 32 bytes each, as solana-pubkey checks")
    func programAddressLimits() throws {
        var (generator, seed) = SplitMix64.seeded()
        let program = try SolanaPublicKey(bytes: generator.bytes(32))
        let sixteen = (0..<16).map { _ in generator.bytes(Int.random(in: 0...32, using: &generator)) }
        var error = #expect(throws: SolanaBuildError.self, "seed \(seed)") {
            try SolanaPublicKey.findProgramAddress(seeds: sixteen, programID: program)
        }
        #expect(error?.code == .tooManySeeds)
        error = #expect(throws: SolanaBuildError.self) {
            try SolanaPublicKey.createProgramAddress(seeds: sixteen + [[1]], programID: program)
        }
        #expect(error?.code == .tooManySeeds)
        error = #expect(throws: SolanaBuildError.self) {
            try SolanaPublicKey.findProgramAddress(seeds: [[], generator.bytes(33)], programID: program)
        }
        #expect(error?.code == .seedTooLong)
        #expect(error?.message.contains("Seed 1 is 33 bytes") == true)
        // 15 seeds of 32 bytes are fine for find; 16 for create (which may land on the curve).
        _ = try SolanaPublicKey.findProgramAddress(seeds: Array(sixteen.prefix(15)), programID: program)
    }

    @Test("Multisig builders refuse what the token program refuses: 0 or 12 members, m = 0 or m > n")
    func multisigLimits() throws {
        let members = (0..<12).map { _ in SolanaKeypair().publicKey }
        let account = SolanaKeypair().publicKey
        for (signers, threshold, code) in [
            (0, 1, SolanaBuildError.Code.invalidMultisigSigners), (12, 2, .invalidMultisigSigners),
            (3, 0, .invalidMultisigThreshold), (3, 4, .invalidMultisigThreshold),
        ] {
            let error = #expect(throws: SolanaBuildError.self) {
                try SolanaTokenProgram.initializeMultisig2(
                    multisig: account, signers: Array(members.prefix(signers)), threshold: UInt8(threshold))
            }
            #expect(error?.code == code)
        }
        for count in [0, 12] {
            let error = #expect(throws: SolanaBuildError.self) {
                try SolanaTokenAuthority.multisig(account, signers: Array(members.prefix(count)))
            }
            #expect(error?.code == .invalidMultisigSigners)
        }
        let eleven = try SolanaTokenProgram.initializeMultisig2(
            multisig: account, signers: Array(members.prefix(11)), threshold: 11, programID: SolanaProgram.token2022)
        #expect(eleven.data == [19, 11] && eleven.accounts.count == 12 && eleven.programID == SolanaProgram.token2022)
    }

    @Test("Compiling refuses the fee payer as a program and more than 256 accounts")
    func compileLimits() throws {
        let payer = SolanaKeypair().publicKey
        let blockhash = try SolanaBlockhash(bytes: [UInt8](repeating: 7, count: 32))
        var error = #expect(throws: SolanaWireError.self) {
            try SolanaMessage(
                feePayer: payer,
                instructions: [SolanaTransactionInstruction(programID: payer, accounts: [], data: [])],
                recentBlockhash: blockhash)
        }
        #expect(error?.code == .feePayerAsProgram)
        let many = (0..<300).map { _ in SolanaAccountMeta.readonly(SolanaKeypair().publicKey) }
        error = #expect(throws: SolanaWireError.self) {
            try SolanaMessage(
                feePayer: payer,
                instructions: [SolanaTransactionInstruction(programID: SolanaProgram.memo, accounts: many, data: [])],
                recentBlockhash: blockhash)
        }
        #expect(error?.code == .tooManyAccountKeys)
    }
}
