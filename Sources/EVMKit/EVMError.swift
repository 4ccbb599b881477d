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
