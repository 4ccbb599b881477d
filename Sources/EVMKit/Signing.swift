// MARK: - Signing and sender recovery

extension Transaction {
    /// Signs the transaction's ``signingHash`` (EIP-155 for legacy, EIP-2718 typed payload otherwise) with `key`.
    public func signed(by key: Secp256k1PrivateKey) throws(EVMError) -> SignedTransaction {
        try signed(with: key.sign(digest: signingHash))
    }
}

extension SignedTransaction {
    /// The sender: the address whose key recovers from ``signingHash`` and ``signature`` (Yellow Paper §4.2, the
    /// sender function S(T); `ecrecover`).
    public func sender() throws(EVMError) -> EthereumAddress {
        try Secp256k1PublicKey.recover(digest: signingHash, signature: signature).address
    }
}

extension PersonalMessage {
    /// Signs `message` as `personal_sign` does (EIP-191 version 0x45): the 65-byte r ‖ s ‖ v with v = 27 + parity.
    public static func sign<Bytes: Collection<UInt8>>(_ message: Bytes, with key: Secp256k1PrivateKey) throws(EVMError)
        -> ECDSASignature
    {
        try key.sign(digest: hash(message))
    }

    /// The address that signed `message` with `signature` under EIP-191 `personal_sign`.
    public static func signer<Bytes: Collection<UInt8>>(of message: Bytes, signature: ECDSASignature) throws(EVMError)
        -> EthereumAddress
    {
        try Secp256k1PublicKey.recover(digest: hash(message), signature: signature).address
    }
}

extension TypedData {
    /// Signs the EIP-712 digest keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)) (EIP-712 §"Specification
    /// of the eth_signTypedData JSON RPC").
    public func sign(with key: Secp256k1PrivateKey) throws(EVMError) -> ECDSASignature {
        try key.sign(digest: signingHash())
    }

    /// The address that signed this typed data with `signature`.
    public func signer(of signature: ECDSASignature) throws(EVMError) -> EthereumAddress {
        try Secp256k1PublicKey.recover(digest: signingHash(), signature: signature).address
    }
}
