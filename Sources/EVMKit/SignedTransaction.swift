// Signed transactions: the raw (EIP-2718 "binary") encoding sent with eth_sendRawTransaction, the transaction hash,
// and strict decoding. Decoding accepts exactly what `rawTransaction` produces: canonical RLP, the right number of
// fields for the type, an EIP-155 v (legacy), a y parity of 0 or 1 (typed) and a low s (EIP-2). Sender recovery
// (ecrecover over `signingHash` and `signature`) belongs with EVMKit's secp256k1 code and is not done here.

// MARK: - SignedTransaction

/// A transaction and the sender's signature over its ``Transaction/signingHash``.
///
/// Raw encodings (EIP-2718; what `eth_sendRawTransaction` takes and what ``hash`` hashes):
/// - Legacy (EIP-155): `rlp([nonce, gasPrice, gasLimit, to, value, data, v, r, s])` with
///   `v = chainId · 2 + 35 + yParity`.
/// - EIP-2930: `0x01 ‖ rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, yParity, r, s])`.
/// - EIP-1559: `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data,
///   accessList, yParity, r, s])`.
///
/// The sender is not stored: ``sender()`` recovers it from ``signingHash`` and ``signature``.
public struct SignedTransaction: Hashable, Sendable {
    /// The signed fields.
    public let transaction: Transaction
    /// The sender's signature over ``Transaction/signingHash``; s is low (EIP-2).
    public let signature: ECDSASignature

    /// Pairs a transaction with a signature over its signing hash (not verified here).
    /// - Throws: `invalid_signature` when s is above n/2 (EIP-2): nodes refuse such transactions.
    public init(transaction: Transaction, signature: ECDSASignature) throws(EVMError) {
        guard signature.hasLowS else {
            throw EVMError(
                .invalidSignature, "s is above n/2 (EIP-2); use the low-s form n − s and flip the y parity")
        }
        self.transaction = transaction
        self.signature = signature
    }

    /// The digest the sender signed (``Transaction/signingHash``): with ``signature``, the input to sender recovery.
    public var signingHash: [UInt8] { transaction.signingHash }

    /// The signature's v as the encoding carries it: `chainId · 2 + 35 + yParity` for legacy transactions (EIP-155),
    /// the y parity (0 or 1) for typed ones (EIP-2930, EIP-1559).
    public var v: UInt256 {
        guard case .legacy(let tx) = transaction else { return UInt256(UInt64(signature.yParity)) }
        return Self.legacyV(chainId: tx.chainId, yParity: signature.yParity)
    }

    /// `chainId · 2 + 35 + yParity`, which fits easily in 256 bits for a 64-bit chain id.
    static func legacyV(chainId: UInt64, yParity: UInt8) -> UInt256 {
        let (doubled, _) = UInt256(chainId).multipliedReportingOverflow(by: UInt256(2))
        let (v, _) = doubled.addingReportingOverflow(UInt256(35 + UInt64(yParity)))
        return v
    }

    /// The raw transaction (EIP-2718): the RLP list for legacy, the type byte and the RLP list for typed ones.
    public var rawTransaction: [UInt8] {
        let signatureFields: [RLP.Item] = [.uint(v), .uint(signature.r), .uint(signature.s)]
        switch transaction {
        case .legacy:
            return RLP.encode(.list(transaction.unsignedFields + signatureFields))
        case .eip2930, .eip1559:
            return [transaction.type ?? 0] + RLP.encode(.list(transaction.unsignedFields + signatureFields))
        }
    }

    /// The transaction hash: `keccak256(rawTransaction)` (EIP-2718), as block explorers and JSON-RPC show it.
    public var hash: [UInt8] { Keccak256.hash(rawTransaction) }

    // MARK: Decoding

    /// Decodes a raw transaction (legacy EIP-155, EIP-2930 or EIP-1559), refusing anything ``rawTransaction`` would
    /// not have produced.
    ///
    /// - Parameters:
    ///   - raw: The bytes as `eth_sendRawTransaction` takes them.
    ///   - chainId: When given, the transaction must be for this chain.
    /// - Throws: ``EVMError`` with an offset where one applies:
    ///   `unsupported_transaction_type` for a type byte other than 0x01 and 0x02 (EIP-2718 types 0x00–0x7f);
    ///   `invalid_rlp` / `non_canonical_rlp` for malformed or non-canonical RLP (integers with leading zeros
    ///   included); `invalid_transaction` for a wrong number or shape of fields, a quantity that does not fit, a
    ///   pre-EIP-155 legacy transaction (v = 27 or 28) or the wrong chain; `invalid_signature` for a v that is not
    ///   `chainId · 2 + 35 + {0, 1}`, a y parity other than 0 or 1, r or s outside [1, n) or a high s (EIP-2).
    public static func decode(raw: [UInt8], chainId: UInt64? = nil) throws(EVMError) -> SignedTransaction {
        guard let first = raw.first else {
            throw EVMError(.invalidTransaction, "the raw transaction is empty")
        }
        let decoded: SignedTransaction
        switch first {
        case 0xC0...0xFF:
            decoded = try decodeLegacy(RLP.decodeLocated(raw))
        case 0x01, 0x02:
            decoded = try decodeTyped(first, RLP.decodeLocated(Array(raw.dropFirst()), base: 1))
        case 0x00...0x7F:
            throw EVMError(
                .unsupportedTransactionType,
                "transaction type 0x\(Hex.encode([first], prefix: false)) is not supported; only legacy, 0x01 "
                    + "(EIP-2930) and 0x02 (EIP-1559) are",
                offset: 0)
        default:
            throw EVMError(
                .invalidTransaction,
                "a raw transaction starts with a type byte (0x00–0x7f, EIP-2718) or an RLP list (legacy); this starts "
                    + "with an RLP string",
                offset: 0)
        }
        if let chainId, decoded.transaction.chainId != chainId {
            throw EVMError(
                .invalidTransaction,
                "the transaction is signed for chain \(decoded.transaction.chainId), not chain \(chainId)")
        }
        return decoded
    }

    private static func decodeLegacy(_ root: RLP.Located) throws(EVMError) -> SignedTransaction {
        let fields = try FieldReader(root, count: 9, kind: "a legacy transaction")
        let vOffset = fields.offset(6)
        let v = try fields.uint256(6, "v")
        guard v != UInt256(27), v != UInt256(28) else {
            throw EVMError(
                .invalidTransaction,
                "a legacy transaction with v = 27 or 28 predates EIP-155: it names no chain, so it is replayable on "
                    + "every chain; re-sign it with a chain id",
                offset: vOffset)
        }
        let (excess, below) = v.subtractingReportingOverflow(UInt256(35))
        // excess = chainId · 2 + yParity; chainId must fit in 64 bits, so excess < 2⁶⁵.
        guard !below, excess.limbs.l2 | excess.limbs.l3 == 0, excess.limbs.l1 <= 1 else {
            throw EVMError(
                .invalidSignature,
                "v must be chainId · 2 + 35 + yParity (EIP-155) with a 64-bit chain id; got \(v)", offset: vOffset)
        }
        let chainId = excess.limbs.l1 << 63 | excess.limbs.l0 >> 1
        let yParity = UInt8(excess.limbs.l0 & 1)
        let transaction = LegacyTransaction(
            chainId: chainId, nonce: try fields.uint64(0, "nonce"), gasPrice: try fields.uint256(1, "gasPrice"),
            gasLimit: try fields.uint64(2, "gasLimit"), to: try fields.recipient(3),
            value: try fields.uint256(4, "value"), data: try fields.bytes(5, "data"))
        return try signed(.legacy(transaction), fields: fields, yParity: yParity, from: 7)
    }

    private static func decodeTyped(_ type: UInt8, _ root: RLP.Located) throws(EVMError) -> SignedTransaction {
        let transaction: Transaction
        let fields: FieldReader
        if type == 0x01 {
            fields = try FieldReader(root, count: 11, kind: "an EIP-2930 transaction")
            transaction = .eip2930(
                EIP2930Transaction(
                    chainId: try fields.uint64(0, "chainId"), nonce: try fields.uint64(1, "nonce"),
                    gasPrice: try fields.uint256(2, "gasPrice"), gasLimit: try fields.uint64(3, "gasLimit"),
                    to: try fields.recipient(4), value: try fields.uint256(5, "value"),
                    data: try fields.bytes(6, "data"), accessList: try fields.accessList(7)))
        } else {
            fields = try FieldReader(root, count: 12, kind: "an EIP-1559 transaction")
            transaction = .eip1559(
                EIP1559Transaction(
                    chainId: try fields.uint64(0, "chainId"), nonce: try fields.uint64(1, "nonce"),
                    maxPriorityFeePerGas: try fields.uint256(2, "maxPriorityFeePerGas"),
                    maxFeePerGas: try fields.uint256(3, "maxFeePerGas"), gasLimit: try fields.uint64(4, "gasLimit"),
                    to: try fields.recipient(5), value: try fields.uint256(6, "value"),
                    data: try fields.bytes(7, "data"), accessList: try fields.accessList(8)))
        }
        let parityIndex = fields.count - 3
        let yParity = try fields.uint256(parityIndex, "yParity")
        guard yParity.isZero || yParity == UInt256(1) else {
            throw EVMError(
                .invalidSignature, "yParity must be 0 or 1; got \(yParity)", offset: fields.offset(parityIndex))
        }
        return try signed(transaction, fields: fields, yParity: UInt8(yParity.limbs.l0), from: parityIndex + 1)
    }

    /// Reads r and s at `index` and `index + 1` and pairs the signature with the transaction.
    private static func signed(
        _ transaction: Transaction, fields: FieldReader, yParity: UInt8, from index: Int
    ) throws(EVMError) -> SignedTransaction {
        let r = try fields.uint256(index, "r")
        let s = try fields.uint256(index + 1, "s")
        do {
            let signature = try ECDSASignature(r: r, s: s, yParity: yParity)
            return try SignedTransaction(transaction: transaction, signature: signature)
        } catch {
            throw EVMError(error.code, error.message, offset: fields.offset(index))
        }
    }
}

// MARK: - Reading fields

/// The items of a transaction's RLP list, read with offsets and field names in every error.
private struct FieldReader {
    let items: [RLP.Located]

    var count: Int { items.count }

    init(_ root: RLP.Located, count: Int, kind: String) throws(EVMError) {
        guard case .list(let items) = root.payload else {
            throw EVMError(.invalidTransaction, "\(kind) is an RLP list; found a string", offset: root.offset)
        }
        guard items.count == count else {
            throw EVMError(
                .invalidTransaction, "\(kind) has \(count) fields; found \(items.count)", offset: root.offset)
        }
        self.items = items
    }

    func offset(_ index: Int) -> Int { items[index].offset }

    func bytes(_ index: Int, _ name: String) throws(EVMError) -> [UInt8] {
        guard case .bytes(let bytes) = items[index].payload else {
            throw EVMError(.invalidTransaction, "\(name) must be a byte string; found a list", offset: offset(index))
        }
        return bytes
    }

    func uint256(_ index: Int, _ name: String) throws(EVMError) -> UInt256 {
        let bytes = try bytes(index, name)
        guard bytes.count <= 32 else {
            throw EVMError(
                .invalidTransaction, "\(name) is \(bytes.count) bytes; at most 32 fit in 256 bits",
                offset: offset(index))
        }
        return try RLP.uint256(bytes, what: name, offset: offset(index))
    }

    func uint64(_ index: Int, _ name: String) throws(EVMError) -> UInt64 {
        guard let value = try uint256(index, name).uint64 else {
            throw EVMError(.invalidTransaction, "\(name) must fit in 64 bits", offset: offset(index))
        }
        return value
    }

    /// `to`: empty for a contract creation, else 20 bytes.
    func recipient(_ index: Int) throws(EVMError) -> EthereumAddress? {
        let bytes = try bytes(index, "to")
        if bytes.isEmpty { return nil }
        guard bytes.count == 20, let address = try? EthereumAddress(bytes: bytes) else {
            throw EVMError(
                .invalidTransaction, "to must be 20 bytes, or empty for a contract creation; got \(bytes.count) bytes",
                offset: offset(index))
        }
        return address
    }

    /// `[[address, [storageKey, ...]], ...]` (EIP-2930).
    func accessList(_ index: Int) throws(EVMError) -> [AccessListEntry] {
        guard case .list(let entries) = items[index].payload else {
            throw EVMError(.invalidTransaction, "the access list must be an RLP list", offset: offset(index))
        }
        var result = [AccessListEntry]()
        for entry in entries {
            guard case .list(let pair) = entry.payload, pair.count == 2, case .bytes(let address) = pair[0].payload,
                case .list(let keys) = pair[1].payload
            else {
                throw EVMError(
                    .invalidTransaction, "an access-list entry is [address, [storageKey, ...]]", offset: entry.offset)
            }
            guard address.count == 20, let account = try? EthereumAddress(bytes: address) else {
                throw EVMError(
                    .invalidTransaction, "an access-list address is 20 bytes; got \(address.count)",
                    offset: pair[0].offset)
            }
            var storageKeys = [[UInt8]]()
            for key in keys {
                guard case .bytes(let slot) = key.payload, slot.count == 32 else {
                    throw EVMError(
                        .invalidTransaction, "an access-list storage key is a 32-byte string", offset: key.offset)
                }
                storageKeys.append(slot)
            }
            do {
                result.append(try AccessListEntry(address: account, storageKeys: storageKeys))
            } catch {
                throw EVMError(error.code, error.message, offset: entry.offset)
            }
        }
        return result
    }
}
