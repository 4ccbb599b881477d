import ChainKit
import Foundation

// MARK: - Signing in

extension GuardianAPIClient {
    /// The longest challenge lifetime a client accepts: 5 minutes, the server's own bound.
    public static let maximumChallengeLifetime: TimeInterval = 300

    /// Signs in with the wallet's keypair: asks for a challenge, checks that the returned Sign In With Solana message
    /// is for this wallet, names the server's expected domain when one is given, and is fresh, then signs its UTF-8
    /// bytes with Ed25519 and trades the signature for a session.
    ///
    /// The checks matter: a wallet signs whatever text it is handed, so the client — not the server — must make sure
    /// the message says what it is supposed to (SIWS §"Security Considerations", as EIP-4361 §"Security Considerations").
    ///
    /// - Parameter expectedDomain: the authority the user means to sign in to; defaults to the base URL's host[:port].
    public func login(keypair: SolanaKeypair, expectedDomain: String? = nil, now: Date = Date()) async throws(GuardianAPIClientError) -> GuardianAPI.SessionResponse {
        let challenge = try await challenge(wallet: keypair.publicKey)
        let message: SIWSMessage
        do { message = try SIWSMessage(text: challenge.message) } catch {
            throw GuardianAPIClientError(code: "siws_mismatch", message: "The server's sign-in message is not a valid Sign In With Solana message (\(error)); refusing to sign it.")
        }
        let domain = expectedDomain ?? Self.authority(of: baseURL)
        guard message.address == keypair.publicKey else {
            throw GuardianAPIClientError(code: "siws_mismatch", message: "The sign-in message names wallet \(message.address), not \(keypair.publicKey); refusing to sign it.")
        }
        guard message.domain == domain else {
            throw GuardianAPIClientError(code: "siws_mismatch", message: "The sign-in message is for domain \(message.domain), not \(domain); refusing to sign it (pass the expected domain if the server sits behind another name).")
        }
        guard message.nonce == challenge.nonce,
              message.expirationTime.date.timeIntervalSince(message.issuedAt.date) <= Self.maximumChallengeLifetime + 1 else {
            throw GuardianAPIClientError(code: "siws_mismatch", message: "The sign-in message's nonce or lifetime is not what the server announced; refusing to sign it.")
        }
        let signature: SolanaSignature
        do { signature = try keypair.sign(message.messageBytes) } catch {
            throw GuardianAPIClientError(code: "signing_failed", message: "Signing the sign-in message failed: \(error).")
        }
        return try await verify(challengeId: challenge.challengeId, signature: signature)
    }

    /// `host[:port]` of a URL, as SIWS's `domain` spells an authority (RFC 3986 §3.2).
    static func authority(of url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}
