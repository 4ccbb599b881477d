import ChainKit
import Foundation

// MARK: - Attestations

/// A statement the guardian signs with the wallet's current guardian key, for an on-chain governance program or
/// anyone else to verify: a Solana off-chain message (header version 0, application domain
/// ``GuardianConfiguration/Governance/attestationDomain``, one signer — the guardian) whose body is `Key: value` lines.
///
/// Body, for example:
/// ```
/// Chronoguard attestation v1
/// Action: schedule_rotation
/// Wallet: <base58>
/// Guardian: <base58, the signer>
/// Sequence: 3
/// Rotation: emergency
/// New Guardian: <base58>
/// Execute After: 2026-11-25T21:00:00Z
/// Issued At: 2026-11-22T21:00:00Z
/// ```
/// Times are RFC 3339 UTC with seconds; the JSON response carries them as Unix seconds too.
public struct SignedAttestation: Sendable, Hashable {
    /// The body text.
    public let text: String
    /// The serialized off-chain message — the exact bytes signed (signing domain, preamble, body).
    public let message: [UInt8]
    /// Ed25519 signature over ``message`` (RFC 8032 §5.1.6).
    public let signature: SolanaSignature
    /// The guardian key that signed.
    public let signer: SolanaPublicKey

    /// The first line of every body.
    public static let header = "Chronoguard attestation v1"

    /// Builds the body from `fields` (in order) and signs it in the off-chain message format.
    static func sign(_ fields: [(String, String)], domain: SolanaPublicKey, with guardian: SolanaKeypair)
        throws(GuardianError) -> SignedAttestation
    {
        let text = ([header] + fields.map { "\($0.0): \($0.1)" }).joined(separator: "\n")
        do {
            let message = try SolanaOffchainMessage(
                applicationDomain: domain, signers: [guardian.publicKey], text: text)
            let signature = try message.sign(with: guardian)
            return SignedAttestation(
                text: text, message: message.serializedBytes, signature: signature, signer: guardian.publicKey)
        } catch {
            throw .internal("signing the attestation failed: \(error)")
        }
    }

    /// RFC 3339 UTC with whole seconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }
}
