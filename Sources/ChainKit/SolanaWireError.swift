// MARK: - Wire-format errors

/// A Solana transaction or message that cannot be parsed, built or modified.
///
/// Every failure carries a stable ``code`` (snake_case), the byte ``offset`` in the parsed input
/// where it was found (when parsing), and a sentence saying what was wrong.
public struct SolanaWireError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The input ended before a field was complete.
        case truncated = "truncated"
        /// A compact-u16 length has a zero byte after the first (overlong alias).
        case shortVecNonCanonical = "shortvec_non_canonical"
        /// A compact-u16 length continues past its third byte.
        case shortVecTooLong = "shortvec_too_long"
        /// A compact-u16 length exceeds 0xFFFF.
        case shortVecOverflow = "shortvec_overflow"
        /// A versioned message with a version other than 0.
        case unsupportedVersion = "unsupported_version"
        /// The number of signatures differs from the header's `num_required_signatures`.
        case signatureCountMismatch = "signature_count_mismatch"
        /// `num_readonly_signed_accounts >= num_required_signatures`: no writable fee payer.
        case noWritableFeePayer = "no_writable_fee_payer"
        /// The header describes more signers plus read-only unsigned accounts than there are keys.
        case headerExceedsAccountKeys = "header_exceeds_account_keys"
        /// A header value that cannot be serialised unambiguously (legacy signer count ≥ 128).
        case invalidHeader = "invalid_header"
        /// More than 256 accounts in total (indexes are single bytes).
        case tooManyAccountKeys = "too_many_account_keys"
        /// An instruction's program id index is not a static account key.
        case programIndexOutOfRange = "program_id_index_out_of_range"
        /// An instruction invokes the fee payer (index 0) as its program.
        case feePayerAsProgram = "fee_payer_as_program"
        /// An instruction's account index is past the last account.
        case accountIndexOutOfRange = "account_index_out_of_range"
        /// An address table lookup that loads no account.
        case emptyLookup = "empty_lookup"
        /// The same account key appears twice among the static keys.
        case duplicateAccountKey = "duplicate_account_key"
        /// The same lookup table entry is loaded twice.
        case duplicateLookupIndex = "duplicate_lookup_index"
        /// A legacy message with address table lookups (only v0 messages have them).
        case lookupsInLegacyMessage = "lookups_in_legacy_message"
        /// Bytes left after a complete transaction or message.
        case trailingBytes = "trailing_bytes"
        /// The serialised transaction exceeds the 1232-byte packet limit.
        case transactionTooLarge = "transaction_too_large"
        /// The key is not one of the transaction's required signers.
        case signerNotFound = "signer_not_found"
        /// A lookup table needed to resolve the accounts was not supplied.
        case lookupTableMissing = "lookup_table_missing"
        /// A lookup index is past the end of the supplied table contents.
        case lookupIndexOutOfRange = "lookup_index_out_of_range"
    }

    /// The stable failure code.
    public let code: Code
    /// Byte offset in the parsed input where the failure was found, when parsing.
    public let offset: Int?
    /// A sentence saying what was wrong and what to do.
    public let reason: String

    init(_ code: Code, at offset: Int? = nil, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }
}
