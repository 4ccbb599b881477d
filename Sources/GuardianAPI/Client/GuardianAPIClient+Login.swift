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
    public func login(
        keypair: SolanaKeypair, expectedDomain: String? = nil, expectedStatement: String? = GuardianAPI.signInStatement,
        now: Date = Date()
    ) async throws(GuardianAPIClientError) -> GuardianAPI.SessionResponse {
        let challenge = try await challenge(wallet: keypair.publicKey)
        let message = try Self.checkedMessage(
            challenge.message, purpose: "sign-in", wallet: keypair.publicKey,
            domain: expectedDomain ?? Self.authority(of: baseURL),
            statement: expectedStatement, nonce: challenge.nonce, requestID: challenge.challengeId, now: now)
        let signature: SolanaSignature
        do { signature = try keypair.sign(message.messageBytes) } catch {
            throw GuardianAPIClientError(
                code: "signing_failed", message: "Signing the sign-in message failed: \(error).")
        }
        return try await verify(challengeId: challenge.challengeId, signature: signature)
    }

    /// Parses a Sign In With Solana message a server handed over for signing and checks every field the signature
    /// would vouch for, so that a hostile or spoofed server cannot get one kind of message signed as another (a
    /// `reenroll` authorisation passed off as a sign-in, say): the wallet, the domain the user means, the exact
    /// statement, the request id (the challenge's id), the nonce the
    /// server announced, and a lifetime of at most 5 minutes that has not ended. The text must be exactly the message's
    /// canonical form, so nothing hides in what is signed but not parsed.
    static func checkedMessage(
        _ text: String, purpose: String, wallet: SolanaPublicKey, domain: String, statement: String?, nonce: String?,
        requestID: String?, now: Date
    ) throws(GuardianAPIClientError) -> SIWSMessage {
        func refuse(_ reason: String) -> GuardianAPIClientError {
            GuardianAPIClientError(
                code: "siws_mismatch", message: "The server's \(purpose) message \(reason); refusing to sign it.")
        }
        let message: SIWSMessage
        do { message = try SIWSMessage(text: text) } catch {
            throw refuse("is not a valid Sign In With Solana message (\(error))")
        }
        guard message.text == text else { throw refuse("is not in canonical form") }
        guard message.address == wallet else { throw refuse("names wallet \(message.address), not \(wallet)") }
        guard message.domain == domain else {
            throw refuse(
                "is for domain \(message.domain), not \(domain) (pass the expected domain if the server sits behind another name)"
            )
        }
        guard let uriHost = URL(string: message.uri).map(authority(of:)), uriHost == domain else {
            throw refuse("has URI \(message.uri), which is not on \(domain)")
        }
        guard message.statement == statement else {
            throw refuse("says \"\(message.statement ?? "")\" where \"\(statement ?? "")\" was expected")
        }
        guard message.requestID == requestID else {
            throw refuse("carries a request id that does not belong to this \(purpose)")
        }
        guard message.resources == nil else { throw refuse("lists resources; a guardian message never does") }
        if let nonce, message.nonce != nonce { throw refuse("has another nonce than the server announced") }
        let lifetime = message.expirationTime.date.timeIntervalSince(message.issuedAt.date)
        guard lifetime > 0, lifetime <= maximumChallengeLifetime + 1, message.expirationTime.date > now else {
            throw refuse("has expired or has a lifetime over \(Int(maximumChallengeLifetime)) s")
        }
        return message
    }

    /// `host[:port]` of a URL, as SIWS's `domain` spells an authority (RFC 3986 §3.2).
    static func authority(of url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}
