import Crypto

// MARK: - Verification

extension SolanaPublicKey {
    /// Verifies an Ed25519 signature by this key over `message` (RFC 8032 §5.1.7).
    ///
    /// Returns `false` — never throws — for a malformed key or signature. Signatures with a
    /// non-canonical `S` (≥ the group order L) are rejected by the backend, as by the Solana runtime.
    public func isValidSignature<Bytes: Collection>(_ signature: SolanaSignature, for message: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else { return false }
        return key.isValidSignature(signature.bytes, for: Array(message))
    }
}
