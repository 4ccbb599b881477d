// Every ChainKit error has one shape (``ChainKitError``): a stable snake_case `code`, a `message` saying what was
// wrong and what to do, and — for parse failures — the byte `offset`. One type per family, so a caller's typed
// `throws` says which failures it can meet; all of them in this file.

import JSONRPC

// MARK: - ChainKitError

/// The shape every ChainKit error shares: a stable machine-readable `code` (snake_case raw value), a sentence saying
/// what was wrong and what to do, and — for parse failures — the byte offset where it was found.
public protocol ChainKitError: Error, Hashable, Sendable, CustomStringConvertible {
    associatedtype Code: RawRepresentable where Code.RawValue == String
    /// The stable failure code.
    var code: Code { get }
    /// A sentence saying what was wrong and what to do.
    var message: String { get }
    /// Byte offset in the parsed input, when parsing located the failure.
    var offset: Int? { get }
}

extension ChainKitError {
    public var offset: Int? { nil }

    /// `code: message`, or `code at byte N: message` when the offset is known.
    public var description: String {
        if let offset { return "\(code.rawValue) at byte \(offset): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}

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
    public let message: String

    init(_ code: Code, at offset: Int? = nil, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }
}

// MARK: - ShortVecError

/// A compact-u16 decoding failure.
public struct ShortVecError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The input ended inside the encoding.
        case truncated = "shortvec_truncated"
        /// A zero byte after the first one: an overlong alias of a shorter encoding.
        case nonCanonical = "shortvec_non_canonical"
        /// The third byte has its continuation bit set: more than three bytes.
        case tooLong = "shortvec_too_long"
        /// The encoded value exceeds 0xFFFF.
        case overflow = "shortvec_overflow"
    }

    /// The stable failure code.
    public let code: Code
    /// Zero-based index, within the encoding, of the byte where decoding failed.
    public let byteIndex: Int

    /// A sentence saying what was wrong and what to do.
    public var message: String {
        switch code {
        case .truncated:
            return
                "The compact-u16 length ends after \(byteIndex) byte(s) but its last byte had the continuation bit set; the data is truncated."
        case .nonCanonical:
            return
                "Byte \(byteIndex) of the compact-u16 length is zero, so a shorter encoding exists; Solana accepts only the shortest (canonical) encoding."
        case .tooLong:
            return
                "The third byte of the compact-u16 length has the continuation bit set; lengths are at most 3 bytes (values up to 65535)."
        case .overflow:
            return "The compact-u16 length exceeds 65535 (0xFFFF), the largest value Solana allows."
        }
    }
}

// MARK: - SolanaValueError

/// A failure to build a fixed-size Solana value (key, signature, blockhash) from bytes or text.
public struct SolanaValueError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The text contains a character outside the Base58 alphabet.
        case invalidCharacter = "invalid_character"
        /// The bytes (or decoded text) have the wrong length for this kind of value.
        case wrongLength = "wrong_length"
    }

    /// The stable failure code.
    public let code: Code
    /// The underlying Base58 failure, when the value came from text.
    public let base58Error: Base58Error?
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(wrongLength count: Int, expected: Int, kind: String) {
        self.code = .wrongLength
        self.base58Error = nil
        self.message =
            "A Solana \(kind) is exactly \(expected) bytes, but \(count) bytes were given; pass the raw \(kind) bytes."
    }

    init(base58 error: Base58Error, kind: String) {
        switch error.code {
        case .invalidCharacter: self.code = .invalidCharacter
        case .wrongLength: self.code = .wrongLength
        }
        self.base58Error = error
        self.message = "Invalid Solana \(kind) text: \(error.message)"
    }
}

// MARK: - Base58Error

/// A Base58 decoding failure.
public struct Base58Error: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// A character outside the Bitcoin Base58 alphabet.
        case invalidCharacter = "invalid_character"
        /// Valid Base58 that decodes to the wrong number of bytes for the expected value.
        case wrongLength = "wrong_length"
    }

    /// The stable failure code.
    public let code: Code
    /// The offending character, for `invalid_character`.
    public let character: Character?
    /// The zero-based position (in characters) of the offending character, for `invalid_character`.
    public let position: Int?
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(code: Code, message: String) {
        self.code = code
        self.character = nil
        self.position = nil
        self.message = message
    }

    init(invalidCharacter character: Character, position: Int) {
        self.code = .invalidCharacter
        self.character = character
        self.position = position
        let shown = character.unicodeScalars.map { scalar in
            scalar.properties.isWhitespace || scalar.value < 0x20
                ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : String(scalar)
        }.joined()
        self.message =
            "Character '\(shown)' at position \(position) is not in the Base58 alphabet (which excludes 0, O, I, l, whitespace and punctuation); remove or correct it."
    }
}

// MARK: - Instruction decoding errors

/// Instruction data that the program it addresses would reject: too short for its layout, too few accounts, or a
/// field that does not decode. Only instructions ChainKit knows (``SolanaInstruction``) are checked; the data of
/// other programs is opaque.
public struct SolanaInstructionError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The instruction data ends before a field of the instruction's layout.
        case dataTruncated = "instruction_data_truncated"
        /// The instruction passes fewer accounts than the instruction requires.
        case missingAccounts = "instruction_missing_accounts"
        /// A string field (a seed) is not UTF-8, which the program's decoder (serde `String`) refuses.
        case invalidString = "instruction_invalid_string"
        /// Bytes follow an instruction whose program decodes the whole input (Borsh `try_from_slice`).
        case trailingData = "instruction_trailing_data"
    }

    /// The stable failure code.
    public let code: Code
    /// The position of the instruction in its message.
    public let instructionIndex: Int
    /// The program the instruction addresses.
    public let programID: SolanaPublicKey
    /// Byte offset in the instruction's data, when a field was being read.
    public let offset: Int?
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(_ code: Code, instruction: Int, program: SolanaPublicKey, at offset: Int? = nil, _ message: String) {
        self.code = code
        self.instructionIndex = instruction
        self.programID = program
        self.offset = offset
        self.message = message
    }
}

// MARK: - SolanaOffchainMessageError

/// A Solana off-chain message that cannot be built, parsed or signed.
public struct SolanaOffchainMessageError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The input ends before a preamble field is complete.
        case truncated = "truncated"
        /// The input does not start with `"\xffsolana offchain"`.
        case invalidSigningDomain = "invalid_signing_domain"
        /// A header version other than 0.
        case unsupportedVersion = "unsupported_version"
        /// A message format byte other than 0, 1 or 2.
        case invalidFormat = "invalid_format"
        /// A signer count of zero.
        case noSigners = "no_signers"
        /// More than 255 signers.
        case tooManySigners = "too_many_signers"
        /// The all-zero key among several signers.
        case zeroSigner = "zero_signer"
        /// A message length of zero.
        case emptyMessage = "empty_message"
        /// The body is shorter or longer than the declared length.
        case lengthMismatch = "length_mismatch"
        /// The body is not valid UTF-8.
        case invalidUTF8 = "invalid_utf8"
        /// The declared format differs from the one the content determines.
        case formatMismatch = "format_mismatch"
        /// Preamble and body exceed 65535 bytes.
        case messageTooLong = "message_too_long"
        /// The signing key is not among the message's signers.
        case signerNotListed = "signer_not_listed"
    }

    /// The stable failure code.
    public let code: Code
    /// Byte offset in the parsed input, when parsing.
    public let offset: Int?
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(_ code: Code, at offset: Int? = nil, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }
}

// MARK: - SolanaSigningError

/// A signing failure.
public struct SolanaSigningError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The seed or keypair bytes have the wrong length.
        case invalidSeed = "invalid_seed"
        /// The public key half of a 64-byte keypair does not match its seed.
        case keypairMismatch = "keypair_mismatch"
        /// The crypto backend reported a failure.
        case signingFailed = "signing_failed"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

// MARK: - SIWSError

/// A SIWS message that cannot be built, parsed or accepted.
public struct SIWSError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable {
        /// The first line is not "<domain> wants you to sign in with your Solana account:".
        case invalidHeaderLine = "invalid_header_line"
        /// The domain is not an RFC 3986 authority.
        case invalidDomain = "invalid_domain"
        /// The address line is not a Base58 32-byte Solana key.
        case invalidAddress = "invalid_address"
        /// The statement breaks `1*( reserved / unreserved / " " )`.
        case invalidStatement = "invalid_statement"
        /// The URI is not an RFC 3986 URI.
        case invalidURI = "invalid_uri"
        /// The version is not `1`.
        case unsupportedVersion = "unsupported_version"
        /// The chain id is not one of the seven SIWS values.
        case invalidChainID = "invalid_chain_id"
        /// The nonce is not at least 8 ASCII letters and digits.
        case invalidNonce = "invalid_nonce"
        /// A time is not an RFC 3339 date-time.
        case invalidTimestamp = "invalid_timestamp"
        /// The request id is empty or has characters outside RFC 3986 `pchar`.
        case invalidRequestID = "invalid_request_id"
        /// A resource is not an RFC 3986 URI.
        case invalidResource = "invalid_resource"
        /// A required field is absent (or out of order).
        case missingField = "missing_field"
        /// A line that the grammar does not allow at that place.
        case unexpectedLine = "unexpected_line"
        /// The message names another domain than the expected one.
        case domainMismatch = "domain_mismatch"
        /// The message nonce differs from the issued one.
        case nonceMismatch = "nonce_mismatch"
        /// The issue time lies after the verification time.
        case issuedInFuture = "issued_in_future"
        /// The verification time lies before `Not Before`.
        case notYetValid = "not_yet_valid"
        /// The verification time is at or after `Expiration Time`.
        case expired = "expired"
        /// The signature does not verify for the address and text.
        case invalidSignature = "invalid_signature"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

// MARK: - SolanaBuildError

/// An instruction or address that cannot be built from the values given.
public struct SolanaBuildError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A multisig member list that is empty or longer than 11 keys.
        case invalidMultisigSigners = "invalid_multisig_signers"
        /// A multisig threshold of 0 or above the number of members.
        case invalidMultisigThreshold = "invalid_multisig_threshold"
        /// More seeds than a program address takes (16, the bump seed included).
        case tooManySeeds = "too_many_seeds"
        /// A seed longer than 32 bytes.
        case seedTooLong = "seed_too_long"
        /// The seeds hash to a point on the Ed25519 curve, which cannot be a program address.
        case addressOnCurve = "address_on_curve"
        /// No bump seed gives an address off the curve.
        case noViableBump = "no_viable_bump"
        /// An owner program whose key ends with the program-address marker (`create_with_seed` refuses it).
        case illegalOwner = "illegal_owner"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

// MARK: - SolanaAccountLayoutError

/// Account data that does not decode as the token-program state it was read as (``SolanaTokenMint``,
/// ``SolanaTokenAccount``, ``SolanaTokenMultisig``): the program's own `unpack` would refuse it too.
public struct SolanaAccountLayoutError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The account is not owned by SPL Token or Token-2022.
        case wrongOwner = "account_wrong_owner"
        /// The data has a size the layout does not allow.
        case wrongSize = "account_wrong_size"
        /// The account exists but was never initialised.
        case uninitialized = "account_uninitialized"
        /// A field holds a value its type does not allow (an option tag or boolean above 1, an unknown state).
        case invalidField = "account_invalid_field"
        /// Token-2022 extension data that is malformed (padding, account type or a truncated entry).
        case invalidExtensions = "account_invalid_extensions"
    }

    /// The stable failure code.
    public let code: Code
    /// Byte offset in the account data where the failure was found, when a field was being read.
    public let offset: Int?
    /// A sentence saying what was wrong and what to do.
    public let message: String

    init(_ code: Code, at offset: Int? = nil, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }
}

// MARK: - SolanaRPCError

/// A Solana JSON-RPC call that failed (``SolanaRPCClient``): the node could not be reached or answered something that
/// is not JSON-RPC, answered with an error object, refused a transaction in preflight, or the transaction failed or
/// expired on chain.
///
/// Besides ``code`` and ``message``, it carries what the node said: the JSON-RPC error code and message, the
/// transaction error (`err`) and the program logs — from `data.logs` of a preflight failure (-32002), or from
/// `getTransaction` for a transaction that failed on chain.
public struct SolanaRPCError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The node cannot be reached, or the answer is not a JSON-RPC 2.0 response to the request.
        case transport = "rpc_transport"
        /// No answer within the client's timeout, or no confirmation within the wait's timeout.
        case timeout = "rpc_timeout"
        /// A JSON-RPC response whose result has the wrong shape (a missing field, a wrong type, a bad encoding).
        case malformedResponse = "rpc_malformed_response"
        /// A JSON-RPC error object other than a preflight failure.
        case rpcError = "rpc_error"
        /// `sendTransaction` refused the transaction because its simulation failed (-32002) or a signature does not
        /// verify (-32003); ``transactionError`` and ``logs`` say why.
        case preflightFailed = "rpc_preflight_failed"
        /// The transaction was processed and failed; ``transactionError`` and ``logs`` say why. Fees were charged.
        case transactionFailed = "transaction_failed"
        /// The transaction's blockhash expired before it was processed; it can never land — rebuild and re-sign it.
        case blockhashExpired = "blockhash_expired"
        /// An argument the client refuses to send (too many signatures, an empty transaction).
        case invalidArgument = "rpc_invalid_argument"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let message: String
    /// The JSON-RPC error code, when the node answered with an error object.
    public let rpcCode: Int?
    /// The JSON-RPC error message, when the node answered with an error object (at most 1000 characters).
    public let rpcMessage: String?
    /// The transaction error, for `preflight_failed` and `transaction_failed`.
    public let transactionError: SolanaTransactionError?
    /// The program logs, for `preflight_failed` and `transaction_failed` (as the node sent them).
    public let logs: [String]

    init(
        _ code: Code, _ message: String, rpcCode: Int? = nil, rpcMessage: String? = nil,
        transactionError: SolanaTransactionError? = nil, logs: [String] = []
    ) {
        self.code = code
        self.message = message
        self.rpcCode = rpcCode
        self.rpcMessage = rpcMessage
        self.transactionError = transactionError
        self.logs = logs
    }

    /// The node cannot be reached or did not answer JSON-RPC.
    static func transport(_ message: String) -> SolanaRPCError { SolanaRPCError(.transport, message) }

    /// The answer to `method` has a bad `path`.
    static func malformed(_ method: String, _ path: String, _ problem: String) -> SolanaRPCError {
        SolanaRPCError(.malformedResponse, "the node's answer to \(method) is malformed: \(path) \(problem)")
    }
}

/// A transaction error as the RPC reports it (`TransactionError`, serialised by serde as JSON: a string for a
/// variant without fields such as `"BlockhashNotFound"`, an object otherwise such as
/// `{"InstructionError":[1,{"Custom":4}]}`).
public struct SolanaTransactionError: Hashable, Sendable, CustomStringConvertible {
    /// The error as compact JSON with sorted keys, exactly as much as the node sent.
    public let json: String
    /// The variant name: `InstructionError`, `BlockhashNotFound`, `InsufficientFundsForFee`, …
    public let name: String
    /// For `InstructionError`: the index of the failing instruction.
    public let instructionIndex: Int?
    /// For `InstructionError`: the instruction error's variant (`Custom`, `MissingRequiredSignature`, …).
    public let instructionError: String?
    /// For `InstructionError` `Custom(n)`: the program's error code n (for SPL Token, `TokenError` in declaration
    /// order: 1 insufficient funds, 3 mint mismatch, 4 owner mismatch, …).
    public let customCode: UInt32?

    public var description: String { json }

    init(_ value: JSONValue) {
        json = value.compactText
        var name = value.kind
        var index: Int?
        var inner: String?
        var custom: UInt32?
        switch value {
        case .string(let text):
            name = text
        case .object(let fields):
            name = fields.keys.sorted().first ?? "unknown"
            if case .array(let pair)? = fields["InstructionError"], pair.count == 2, case .unsigned(let i) = pair[0],
                i < 256
            {
                index = Int(i)
                switch pair[1] {
                case .string(let text): inner = text
                case .object(let innerFields):
                    inner = innerFields.keys.sorted().first
                    if case .unsigned(let code)? = innerFields["Custom"], let code32 = UInt32(exactly: code) {
                        custom = code32
                    }
                default: break
                }
            }
        default: break
        }
        self.name = name
        self.instructionIndex = index
        self.instructionError = inner
        self.customCode = custom
    }
}
