// MARK: - Signing

extension SolanaOffchainMessage {
    /// Signs the serialised message with Ed25519 (proposal §"Signing").
    ///
    /// - Throws: ``SolanaOffchainMessageError`` `signer_not_listed` when the keypair is not one of
    ///   ``signers``, or ``SolanaSigningError``.
    public func sign(with keypair: SolanaKeypair) throws -> SolanaSignature {
        guard signers.contains(keypair.publicKey) else {
            throw SolanaOffchainMessageError(
                .signerNotListed,
                "\(keypair.publicKey) is not among the message's signers; a key may only sign a message that names it.")
        }
        return try keypair.sign(serializedBytes)
    }

    /// Verifies `signature` by `signer` over the serialised message (proposal §"Verification").
    /// Returns `false` when `signer` is not among ``signers``.
    public func isValidSignature(_ signature: SolanaSignature, by signer: SolanaPublicKey) -> Bool {
        signers.contains(signer) && signer.isValidSignature(signature, for: serializedBytes)
    }
}
