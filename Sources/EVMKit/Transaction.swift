// Unsigned Ethereum transactions: legacy with EIP-155 replay protection, EIP-2930 access-list transactions (type
// 0x01) and EIP-1559 fee-market transactions (type 0x02), and the payloads a signer signs. Signed transactions, their
// raw encoding and strict decoding are in SignedTransaction.swift.

// MARK: - Access lists

/// One entry of an EIP-2930 access list: an address and the storage slots of it the transaction declares it will
/// touch (EIP-2930, "Specification": `[[address, [storageKey, ...]], ...]`).
public struct AccessListEntry: Hashable, Sendable {
    /// The account.
    public let address: EthereumAddress
    /// Its storage keys, each exactly 32 bytes.
    public let storageKeys: [[UInt8]]

    /// Checks that every storage key is 32 bytes.
    public init(address: EthereumAddress, storageKeys: [[UInt8]]) throws(EVMError) {
        for key in storageKeys where key.count != 32 {
            throw EVMError(.invalidTransaction, "an access-list storage key is 32 bytes; got \(key.count)")
        }
        self.address = address
        self.storageKeys = storageKeys
    }

    var rlp: RLP.Item { .list([.bytes(address.bytes), .list(storageKeys.map { .bytes($0) })]) }
}

// MARK: - The three transaction types

/// A legacy transaction signed with EIP-155 replay protection: it commits to its chain id, so it cannot be replayed
/// on another chain (EIP-155, "Specification"; Yellow Paper §4.2, eq. 15–17 for the fields).
public struct LegacyTransaction: Hashable, Sendable {
    /// The chain the transaction is valid on (EIP-155); 1 is Ethereum mainnet.
    public var chainId: UInt64
    /// The sender's nonce (Yellow Paper Tn; at most 2⁶⁴ − 1, EIP-2681).
    public var nonce: UInt64
    /// Wei paid per unit of gas (Tp).
    public var gasPrice: UInt256
    /// The gas limit (Tg).
    public var gasLimit: UInt64
    /// The recipient (Tt), or `nil` to create a contract.
    public var to: EthereumAddress?
    /// Wei transferred (Tv).
    public var value: UInt256
    /// Call data, or init code for a contract creation (Td / Ti).
    public var data: [UInt8]

    /// A transaction from its fields.
    public init(
        chainId: UInt64, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: EthereumAddress?,
        value: UInt256 = .zero, data: [UInt8] = []
    ) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }
}

/// An EIP-2930 transaction (type `0x01`): a legacy-style gas price plus an access list.
public struct EIP2930Transaction: Hashable, Sendable {
    /// The chain the transaction is valid on.
    public var chainId: UInt64
    /// The sender's nonce (at most 2⁶⁴ − 1, EIP-2681).
    public var nonce: UInt64
    /// Wei paid per unit of gas.
    public var gasPrice: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient, or `nil` to create a contract.
    public var to: EthereumAddress?
    /// Wei transferred.
    public var value: UInt256
    /// Call data, or init code for a contract creation.
    public var data: [UInt8]
    /// Addresses and storage keys the transaction declares it will access (EIP-2930).
    public var accessList: [AccessListEntry]

    /// A transaction from its fields.
    public init(
        chainId: UInt64, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: EthereumAddress?,
        value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }
}

/// An EIP-1559 transaction (type `0x02`): a priority fee and a fee cap instead of a gas price, and an access list.
public struct EIP1559Transaction: Hashable, Sendable {
    /// The chain the transaction is valid on.
    public var chainId: UInt64
    /// The sender's nonce (at most 2⁶⁴ − 1, EIP-2681).
    public var nonce: UInt64
    /// The most wei per gas paid to the block producer on top of the base fee (EIP-1559).
    public var maxPriorityFeePerGas: UInt256
    /// The most wei per gas paid in total, base fee included (EIP-1559).
    public var maxFeePerGas: UInt256
    /// The gas limit.
    public var gasLimit: UInt64
    /// The recipient, or `nil` to create a contract.
    public var to: EthereumAddress?
    /// Wei transferred.
    public var value: UInt256
    /// Call data, or init code for a contract creation.
    public var data: [UInt8]
    /// Addresses and storage keys the transaction declares it will access (EIP-2930).
    public var accessList: [AccessListEntry]

    /// A transaction from its fields.
    public init(
        chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
        to: EthereumAddress?, value: UInt256 = .zero, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }
}

// MARK: - Transaction

/// An unsigned transaction of one of the supported types (EIP-2718 envelope): what a key signs.
///
/// ```swift
/// let tx = Transaction.eip1559(EIP1559Transaction(
///     chainId: 1, nonce: 0, maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 30_000_000_000, gasLimit: 21_000,
///     to: recipient, value: 1))
/// let digest = tx.signingHash  // sign this with the sender's key, then:
/// let signed = try tx.signed(with: signature)
/// signed.rawTransaction  // eth_sendRawTransaction's argument
/// ```
public enum Transaction: Hashable, Sendable {
    /// A legacy transaction with EIP-155 replay protection.
    case legacy(LegacyTransaction)
    /// An EIP-2930 access-list transaction (type 0x01).
    case eip2930(EIP2930Transaction)
    /// An EIP-1559 fee-market transaction (type 0x02).
    case eip1559(EIP1559Transaction)

    /// The EIP-2718 type byte: `nil` for legacy, `0x01` for EIP-2930, `0x02` for EIP-1559.
    public var type: UInt8? {
        switch self {
        case .legacy: return nil
        case .eip2930: return 0x01
        case .eip1559: return 0x02
        }
    }

    /// The chain id the transaction commits to.
    public var chainId: UInt64 {
        switch self {
        case .legacy(let tx): return tx.chainId
        case .eip2930(let tx): return tx.chainId
        case .eip1559(let tx): return tx.chainId
        }
    }

    /// The sender's nonce.
    public var nonce: UInt64 {
        switch self {
        case .legacy(let tx): return tx.nonce
        case .eip2930(let tx): return tx.nonce
        case .eip1559(let tx): return tx.nonce
        }
    }

    /// The gas limit.
    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let tx): return tx.gasLimit
        case .eip2930(let tx): return tx.gasLimit
        case .eip1559(let tx): return tx.gasLimit
        }
    }

    /// The recipient, or `nil` for a contract creation.
    public var to: EthereumAddress? {
        switch self {
        case .legacy(let tx): return tx.to
        case .eip2930(let tx): return tx.to
        case .eip1559(let tx): return tx.to
        }
    }

    /// Wei transferred.
    public var value: UInt256 {
        switch self {
        case .legacy(let tx): return tx.value
        case .eip2930(let tx): return tx.value
        case .eip1559(let tx): return tx.value
        }
    }

    /// Call data or init code.
    public var data: [UInt8] {
        switch self {
        case .legacy(let tx): return tx.data
        case .eip2930(let tx): return tx.data
        case .eip1559(let tx): return tx.data
        }
    }

    /// The access list (empty for legacy transactions, which cannot carry one).
    public var accessList: [AccessListEntry] {
        switch self {
        case .legacy: return []
        case .eip2930(let tx): return tx.accessList
        case .eip1559(let tx): return tx.accessList
        }
    }

    /// The fields common to every type's RLP list, in order, up to and including the data (legacy and EIP-2930
    /// order); EIP-1559 puts its two fees where the gas price is.
    var unsignedFields: [RLP.Item] {
        switch self {
        case .legacy(let tx):
            return [
                .uint(UInt256(tx.nonce)), .uint(tx.gasPrice), .uint(UInt256(tx.gasLimit)), Self.rlp(to: tx.to),
                .uint(tx.value), .bytes(tx.data),
            ]
        case .eip2930(let tx):
            return [
                .uint(UInt256(tx.chainId)), .uint(UInt256(tx.nonce)), .uint(tx.gasPrice), .uint(UInt256(tx.gasLimit)),
                Self.rlp(to: tx.to), .uint(tx.value), .bytes(tx.data), .list(tx.accessList.map(\.rlp)),
            ]
        case .eip1559(let tx):
            return [
                .uint(UInt256(tx.chainId)), .uint(UInt256(tx.nonce)), .uint(tx.maxPriorityFeePerGas),
                .uint(tx.maxFeePerGas), .uint(UInt256(tx.gasLimit)), Self.rlp(to: tx.to), .uint(tx.value),
                .bytes(tx.data), .list(tx.accessList.map(\.rlp)),
            ]
        }
    }

    static func rlp(to: EthereumAddress?) -> RLP.Item { .bytes(to?.bytes ?? []) }

    /// The bytes a signer hashes and signs.
    ///
    /// - Legacy (EIP-155): `rlp([nonce, gasPrice, gasLimit, to, value, data, chainId, 0, 0])`.
    /// - EIP-2930: `0x01 ‖ rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList])`.
    /// - EIP-1559: `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data,
    ///   accessList])`.
    public var signingPayload: [UInt8] {
        switch self {
        case .legacy(let tx):
            return RLP.encode(.list(unsignedFields + [.uint(UInt256(tx.chainId)), .uint(.zero), .uint(.zero)]))
        case .eip2930, .eip1559:
            return [type ?? 0] + RLP.encode(.list(unsignedFields))
        }
    }

    /// `keccak256(signingPayload)`: the 32-byte digest the sender's secp256k1 key signs (EIP-155, EIP-2930,
    /// EIP-1559), and from which the sender is recovered.
    public var signingHash: [UInt8] { Keccak256.hash(signingPayload) }

    /// Attaches a signature made over ``signingHash``.
    ///
    /// The signature is not checked against any key here (EVMKit's ECDSA does that); it must have low s (EIP-2),
    /// since every node refuses a transaction whose s is above n/2.
    /// - Throws: `invalid_signature` for a high s.
    public func signed(with signature: ECDSASignature) throws(EVMError) -> SignedTransaction {
        try SignedTransaction(transaction: self, signature: signature)
    }
}
