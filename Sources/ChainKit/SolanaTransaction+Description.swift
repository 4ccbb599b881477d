// MARK: - Descriptions

extension SolanaMessage: CustomStringConvertible {
    /// A one-line summary (version, header, counts, fee payer), without the raw bytes.
    public var description: String {
        "SolanaMessage(\(version), signers: \(header.numRequiredSignatures) (\(header.numReadonlySignedAccounts) read-only), "
            + "read-only unsigned: \(header.numReadonlyUnsignedAccounts), static keys: \(staticAccountKeys.count), "
            + "lookups: \(addressTableLookups.count), instructions: \(instructions.count), fee payer: \(feePayer), "
            + "blockhash: \(recentBlockhash), \(serializedBytes.count) bytes)"
    }
}

extension SolanaTransaction: CustomStringConvertible {
    /// A one-line summary: signature slot states and the message summary.
    public var description: String {
        let slots = signatures.map { $0.isEmpty ? "empty" : String($0.base58.prefix(8)) + "…" }
        return "SolanaTransaction(signatures: [\(slots.joined(separator: ", "))], \(message))"
    }
}
