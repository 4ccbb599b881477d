// MARK: - Signing

extension SolanaTransaction {
    /// Returns a copy with `signature` placed in the slot of `signer`.
    ///
    /// The signature is placed as given; call ``verifySignatures()`` to check it.
    ///
    /// - Throws: `signer_not_found` when `signer` is not a required signer.
    public func settingSignature(_ signature: SolanaSignature, for signer: SolanaPublicKey) throws(SolanaWireError)
        -> SolanaTransaction
    {
        guard let slot = signerIndex(of: signer) else {
            throw SolanaWireError(
                .signerNotFound,
                "\(signer) is not among the transaction's \(requiredSigners.count) required signer(s); only a required signer's slot can be filled."
            )
        }
        var slots = signatures
        slots[slot] = signature
        return try SolanaTransaction(message: message, signatures: slots)
    }

    /// Signs the message with `keypair` and places the signature in the keypair's slot.
    ///
    /// - Throws: ``SolanaWireError`` (`signer_not_found`) or ``SolanaSigningError``.
    public func signing(with keypair: SolanaKeypair) throws -> SolanaTransaction {
        guard signerIndex(of: keypair.publicKey) != nil else {
            throw SolanaWireError(
                .signerNotFound,
                "\(keypair.publicKey) is not among the transaction's required signers; it cannot sign this transaction."
            )
        }
        return try settingSignature(keypair.sign(messageBytes), for: keypair.publicKey)
    }

    // MARK: Verification

    /// The state of one signature slot.
    public enum SignatureStatus: String, Hashable, Sendable {
        /// The slot holds the all-zero placeholder.
        case empty
        /// The slot holds a valid Ed25519 signature by its signer over the message.
        case valid
        /// The slot holds bytes that are not a valid signature by its signer over the message.
        case invalid
    }

    /// One signature slot with its signer and status.
    public struct SignatureSlot: Hashable, Sendable {
        /// The slot index (equal to the signer's static account index).
        public let index: Int
        /// The key that must sign this slot.
        public let signer: SolanaPublicKey
        /// The signature in the slot.
        public let signature: SolanaSignature
        /// Whether the slot is empty, valid or invalid.
        public let status: SignatureStatus
    }

    /// Verifies every filled signature slot against its signer and the message bytes.
    public func verifySignatures() -> [SignatureSlot] {
        let bytes = messageBytes
        return zip(requiredSigners, signatures).enumerated().map { index, pair in
            let (signer, signature) = pair
            let status: SignatureStatus =
                signature.isEmpty
                ? .empty
                : (signer.isValidSignature(signature, for: bytes) ? .valid : .invalid)
            return SignatureSlot(index: index, signer: signer, signature: signature, status: status)
        }
    }

    /// Whether every slot holds a valid signature.
    public var isFullyVerified: Bool { verifySignatures().allSatisfy { $0.status == .valid } }
}
