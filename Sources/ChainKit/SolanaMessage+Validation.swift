// MARK: - Validation

extension SolanaMessage {
    /// Checks every rule a message must satisfy to be accepted by the Solana runtime.
    ///
    /// The rules are those of `Message::sanitize` / `v0::Message::sanitize` in the Solana SDK
    /// (`solana-message`), plus two runtime checks that can be decided from the bytes alone:
    /// - `num_readonly_signed_accounts < num_required_signatures` (a writable fee payer exists);
    /// - `num_required_signatures + num_readonly_unsigned_accounts <= static keys`;
    /// - a legacy header's first byte is below `0x80`, so it is not read as a version prefix;
    /// - at most 256 accounts in total, counting loaded lookup entries;
    /// - each program id index names a static key and is not 0 (the fee payer);
    /// - each account index names an account (static or loaded);
    /// - each lookup loads at least one entry;
    /// - no static key appears twice and no lookup entry is loaded twice (the runtime rejects
    ///   duplicates as `AccountLoadedTwice`; duplicates among *resolved* lookup addresses can only be
    ///   seen with the tables' contents, see ``resolveAccountKeys(lookupTables:)``);
    /// - the carrying transaction fits the 1232-byte packet limit (``packetDataSize``).
    public func validate() throws(SolanaWireError) {
        let keyCount = staticAccountKeys.count
        let required = Int(header.numRequiredSignatures)

        if version == .legacy && header.numRequiredSignatures >= Self.versionPrefix {
            throw SolanaWireError(
                .invalidHeader,
                "A legacy message cannot require \(required) signatures: a first byte of 0x80 or more is read as a version prefix."
            )
        }
        guard header.numReadonlySignedAccounts < header.numRequiredSignatures else {
            throw SolanaWireError(
                .noWritableFeePayer,
                "The header makes \(header.numReadonlySignedAccounts) of \(required) signer(s) read-only, leaving no writable fee payer; at least one signer (the first) must be writable."
            )
        }
        guard required + Int(header.numReadonlyUnsignedAccounts) <= keyCount else {
            throw SolanaWireError(
                .headerExceedsAccountKeys,
                "The header declares \(required) signer(s) and \(header.numReadonlyUnsignedAccounts) read-only non-signer(s), but the message has only \(keyCount) account key(s)."
            )
        }

        var loadedCount = 0
        var loadedEntries = Set<LookupEntry>()
        for (lookupIndex, lookup) in addressTableLookups.enumerated() {
            let entries = lookup.writableIndexes.count + lookup.readonlyIndexes.count
            guard entries > 0 else {
                throw SolanaWireError(
                    .emptyLookup,
                    "Address table lookup \(lookupIndex) (table \(lookup.tableAddress)) loads no account; remove it or give it at least one index."
                )
            }
            loadedCount += entries
            for entry in lookup.writableIndexes + lookup.readonlyIndexes {
                guard loadedEntries.insert(LookupEntry(table: lookup.tableAddress, index: entry)).inserted else {
                    throw SolanaWireError(
                        .duplicateLookupIndex,
                        "Entry \(entry) of lookup table \(lookup.tableAddress) is loaded twice; the runtime rejects a transaction that loads an account twice."
                    )
                }
            }
        }
        let totalAccounts = keyCount + loadedCount
        guard totalAccounts <= Self.maxAccounts else {
            throw SolanaWireError(
                .tooManyAccountKeys,
                "The message references \(totalAccounts) accounts (\(keyCount) static, \(loadedCount) loaded), but account indexes are single bytes so at most 256 are allowed."
            )
        }

        var seen = Set<SolanaPublicKey>()
        for (position, key) in staticAccountKeys.enumerated() {
            guard seen.insert(key).inserted else {
                throw SolanaWireError(
                    .duplicateAccountKey,
                    "Account key \(key) appears twice (again at index \(position)); each account may be listed only once."
                )
            }
        }

        for (instructionIndex, instruction) in instructions.enumerated() {
            let program = Int(instruction.programIDIndex)
            // Program ids must be static keys so instructions can be checked without loading tables.
            guard program < keyCount else {
                throw SolanaWireError(
                    .programIndexOutOfRange,
                    "Instruction \(instructionIndex) names program index \(program), but only \(keyCount) static account key(s) exist; program ids cannot come from lookup tables."
                )
            }
            guard program != 0 else {
                throw SolanaWireError(
                    .feePayerAsProgram,
                    "Instruction \(instructionIndex) invokes account 0, the fee payer, as its program; the fee payer cannot be a program."
                )
            }
            for account in instruction.accountIndexes where Int(account) >= totalAccounts {
                throw SolanaWireError(
                    .accountIndexOutOfRange,
                    "Instruction \(instructionIndex) names account index \(account), but the message has only \(totalAccounts) account(s)."
                )
            }
        }

        let transactionSize = computedTransactionByteCount()
        guard transactionSize <= Self.packetDataSize else {
            throw SolanaWireError(
                .transactionTooLarge,
                "The transaction would be \(transactionSize) bytes, over the 1232-byte packet limit (1280-byte IPv6 MTU minus 48 bytes of headers); split it or use address lookup tables."
            )
        }
    }

    /// Transaction size computed from the fields, without serialising (counts above 0xFFFF are
    /// charged the 3-byte maximum, which already exceeds any packet).
    private func computedTransactionByteCount() -> Int {
        func prefix(_ count: Int) -> Int { count < 0x80 ? 1 : (count < 0x4000 ? 2 : 3) }
        var size = (version == .v0 ? 1 : 0) + 3
        size += prefix(staticAccountKeys.count) + staticAccountKeys.count * SolanaPublicKey.byteCount
        size += SolanaBlockhash.byteCount
        size += prefix(instructions.count)
        for instruction in instructions {
            size += 1 + prefix(instruction.accountIndexes.count) + instruction.accountIndexes.count
            size += prefix(instruction.data.count) + instruction.data.count
        }
        if version == .v0 {
            size += prefix(addressTableLookups.count)
            for lookup in addressTableLookups {
                size += SolanaPublicKey.byteCount
                size += prefix(lookup.writableIndexes.count) + lookup.writableIndexes.count
                size += prefix(lookup.readonlyIndexes.count) + lookup.readonlyIndexes.count
            }
        }
        let signatures = Int(header.numRequiredSignatures)
        return prefix(signatures) + signatures * SolanaSignature.byteCount + size
    }
}

/// One entry of one lookup table, for duplicate detection.
struct LookupEntry: Hashable {
    let table: SolanaPublicKey
    let index: UInt8
}
