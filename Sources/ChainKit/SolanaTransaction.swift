// MARK: - Transaction

/// A Solana transaction: `compact-u16(n) ‖ n × 64-byte signatures ‖ message`.
///
/// Reference: Solana SDK `solana-transaction`, `VersionedTransaction` (and legacy `Transaction`,
/// which has the same bytes for a legacy message), with `sanitize()` and the runtime's packet-size
/// limit. Signature `i` belongs to static account key `i`; an all-zero signature is an empty slot.
public struct SolanaTransaction: Hashable, Sendable {
    /// One signature per required signer, in signer order (empty slots are all zeros).
    public let signatures: [SolanaSignature]
    /// The signed message.
    public let message: SolanaMessage

    // MARK: Initialisers

    /// Wraps a message with its signature slots.
    ///
    /// - Parameters:
    ///   - message: A validated message.
    ///   - signatures: One per required signer; `nil` leaves every slot empty.
    /// - Throws: `signature_count_mismatch` when the count differs from `num_required_signatures`.
    public init(message: SolanaMessage, signatures: [SolanaSignature]? = nil) throws(SolanaWireError) {
        let required = Int(message.header.numRequiredSignatures)
        let slots = signatures ?? Array(repeating: .empty, count: required)
        guard slots.count == required else {
            throw SolanaWireError(
                .signatureCountMismatch,
                "The message requires \(required) signature(s) but \(slots.count) were given; supply one per required signer, using empty signatures for missing ones."
            )
        }
        self.message = message
        self.signatures = slots
    }

    /// Parses a serialised transaction that must span all of `wireBytes`.
    ///
    /// - Throws: ``SolanaWireError``: `transaction_too_large` (over 1232 bytes), `truncated`,
    ///   `shortvec_*`, `unsupported_version`, `trailing_bytes`, `signature_count_mismatch`, or any
    ///   rule of ``SolanaMessage/validate()``. Errors carry the byte offset where they were found.
    public init<Bytes: Collection>(wireBytes: Bytes) throws(SolanaWireError) where Bytes.Element == UInt8 {
        let bytes = Array(wireBytes)
        guard bytes.count <= SolanaMessage.packetDataSize else {
            throw SolanaWireError(
                .transactionTooLarge, at: SolanaMessage.packetDataSize,
                "The transaction is \(bytes.count) bytes, over the 1232-byte packet limit (1280-byte IPv6 MTU minus 48 bytes of headers); the network would drop it."
            )
        }
        var reader = WireReader(bytes)
        let count = try reader.readCount(elementSize: SolanaSignature.byteCount, "the signature list")
        var signatures: [SolanaSignature] = []
        signatures.reserveCapacity(count)
        for index in 0..<count {
            signatures.append(
                SolanaSignature(uncheckedBytes: try reader.readBytes(SolanaSignature.byteCount, "signature \(index)")))
        }
        let messageStart = reader.offset
        let message = try SolanaMessage.read(from: &reader)
        guard reader.remaining == 0 else {
            throw SolanaWireError(
                .trailingBytes, at: reader.offset,
                "\(reader.remaining) byte(s) follow the end of the transaction; a transaction must be exactly its serialised bytes."
            )
        }
        guard count == Int(message.header.numRequiredSignatures) else {
            throw SolanaWireError(
                .signatureCountMismatch, at: messageStart,
                "The transaction carries \(count) signature(s) but its message requires \(message.header.numRequiredSignatures); there must be exactly one slot per required signer."
            )
        }
        self.message = message
        self.signatures = signatures
    }

    // MARK: Wire bytes

    /// The serialised transaction, byte-for-byte as parsed (parsing accepts only canonical input).
    public func serialized() -> [UInt8] {
        var out = ShortVec.encode(UInt16(signatures.count))
        out.reserveCapacity(message.transactionByteCount)
        for signature in signatures { out += signature.bytes }
        out += message.serializedBytes
        return out
    }

    /// The exact bytes every signer signs: the serialised message.
    public var messageBytes: [UInt8] { message.serializedBytes }

    // MARK: Accessors

    /// The blockhash (or durable nonce) the transaction is valid against.
    public var recentBlockhash: SolanaBlockhash { message.recentBlockhash }

    /// The keys that must sign, in signature-slot order.
    public var requiredSigners: [SolanaPublicKey] { message.requiredSigners }

    /// The signature slot of `key`, or `nil` when `key` is not a required signer.
    public func signerIndex(of key: SolanaPublicKey) -> Int? { message.signerIndex(of: key) }

    /// Whether every signature slot is filled (not necessarily with a valid signature).
    public var isFullySigned: Bool { !signatures.contains { $0.isEmpty } }
}
