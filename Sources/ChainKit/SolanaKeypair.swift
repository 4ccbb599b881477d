import Crypto

// MARK: - Ed25519 keypair

/// An Ed25519 signing key for Solana (RFC 8032 §5.1, "PureEdDSA" Ed25519), backed by
/// swift-crypto's `Curve25519.Signing` (CryptoKit on Apple platforms, BoringSSL elsewhere).
///
/// Solana signs raw message bytes with plain Ed25519 — no prehash, no context. Signatures made on
/// Apple platforms may be randomised (hedged) by CryptoKit; they verify like deterministic RFC 8032
/// signatures, but do not assume equal inputs give equal signatures.
public struct SolanaKeypair: Sendable {
    /// Length of an Ed25519 private-key seed (RFC 8032 §5.1.5).
    public static let seedByteCount = 32

    /// Length of Solana's keypair format (`Keypair::to_bytes`, `solana-keygen` JSON files): the
    /// 32-byte seed followed by the 32-byte public key.
    public static let keypairByteCount = seedByteCount + SolanaPublicKey.byteCount

    private let privateKey: Curve25519.Signing.PrivateKey

    /// The public key (the account address).
    public let publicKey: SolanaPublicKey

    /// Generates a new random keypair from the system's secure random source.
    public init() {
        self.init(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Restores a keypair from its 32-byte seed (the RFC 8032 private key).
    ///
    /// - Throws: ``SolanaSigningError`` with code `invalid_seed` for any other length.
    public init<Bytes: Collection>(seed: Bytes) throws(SolanaSigningError) where Bytes.Element == UInt8 {
        let bytes = Array(seed)
        guard bytes.count == Self.seedByteCount,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        else {
            throw SolanaSigningError(
                .invalidSeed, "An Ed25519 seed is exactly 32 bytes, but \(bytes.count) were given.")
        }
        self.init(privateKey: key)
    }

    /// Restores a keypair from Solana's 64-byte format (seed ‖ public key), checking that the
    /// public key half matches the seed.
    ///
    /// - Throws: ``SolanaSigningError`` with code `invalid_seed` or `keypair_mismatch`.
    public init<Bytes: Collection>(keypairBytes: Bytes) throws(SolanaSigningError) where Bytes.Element == UInt8 {
        let bytes = Array(keypairBytes)
        guard bytes.count == Self.keypairByteCount else {
            throw SolanaSigningError(
                .invalidSeed,
                "A Solana keypair is 64 bytes (32-byte seed then 32-byte public key), but \(bytes.count) were given.")
        }
        try self.init(seed: bytes[0..<Self.seedByteCount])
        guard publicKey.bytes == Array(bytes[Self.seedByteCount...]) else {
            throw SolanaSigningError(
                .keypairMismatch,
                "The public key half of the keypair does not belong to its seed; the keypair file is corrupt or was assembled from different keys."
            )
        }
    }

    private init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.publicKey = SolanaPublicKey(uncheckedBytes: Array(privateKey.publicKey.rawRepresentation))
    }

    /// The 32-byte seed. Handle with care: it is the secret key.
    public var seed: [UInt8] { Array(privateKey.rawRepresentation) }

    /// Signs `message` with Ed25519 (RFC 8032 §5.1.6).
    ///
    /// - Throws: ``SolanaSigningError`` with code `signing_failed` if the crypto backend fails.
    public func sign<Bytes: Collection>(_ message: Bytes) throws(SolanaSigningError) -> SolanaSignature
    where Bytes.Element == UInt8 {
        do {
            let signature = try privateKey.signature(for: Array(message))
            return SolanaSignature(uncheckedBytes: Array(signature))
        } catch {
            throw SolanaSigningError(.signingFailed, "The Ed25519 backend failed to sign: \(error).")
        }
    }
}
