import ChainKit
import Crypto
import Foundation

// MARK: - Sign-in results

/// A sign-in challenge: the Sign In With Solana text the wallet must sign, and the id to answer with.
public struct LoginChallenge: Sendable, Hashable {
    /// The id to send back with the signature (also the message's `Request ID`).
    public let id: String
    /// The wallet that must sign.
    public let wallet: SolanaPublicKey
    /// The exact text to sign (UTF-8), in the SIWS format.
    public let message: String
    /// The single-use nonce inside the message.
    public let nonce: String
    /// When the challenge stops being accepted (the message's `Expiration Time`).
    public let expiresAt: Date
}

/// A new session: the bearer token is shown once; the service keeps only its SHA-256.
public struct SessionGrant: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// 256 random bits as unpadded Base64url (RFC 4648 §5), 43 characters. Secret: never log it.
    public let token: String
    /// The wallet the session is bound to.
    public let wallet: SolanaPublicKey
    /// When the session ends (15 minutes after sign-in by default).
    public let expiresAt: Date

    public var description: String { "SessionGrant(wallet: \(wallet), expiresAt: \(expiresAt), token: redacted)" }
    public var debugDescription: String { description }
}

/// An authenticated session, produced only by ``GuardianService/authenticate(token:)`` (so it cannot be forged by
/// code outside the module).
public struct Session: Sendable, Hashable, CustomStringConvertible {
    /// The wallet that signed in.
    public let wallet: SolanaPublicKey
    /// When the session ends.
    public let expiresAt: Date
    let tokenHash: [UInt8]

    public var description: String { "Session(wallet: \(wallet), expiresAt: \(expiresAt))" }
}

// MARK: - Sign-in

extension GuardianService {
    /// 256-bit session tokens (the issue: "random 256-bit").
    static let sessionTokenByteCount = 32

    /// Starts a sign-in: returns a SIWS message for `wallet` with a fresh single-use nonce, valid for the configured
    /// lifetime (≤ 5 minutes).
    ///
    /// Challenges cost a stored row: charge the caller's per-IP bucket first (``admit(clientIP:)``).
    ///
    /// - Throws: `invalid_wallet_address`, storage errors.
    public func challenge(wallet walletText: String) async throws(GuardianError) -> LoginChallenge {
        let wallet = try Self.parseWallet(walletText)
        let now = clock.now()
        let signIn = configuration.signIn
        let id = SecureRandom.hexIdentifier()
        let nonce = SecureRandom.alphanumeric(configuration.nonceLength)
        let message: SIWSMessage
        do {
            message = try SIWSMessage(
                domain: signIn.domain, address: wallet, statement: signIn.statement, uri: signIn.uri,
                chainID: signIn.chainID,
                nonce: nonce, issuedAt: SIWSTimestamp(now, rounding: .down),
                expirationTime: SIWSTimestamp(now.addingTimeInterval(signIn.challengeLifetime), rounding: .down),
                requestID: id)
        } catch {
            throw .internal("building the SIWS message failed: \(error)")
        }
        let stored = StoredChallenge(
            id: id, wallet: wallet, message: message.text, nonce: nonce, issuedAt: message.issuedAt.date,
            expiresAt: message.expirationTime.date)
        try await storage { try await store.insertChallenge(stored) }
        return LoginChallenge(id: id, wallet: wallet, message: message.text, nonce: nonce, expiresAt: stored.expiresAt)
    }

    /// Finishes a sign-in: checks the wallet's Ed25519 signature over the challenge text, consumes the nonce and
    /// opens a 15-minute session bound to the wallet.
    ///
    /// A challenge answers at most one successful verification; a wrong signature does not consume it (only the
    /// wallet's key can produce a right one, so there is nothing to guess).
    ///
    /// - Throws: `challenge_not_found`, `nonce_reused`, `challenge_expired`, `invalid_signature`, storage errors.
    public func verifyChallenge(id: String, signature: SolanaSignature) async throws(GuardianError) -> SessionGrant {
        do {
            let grant = try await verifyChallengeBody(id: id, signature: signature)
            metrics.loginFinished(failure: nil)
            return grant
        } catch {
            metrics.loginFinished(failure: error.code)
            throw error
        }
    }

    /// ``verifyChallenge(id:signature:)`` with the signature as text: Base58 (Solana's usual form) or standard
    /// Base64 with padding (RFC 4648 §4).
    public func verifyChallenge(id: String, signature text: String) async throws(GuardianError) -> SessionGrant {
        guard let signature = Self.parseSignature(text) else {
            metrics.loginFinished(failure: .invalidSignature)
            throw GuardianError(
                .invalidSignature,
                "The signature is not 64 bytes of Base58 or padded Base64; send the wallet's signature of the challenge message."
            )
        }
        return try await verifyChallenge(id: id, signature: signature)
    }

    /// An Ed25519 signature from Base58 or padded standard Base64 text; nil when it is neither or not 64 bytes.
    public static func parseSignature(_ text: String) -> SolanaSignature? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 100 else { return nil }
        if !trimmed.contains(where: { $0 == "+" || $0 == "/" || $0 == "=" }),
            let signature = try? SolanaSignature(base58: trimmed)
        {
            return signature
        }
        if let data = Data(base64Encoded: trimmed), let signature = try? SolanaSignature(bytes: data) {
            return signature
        }
        return nil
    }

    private func verifyChallengeBody(id: String, signature: SolanaSignature) async throws(GuardianError) -> SessionGrant
    {
        // A governance challenge's signature authorises one action, never a session.
        guard id.utf8.count <= 64, let stored = try await storage({ try await store.challenge(id: id) }),
            stored.purpose == StoredChallenge.loginPurpose
        else {
            throw GuardianError(.challengeNotFound, "No such sign-in challenge; request a new one.")
        }
        guard stored.consumedAt == nil else {
            throw GuardianError(.nonceReused, "This sign-in challenge has already been used; request a new one.")
        }
        let now = clock.now()
        guard now < stored.expiresAt else {
            throw GuardianError(
                .challengeExpired,
                "The sign-in challenge expired; request a new one and sign it within \(Int(configuration.signIn.challengeLifetime)) s."
            )
        }
        let message: SIWSMessage
        do { message = try SIWSMessage(text: stored.message) } catch {
            throw .internal("stored challenge does not parse: \(error)")
        }
        do {
            try message.verify(
                signature: signature, expectedDomain: configuration.signIn.domain, expectedNonce: stored.nonce, at: now)
        } catch {
            switch error.code {
            case .expired, .notYetValid, .issuedInFuture:
                throw GuardianError(
                    .challengeExpired, "The sign-in challenge is not valid at this time; request a new one.")
            case .invalidSignature:
                throw GuardianError(
                    .invalidSignature,
                    "The signature is not the wallet's Ed25519 signature of the challenge text; sign the exact message returned by the challenge."
                )
            default:
                throw .internal("stored challenge failed verification: \(error.code.rawValue)")
            }
        }
        guard message.address == stored.wallet else { throw .internal("challenge address mismatch") }

        var token = SecureRandom.bytes(Self.sessionTokenByteCount)
        defer { wipe(&token) }
        let session = StoredSession(
            tokenHash: Self.hashToken(token), wallet: stored.wallet, createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.sessionLifetime))
        let event = AuditEvent(.loginSucceeded, at: now, wallet: stored.wallet, detail: ["challenge_id": stored.id])
        let consumed = try await storage {
            try await store.completeLogin(
                challengeID: stored.id, consumedAt: now, session: session, audit: audit(event))
        }
        guard consumed else {
            throw GuardianError(.nonceReused, "This sign-in challenge has already been used; request a new one.")
        }
        return SessionGrant(token: Self.base64URL(token), wallet: stored.wallet, expiresAt: session.expiresAt)
    }

    /// Resolves a bearer token to its session.
    /// - Throws: `session_invalid` when the token is malformed, unknown or expired.
    public func authenticate(token: String) async throws(GuardianError) -> Session {
        let hash = try Self.sessionTokenHash(token)
        return try liveSession(try await storage { try await store.session(tokenHash: hash) }, tokenHash: hash)
    }

    /// The SHA-256 under which a well-formed token's session is stored; `session_invalid` for a malformed token.
    static func sessionTokenHash(_ token: String) throws(GuardianError) -> [UInt8] {
        guard let raw = decodeBase64URL(token), raw.count == sessionTokenByteCount else {
            throw GuardianError.sessionInvalid
        }
        return hashToken(raw)
    }

    /// The session for a stored row, if it exists and has not expired; `session_invalid` otherwise.
    func liveSession(_ stored: StoredSession?, tokenHash: [UInt8]) throws(GuardianError) -> Session {
        guard let stored, clock.now() < stored.expiresAt else { throw GuardianError.sessionInvalid }
        return Session(wallet: stored.wallet, expiresAt: stored.expiresAt, tokenHash: tokenHash)
    }

    /// Ends a session before it expires.
    public func logout(_ session: Session) async throws(GuardianError) {
        let event = AuditEvent(.sessionRevoked, at: clock.now(), wallet: session.wallet)
        _ = try await storage { try await store.deleteSession(tokenHash: session.tokenHash, audit: audit(event)) }
    }

    // MARK: Token encoding

    static func hashToken(_ token: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: token)) }

    static func base64URL(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }

    static func decodeBase64URL(_ text: String) -> [UInt8]? { Base64URL.decode(text, maximumLength: 64) }
}
