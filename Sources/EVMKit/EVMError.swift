// Every EVMKit error has one shape: a stable snake_case `code`, a `message` saying what was wrong and what to do, and —
// for parse failures — the byte `offset`. Messages never contain private keys, passwords or keystore plaintext.

// MARK: - EVMError

/// Why an EVMKit operation failed: a stable machine-readable ``code-swift.property`` (snake_case raw value), a
/// sentence a person can act on, and the byte offset in the parsed input when parsing located the failure.
public struct EVMError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        // Text encodings.
        /// Not `0x`-prefixed hexadecimal of the expected length.
        case invalidHex = "invalid_hex"
        /// Not a 20-byte address.
        case invalidAddress = "invalid_address"
        /// A mixed-case address whose EIP-55 checksum is wrong.
        case invalidChecksum = "invalid_checksum"
        /// A decimal or hexadecimal quantity that is malformed or out of range.
        case invalidNumber = "invalid_number"
        // RLP.
        /// RLP that is truncated, has trailing bytes or a length that does not fit.
        case invalidRLP = "invalid_rlp"
        /// RLP that is well-formed but not canonical (non-minimal length, leading zeros, a single byte as a string).
        case nonCanonicalRLP = "non_canonical_rlp"
        // ABI.
        /// A type or function signature that does not parse.
        case invalidABIType = "invalid_abi_type"
        /// A value that does not fit the ABI type it is encoded as.
        case abiValueMismatch = "abi_value_mismatch"
        /// ABI data that is too short, has an offset out of range, or a value that is not canonical.
        case invalidABIData = "invalid_abi_data"
        // secp256k1 and ECDSA.
        /// A private key that is zero or not below the group order.
        case invalidPrivateKey = "invalid_private_key"
        /// A public key that is not a point on secp256k1.
        case invalidPublicKey = "invalid_public_key"
        /// A signature with r or s out of range, a high s, or a recovery id that does not recover a key.
        case invalidSignature = "invalid_signature"
        // Transactions and messages.
        /// A transaction that cannot be encoded, decoded or signed as given.
        case invalidTransaction = "invalid_transaction"
        /// A typed transaction whose type byte is not 0x01 (EIP-2930) or 0x02 (EIP-1559).
        case unsupportedTransactionType = "unsupported_transaction_type"
        /// EIP-712 typed data that is malformed (unknown type, missing field, cyclic types).
        case invalidTypedData = "invalid_typed_data"
        // Keystore.
        /// A keystore file that is not Web3 Secret Storage v3 JSON, or uses a cipher or KDF we do not support.
        case invalidKeystore = "invalid_keystore"
        /// The password does not open the keystore (its MAC does not match).
        case wrongPassword = "wrong_password"
        // JSON-RPC.
        /// The node could not be reached or answered with something that is not JSON-RPC.
        case rpcTransport = "rpc_transport"
        /// The node answered with a JSON-RPC error object.
        case rpcError = "rpc_error"
        /// A call or transaction reverted; the message carries the decoded revert reason.
        case reverted = "reverted"
        /// Waiting for a receipt (or another condition) took longer than allowed.
        case timeout = "timeout"
        // Sign-In with Ethereum (EIP-4361): message text.
        /// The first line is not `[scheme "://"] domain " wants you to sign in with your Ethereum account:"`.
        case siweInvalidHeaderLine = "siwe_invalid_header_line"
        /// The scheme before `://` is not an RFC 3986 scheme.
        case siweInvalidScheme = "siwe_invalid_scheme"
        /// The domain is not an RFC 3986 authority.
        case siweInvalidDomain = "siwe_invalid_domain"
        /// The address line is not an EIP-55 checksummed address.
        case siweInvalidAddress = "siwe_invalid_address"
        /// The statement is empty or breaks `*( reserved / unreserved / " " )`.
        case siweInvalidStatement = "siwe_invalid_statement"
        /// The URI is not an RFC 3986 URI.
        case siweInvalidURI = "siwe_invalid_uri"
        /// The version is not `1`.
        case siweUnsupportedVersion = "siwe_unsupported_version"
        /// The chain id is not a canonical decimal EIP-155 chain id (1 … 2⁶⁴ − 1, no leading zeros).
        case siweInvalidChainID = "siwe_invalid_chain_id"
        /// The nonce is not at least 8 ASCII letters and digits.
        case siweInvalidNonce = "siwe_invalid_nonce"
        /// A time is not an RFC 3339 date-time.
        case siweInvalidTimestamp = "siwe_invalid_timestamp"
        /// The request id is empty or has characters outside RFC 3986 `pchar`.
        case siweInvalidRequestID = "siwe_invalid_request_id"
        /// A resource is not an RFC 3986 URI.
        case siweInvalidResource = "siwe_invalid_resource"
        /// A required field is absent (or out of order).
        case siweMissingField = "siwe_missing_field"
        /// A line that the grammar does not allow at that place (unknown, repeated or out-of-order field, blank line,
        /// trailing newline).
        case siweUnexpectedLine = "siwe_unexpected_line"
        // Sign-In with Ethereum: verification.
        /// The message's scheme or domain is not the verifier's origin.
        case siweDomainMismatch = "siwe_domain_mismatch"
        /// The message's URI is not the one the verifier expects.
        case siweURIMismatch = "siwe_uri_mismatch"
        /// The message's chain id is not the one the verifier expects.
        case siweChainIDMismatch = "siwe_chain_id_mismatch"
        /// The message's nonce is not the one issued for this sign-in.
        case siweNonceMismatch = "siwe_nonce_mismatch"
        /// `Issued At` lies after the verification time (beyond the allowed clock skew).
        case siweIssuedInFuture = "siwe_issued_in_future"
        /// The verification time lies before `Not Before`.
        case siweNotYetValid = "siwe_not_yet_valid"
        /// The verification time is at or after `Expiration Time`, or the message is older than allowed.
        case siweExpired = "siwe_expired"
        /// The signature recovers to another address than the message's.
        case siweSignerMismatch = "siwe_signer_mismatch"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do.
    public let message: String
    /// Byte offset in the parsed input, when parsing located the failure.
    public let offset: Int?
    /// For ``Code-swift.enum/reverted``: the revert data exactly as the node returned it (an ABI-encoded
    /// `Error(string)`, `Panic(uint256)` or custom error, or empty); `nil` for every other code.
    public let revertData: [UInt8]?

    /// Creates an error; prefer the static constructors.
    public init(_ code: Code, _ message: String, offset: Int? = nil, revertData: [UInt8]? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.revertData = revertData
    }

    /// `code: message`, or `code at byte N: message` when the offset is known.
    public var description: String {
        if let offset { return "\(code.rawValue) at byte \(offset): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}

// MARK: - Constructors

extension EVMError {
    /// Malformed hexadecimal text; `what` names the field (never its secret contents).
    public static func invalidHex(_ what: String) -> EVMError {
        EVMError(.invalidHex, "\(what) is not 0x-prefixed hexadecimal of the expected length; check the value")
    }

    /// A malformed decimal or hexadecimal quantity.
    public static func invalidNumber(_ what: String) -> EVMError {
        EVMError(
            .invalidNumber,
            "\(what) is not an unsigned integer that fits (decimal, or 0x-prefixed hexadecimal without leading zeros)")
    }
}
