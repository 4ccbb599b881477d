// MARK: - Account classification

extension SolanaMessage {
    /// Where an account referenced by a message comes from.
    public enum AccountSource: Hashable, Sendable {
        /// A key written in the message itself.
        case staticKey(SolanaPublicKey)
        /// Entry `index` of the address lookup table at `table` (v0 only); the key itself is only
        /// known once the table's contents are loaded.
        case lookup(table: SolanaPublicKey, index: UInt8)
    }

    /// One account referenced by a message, with the access the message requests for it.
    public struct Account: Hashable, Sendable {
        /// The account's index in the message (the index instructions use).
        public let index: Int
        /// Where the account's key comes from.
        public let source: AccountSource
        /// Whether the account must sign (always a static key).
        public let isSigner: Bool
        /// Whether the message requests a write lock on the account.
        ///
        /// This is the header-declared access (`is_maybe_writable` in the SDK). The runtime may
        /// still demote a writable account to read-only: reserved keys (sysvars, built-in programs)
        /// and programs invoked by an instruction when the upgradeable loader is absent.
        public let isWritable: Bool
        /// Whether some instruction invokes this account as its program.
        public let isInvokedAsProgram: Bool

        /// The key, when it is a static key.
        public var staticKey: SolanaPublicKey? {
            if case .staticKey(let key) = source { return key }
            return nil
        }
    }

    /// Whether the account at `index` is a signer: `index < num_required_signatures`.
    public func isSigner(index: Int) -> Bool {
        index >= 0 && index < Int(header.numRequiredSignatures)
    }

    /// Whether the message requests write access to the account at `index`.
    ///
    /// Account indexes run over the static keys, then every lookup's writable entries (in lookup
    /// order), then every lookup's read-only entries (`LoadedAddresses` order). For static keys the
    /// header decides: signers `[0, s - rs)` and non-signers `[s, n - ru)` are writable, where
    /// `s` = required signatures, `rs` = read-only signed, `ru` = read-only unsigned and `n` = static
    /// key count. Loaded entries are writable exactly when they come from a writable index list.
    public func isWritable(index: Int) -> Bool {
        let required = Int(header.numRequiredSignatures)
        let staticCount = staticAccountKeys.count
        if index < 0 { return false }
        if index < required {
            return index < required - Int(header.numReadonlySignedAccounts)
        }
        if index < staticCount {
            return index < staticCount - Int(header.numReadonlyUnsignedAccounts)
        }
        let writableLoaded = addressTableLookups.reduce(0) { $0 + $1.writableIndexes.count }
        return index - staticCount < writableLoaded
    }

    /// Every account the message references, in index order, with its requested access.
    public var accounts: [Account] {
        var sources: [AccountSource] = staticAccountKeys.map { .staticKey($0) }
        for lookup in addressTableLookups {
            sources += lookup.writableIndexes.map { .lookup(table: lookup.tableAddress, index: $0) }
        }
        for lookup in addressTableLookups {
            sources += lookup.readonlyIndexes.map { .lookup(table: lookup.tableAddress, index: $0) }
        }
        let programs = Set(instructions.map { Int($0.programIDIndex) })
        return sources.enumerated().map { index, source in
            Account(
                index: index, source: source, isSigner: isSigner(index: index), isWritable: isWritable(index: index),
                isInvokedAsProgram: programs.contains(index))
        }
    }

    /// Static keys the message requests write access to (signers and non-signers).
    public var writableStaticKeys: [SolanaPublicKey] {
        staticAccountKeys.indices.filter { isWritable(index: $0) }.map { staticAccountKeys[$0] }
    }

    /// Static keys the message requests read-only access to.
    public var readonlyStaticKeys: [SolanaPublicKey] {
        staticAccountKeys.indices.filter { !isWritable(index: $0) }.map { staticAccountKeys[$0] }
    }

    /// Resolves every account to its key using the contents of the lookup tables the message
    /// uses, the way the runtime loads a v0 transaction.
    ///
    /// - Parameter lookupTables: The addresses stored in each lookup table, keyed by table address.
    ///   Not needed for messages without lookups.
    /// - Returns: The keys in account-index order (static, loaded writable, loaded read-only).
    /// - Throws: `lookup_table_missing`, `lookup_index_out_of_range`, or `duplicate_account_key`
    ///   when a loaded address repeats another account (`AccountLoadedTwice`).
    public func resolveAccountKeys(lookupTables: [SolanaPublicKey: [SolanaPublicKey]] = [:]) throws(SolanaWireError)
        -> [SolanaPublicKey]
    {
        var keys = staticAccountKeys
        func load(_ lookup: AddressTableLookup, _ indexes: [UInt8]) throws(SolanaWireError) {
            guard let contents = lookupTables[lookup.tableAddress] else {
                throw SolanaWireError(
                    .lookupTableMissing,
                    "The contents of lookup table \(lookup.tableAddress) were not supplied; fetch the table account and pass its addresses."
                )
            }
            for index in indexes {
                guard Int(index) < contents.count else {
                    throw SolanaWireError(
                        .lookupIndexOutOfRange,
                        "Lookup table \(lookup.tableAddress) holds \(contents.count) address(es) but entry \(index) is requested; the table may be stale or the transaction invalid."
                    )
                }
                keys.append(contents[Int(index)])
            }
        }
        for lookup in addressTableLookups { try load(lookup, lookup.writableIndexes) }
        for lookup in addressTableLookups { try load(lookup, lookup.readonlyIndexes) }
        var seen = Set<SolanaPublicKey>()
        for (index, key) in keys.enumerated() where !seen.insert(key).inserted {
            throw SolanaWireError(
                .duplicateAccountKey,
                "Account \(index) resolves to \(key), which the message already references; the runtime rejects accounts loaded twice."
            )
        }
        return keys
    }
}
