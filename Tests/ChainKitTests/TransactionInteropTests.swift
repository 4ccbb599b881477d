import ChainKit
import TestSupport
import Testing

/// Round trips against solders (Python bindings of the Rust solana-sdk): solders builds random
/// legacy and v0 transactions, ChainKit parses, checks, re-serialises and co-signs them, and
/// solders verifies the result.
@Suite("Solana transactions × solders")
struct TransactionInteropTests {
    @Test("240 random solders transactions: parse, fields, byte-identical re-serialisation, guardian co-signing")
    func soldersRoundTrip() throws {
        let guardians = (0..<8).map { _ in SolanaKeypair() }
        let byKey = Dictionary(uniqueKeysWithValues: guardians.map { ($0.publicKey, $0) })
        let cases = try generateTransactions(seed: 20_240_601, count: 240, guardians: guardians)
        #expect(cases.count == 240)

        var signedWires: [String] = []
        var expectedSlots: [[String]] = []
        var oversized = 0
        var legacy = 0
        var withLookups = 0
        for (number, testCase) in cases.enumerated() {
            let wire = bytes(base64: testCase.wire)
            if testCase.oversized {
                oversized += 1
                let error = #expect(throws: SolanaWireError.self, "case \(number)") {
                    try SolanaTransaction(wireBytes: wire)
                }
                #expect(error?.code == .transactionTooLarge)
                #expect(error?.message.contains("\(wire.count) bytes") == true)
                continue
            }
            let tx = try SolanaTransaction(wireBytes: wire)
            let message = tx.message

            // Fields.
            #expect(message.version == (testCase.version == "v0" ? .v0 : .legacy))
            if message.version == .legacy { legacy += 1 }
            if !message.addressTableLookups.isEmpty { withLookups += 1 }
            #expect(
                [
                    message.header.numRequiredSignatures, message.header.numReadonlySignedAccounts,
                    message.header.numReadonlyUnsignedAccounts,
                ] == testCase.header)
            #expect(message.staticAccountKeys.map(\.base58) == testCase.static_keys)
            #expect(tx.recentBlockhash.base58 == testCase.blockhash)
            #expect(message.instructions.count == testCase.instructions.count)
            for (ours, theirs) in zip(message.instructions, testCase.instructions) {
                #expect(ours.programIDIndex == theirs.program_id_index)
                #expect(ours.accountIndexes == theirs.accounts)
                #expect(ours.data == bytes(base64: theirs.data))
            }
            #expect(message.addressTableLookups.map(\.tableAddress.base58) == testCase.lookups.map(\.table))
            #expect(message.addressTableLookups.map(\.writableIndexes) == testCase.lookups.map(\.writable))
            #expect(message.addressTableLookups.map(\.readonlyIndexes) == testCase.lookups.map(\.readonly))
            #expect(tx.signatures.map { $0.isEmpty ? nil : $0.base58 } == testCase.signatures)

            // Bytes.
            #expect(tx.messageBytes == bytes(base64: testCase.message), "message bytes, case \(number)")
            #expect(tx.serialized() == wire, "re-serialisation, case \(number)")
            #expect(try SolanaMessage(wireBytes: tx.messageBytes) == message)

            // Signers and access, against expectations derived from the instruction metas.
            let guardianKey = try SolanaPublicKey(base58: testCase.guardian)
            #expect(tx.requiredSigners == Array(message.staticAccountKeys.prefix(Int(testCase.header[0]))))
            #expect(tx.signerIndex(of: guardianKey) == testCase.guardian_index)
            #expect(tx.signerIndex(of: SolanaPublicKey.zero) == nil)
            var tables: [SolanaPublicKey: [SolanaPublicKey]] = [:]
            for (table, entries) in testCase.lookup_tables {
                tables[try SolanaPublicKey(base58: table)] = try entries.map { try SolanaPublicKey(base58: $0) }
            }
            let resolved = try message.resolveAccountKeys(lookupTables: tables)
            #expect(resolved.map(\.base58) == testCase.resolved_accounts.map(\.key))
            let accounts = message.accounts
            #expect(accounts.count == testCase.resolved_accounts.count)
            for (account, expected) in zip(accounts, testCase.resolved_accounts) {
                #expect(account.isSigner == expected.signer, "signer flag of account \(account.index), case \(number)")
                #expect(
                    account.isWritable == expected.writable, "writable flag of account \(account.index), case \(number)"
                )
                #expect(message.isWritable(index: account.index) == expected.writable)
            }
            #expect(Set(message.writableStaticKeys).isDisjoint(with: message.readonlyStaticKeys))
            #expect(
                message.writableStaticKeys.count + message.readonlyStaticKeys.count == message.staticAccountKeys.count)

            // Existing signatures verify; empty slots are reported empty.
            let before = tx.verifySignatures()
            #expect(before.map { $0.status == .empty } == testCase.signatures.map { $0 == nil })
            #expect(before.allSatisfy { $0.status != .invalid })
            #expect(before[testCase.guardian_index].status == .empty)

            // Guardian co-signs its slot only.
            let guardian = try #require(byKey[guardianKey])
            let signed = try tx.signing(with: guardian)
            let after = signed.verifySignatures()
            #expect(after[testCase.guardian_index].status == .valid)
            for index in after.indices where index != testCase.guardian_index {
                #expect(after[index] == before[index])
            }
            let signedWire = signed.serialized()
            #expect(signedWire.count == wire.count)
            #expect(try SolanaTransaction(wireBytes: signedWire) == signed)
            signedWires.append(signedWire.base64)
            expectedSlots.append(after.map(\.status.rawValue))

            // A corrupted guardian signature must be reported invalid by both sides.
            if number % 5 == 0 {
                var corrupted = signed.signatures[testCase.guardian_index].bytes
                corrupted[Int(number) % 64] ^= 0x01
                let tampered = try signed.settingSignature(try SolanaSignature(bytes: corrupted), for: guardianKey)
                let statuses = tampered.verifySignatures().map(\.status.rawValue)
                #expect(statuses[testCase.guardian_index] == "invalid")
                signedWires.append(tampered.serialized().base64)
                expectedSlots.append(statuses)
            }
        }
        #expect(cases.count - oversized >= 200, "need at least 200 transactions within the packet limit")
        #expect(
            oversized >= 1 && legacy >= 50 && withLookups >= 50,
            "coverage: oversized \(oversized), legacy \(legacy), lookups \(withLookups)")

        // solders verifies what we signed.
        let verdicts = try PythonPeer.call(
            "solana_peer", VerifyRequest(transactions: signedWires), as: VerifyResponse.self
        ).results
        #expect(verdicts.count == signedWires.count)
        var fullyVerified = 0
        for (index, verdict) in verdicts.enumerated() {
            #expect(verdict.slots == expectedSlots[index], "solders slot verdicts for transaction \(index)")
            #expect(verdict.reserialized, "solders re-serialises transaction \(index) identically")
            if let all = verdict.verify_with_results {
                let expectValid = !expectedSlots[index].contains("invalid")
                #expect(all == expectValid)
                if let legacyVerify = verdict.legacy_verify { #expect(legacyVerify == expectValid) }
                if all { fullyVerified += 1 }
            }
        }
        #expect(fullyVerified >= 100, "solders fully verified only \(fullyVerified) co-signed transactions")
    }

    @Test("Keys derived from seeds match solders' Keypair.from_seed")
    func keyDerivation() throws {
        struct Request: Encodable {
            let command = "derive"
            let seeds: [String]
        }
        struct Response: Decodable { let pubkeys: [String] }
        var rng = SplitMix64(seed: 25519)
        let seeds = (0..<64).map { _ in rng.bytes(32) }
        let response = try PythonPeer.call("solana_peer", Request(seeds: seeds.map(\.hex)), as: Response.self)
        for (seed, expected) in zip(seeds, response.pubkeys) {
            let keypair = try SolanaKeypair(seed: seed)
            #expect(keypair.publicKey.base58 == expected)
            #expect(keypair.seed == seed)
            #expect(try SolanaKeypair(keypairBytes: seed + keypair.publicKey.bytes).publicKey == keypair.publicKey)
        }
    }
}
