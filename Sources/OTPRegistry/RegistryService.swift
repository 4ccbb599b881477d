import Crypto
import EVMKit
import Foundation
import OTP
import QRCode

// MARK: - The issuer service

/// The issuer's domain logic, independent of HTTP: Sign-In with Ethereum (EIP-4361) sessions, enrollment of an
/// authenticator (RFC 6238 TOTP, HMAC-SHA256, 60 s, 6 digits — seed 002's parameters), issuing requests (token bucket,
/// request id, salted commitment, `setOtp`) and releasing a request's salt against its code.
///
/// The salt rule (docs/registry.md, "Why the salt needs the code"): whoever holds a request's salt recovers its
/// code from the on-chain commitment with 10⁶ hashes. A session proves only the wallet key, so the salt is released
/// only to a caller that also presents the request's code — the second factor — within the contract's three tries.
public struct RegistryService: Sendable {
    /// What the service is bound to.
    public struct Configuration: Sendable {
        /// The application name in the issuer seed's label (`otp/seed/<app>`) and the authenticator's issuer.
        public var app: String = "chronoguard-registry"
        /// The SIWE origin (EIP-4361 `domain`, RFC 3986 authority) and `uri` the service issues and checks.
        public var signInDomain: String
        public var signInURI: String
        /// The chain the registry lives on (EIP-155 id): bound into SIWE messages and commitments.
        public var chainID: UInt64
        public var registry: EthereumAddress
        /// A request's lifetime on chain (at most the contract's MAX_TTL).
        public var requestTTL: UInt64 = 120
        /// Token bucket: capacity and the seconds per token (seed 002: 3, 100 s).
        public var bucketCapacity: Int64 = 3
        public var bucketIntervalSeconds: Int64 = 100
        public var sessionLifetime: Int64 = 900
        public var nonceLifetime: Int64 = 300

        public init(signInDomain: String, signInURI: String, chainID: UInt64, registry: EthereumAddress) {
            self.signInDomain = signInDomain
            self.signInURI = signInURI
            self.chainID = chainID
            self.registry = registry
        }
    }

    /// The statement of the service's SIWE messages.
    public static let signInStatement = "Sign in to the Chronoguard OTP registry issuer."

    public let configuration: Configuration
    public let store: RegistryStore
    let keys: RegistryKeyHierarchy
    let issuer: IssuerAccount
    let metrics: RegistryMetrics
    let clock: @Sendable () -> Date

    public init(
        configuration: Configuration, masterKey: [UInt8], store: RegistryStore, issuer: IssuerAccount,
        metrics: RegistryMetrics = RegistryMetrics(), clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(RegistryError) {
        guard configuration.requestTTL >= 1, configuration.requestTTL <= RegistryContract.maxTTL else {
            throw RegistryError(
                .invalidRequest, "The request lifetime must be 1…3600 seconds (the contract's MAX_TTL).")
        }
        self.configuration = configuration
        self.keys = try RegistryKeyHierarchy(masterKey: masterKey, app: configuration.app)
        self.store = store
        self.issuer = issuer
        self.metrics = metrics
        self.clock = clock
    }

    var now: Int64 { Int64(clock().timeIntervalSince1970.rounded(.down)) }

    /// The user id of an address in the key hierarchy (`otp/user/<userId>`): its lower-case `0x` hex.
    public static func userID(_ address: EthereumAddress) -> String { hex(address.bytes) }

    /// The user's authenticator (RFC 6238: HMAC-SHA256, 6 digits, 60 s), its secret the user seed.
    func totp(for address: EthereumAddress) throws(RegistryError) -> TOTP {
        do {
            return try TOTP(secret: try secret(for: address), algorithm: .sha256, digits: 6, period: 60)
        } catch {
            throw RegistryError(.internalError, "The authenticator cannot be derived.")
        }
    }

    func secret(for address: EthereumAddress) throws(RegistryError) -> OTPSecret {
        let seed = keys.userSeed(userID: Self.userID(address)).withUnsafeBytes { Array($0) }
        do {
            return try OTPSecret(bytes: seed)
        } catch {
            throw RegistryError(.internalError, "The authenticator cannot be derived.")
        }
    }

    // MARK: Sign-in (EIP-4361)

    /// A SIWE message to sign for `address`, with a fresh single-use nonce (16 alphanumerics from the CSPRNG) that
    /// expires with the message.
    public func challenge(address text: String) async throws(RegistryError) -> (message: String, expiresAt: Int64) {
        let address: EthereumAddress
        do { address = try EthereumAddress(text) } catch {
            throw RegistryError(.invalidRequest, "Field `address` must be a 0x-prefixed 20-byte Ethereum address.")
        }
        let issued = now
        let expires = issued + configuration.nonceLifetime
        let nonce = SecureRandom.alphanumeric(16)
        let message: SIWEMessage
        do {
            message = try SIWEMessage(
                domain: configuration.signInDomain, address: address, statement: Self.signInStatement,
                uri: configuration.signInURI, chainID: configuration.chainID, nonce: nonce,
                issuedAt: try SIWETimestamp(Date(timeIntervalSince1970: TimeInterval(issued))),
                expirationTime: try SIWETimestamp(Date(timeIntervalSince1970: TimeInterval(expires))))
        } catch {
            throw RegistryError(.internalError, "The sign-in message cannot be built.", internalDetail: "\(error)")
        }
        try await store.insertNonce(
            nonce, address: Self.userID(address), message: message.text, expiresAt: expires)
        return (message.text, expires)
    }

    /// Verifies a signed SIWE message (EIP-4361 §"Verifying": domain, URI, chain id, nonce, time window, EIP-191
    /// signature by the message's address) and opens a session. The nonce is consumed first, by a compare-and-set,
    /// so a message is good for one attempt whatever its outcome.
    public func signIn(message text: String, signature: [UInt8]) async throws(RegistryError)
        -> (token: String, address: EthereumAddress, expiresAt: Int64)
    {
        let failed = RegistryError(
            .signInFailed, "The sign-in message or signature is not valid; ask for a new challenge and sign it.")
        let message: SIWEMessage
        do { message = try SIWEMessage(text: text) } catch { throw failed }
        guard
            try await store.consumeNonce(
                message.nonce, address: Self.userID(message.address), message: text, now: now)
        else {
            metrics.signIn(success: false)
            throw RegistryError(
                .signInFailed, "The sign-in nonce is unknown, used or expired; ask for a new challenge.")
        }
        let verifier = SIWEVerifier(
            domain: configuration.signInDomain, uri: configuration.signInURI, chainID: configuration.chainID,
            clock: clock)
        do {
            try verifier.verify(text: text, signature: signature, nonce: message.nonce)
        } catch {
            metrics.signIn(success: false)
            throw RegistryError(
                .signInFailed, "The sign-in was refused (\(error.code.rawValue)); ask for a new challenge.")
        }
        let token = SecureRandom.bytes(32)
        let tokenText = Data(token).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let expires = now + configuration.sessionLifetime
        try await store.insertSession(
            tokenHash: Array(SHA256.hash(data: Array(tokenText.utf8))), address: Self.userID(message.address),
            expiresAt: expires, now: now)
        metrics.signIn(success: true)
        return (tokenText, message.address, expires)
    }

    /// The address of a bearer token's live session.
    public func authenticate(token: String) async throws(RegistryError) -> EthereumAddress {
        let unauthenticated = RegistryError(
            .unauthenticated, "Sign in first: send `Authorization: Bearer <token>` from POST /v1/auth/verify.")
        guard !token.isEmpty, token.utf8.count <= 128,
            let text = try await store.sessionAddress(tokenHash: Array(SHA256.hash(data: Array(token.utf8))), now: now),
            let address = try? EthereumAddress(text)
        else { throw unauthenticated }
        return address
    }

    // MARK: Enrollment

    /// The enrollment of a signed-in address: its otpauth URI and QR code (SVG), derived from the user seed; no
    /// secret is stored. Refused once the enrollment is confirmed (the URI is shown while it is pending only).
    public func enroll(_ address: EthereumAddress) async throws(RegistryError) -> (uri: String, qrSVG: String) {
        guard try await store.beginEnrollment(address: Self.userID(address), now: now) else {
            throw RegistryError(.alreadyEnrolled, "This address's authenticator is already enrolled.")
        }
        let totp = try totp(for: address)
        do {
            let uri = try OTPAuthURI(
                kind: .totp(period: totp.period), account: address.checksummed, issuer: configuration.app,
                secret: try secret(for: address), algorithm: .sha256, digits: 6)
            let qr = try QRCode.encode(uri.uriString, ecLevel: .medium)
            return (uri.uriString, qr.svg())
        } catch {
            throw RegistryError(.internalError, "The enrollment QR code cannot be built.")
        }
    }

    /// Confirms a pending enrollment with the authenticator's first code (the current step ± 1).
    public func confirmEnrollment(_ address: EthereumAddress, code: String) async throws(RegistryError) {
        guard let status = try await store.enrollmentStatus(address: Self.userID(address)) else {
            throw RegistryError(.notEnrolled, "Start the enrollment first: POST /v1/enrollment.")
        }
        guard status == .pending else {
            throw RegistryError(.alreadyEnrolled, "This address's authenticator is already enrolled.")
        }
        let match: OTPMatch?
        do { match = try totp(for: address).verify(code, at: now, window: 1) } catch {
            throw RegistryError(.invalidCode, "The code is not valid; type the 6 digits your authenticator shows.")
        }
        guard let match else {
            throw RegistryError(.invalidCode, "The code is not valid; type the 6 digits your authenticator shows.")
        }
        guard try await store.confirmEnrollment(address: Self.userID(address), step: match.step, now: now) else {
            throw RegistryError(.alreadyEnrolled, "This address's authenticator is already enrolled.")
        }
    }

    // MARK: Issuing

    /// What the client gets for a new request: never the salt.
    public struct IssuedRequest: Sendable, Hashable {
        public let requestID: [UInt8]
        public let expiry: Int64
        /// The RFC 6238 step whose code the commitment holds, and when that step ends.
        public let step: UInt64
        public let stepEndsAt: Int64
        public let transactionHash: [UInt8]
    }

    /// Issues a request for `scope`: token bucket → request id → salted commitment to the code of the current step
    /// → stored (salt sealed) → `setOtp` from the issuer's account.
    public func issue(_ address: EthereumAddress, scope: String) async throws(RegistryError) -> IssuedRequest {
        guard Self.isValidScope(scope) else {
            throw RegistryError(
                .invalidRequest, "Field `scope` must be 1–64 characters from a-z, 0-9, '.', '_', ':' and '-'.")
        }
        let user = Self.userID(address)
        guard try await store.enrollmentStatus(address: user) == .active else {
            throw RegistryError(.notEnrolled, "Enroll and confirm an authenticator before requesting codes.")
        }
        let nowMs = Int64((clock().timeIntervalSince1970 * 1000).rounded(.down))
        if let waitMs = try await store.takeToken(
            address: user, nowMs: nowMs, intervalMs: configuration.bucketIntervalSeconds * 1000,
            capacity: configuration.bucketCapacity)
        {
            metrics.rateLimited()
            let seconds = Int((waitMs + 999) / 1000)
            throw RegistryError(
                .rateLimited, "Too many requests for this address; try again in \(seconds) s.",
                retryAfterSeconds: seconds)
        }
        let issuedAt = now
        let requestID = RegistryContract.requestID(user: address, random: SecureRandom.bytes(32))
        let salt = SecureRandom.bytes(32)
        let totp = try totp(for: address)
        let step: UInt64
        do { step = try totp.step(at: issuedAt) } catch {
            throw RegistryError(.internalError, "The clock is before the Unix epoch.")
        }
        guard let otp = UInt32(totp.code(step: step)) else { throw RegistryError(.internalError, "Bad code.") }
        let commitment = RegistryContract.commitment(
            chainID: configuration.chainID, registry: configuration.registry, requestID: requestID, user: address,
            salt: salt, otp: otp)
        let expiry = issuedAt + Int64(configuration.requestTTL)
        let sealed = try SaltSealer.seal(
            salt, key: keys.actionSeed(userID: user, scope: scope), requestID: requestID)
        try await store.insertRequest(
            requestID: requestID, address: user, scope: scope, step: step, sealedSalt: sealed,
            commitment: commitment, expiry: expiry, now: issuedAt)
        let started = ContinuousClock.now
        let receipt: EthereumReceipt
        do {
            let data = try RegistryContract.setOtp.encodeCall([
                .fixedBytes(requestID), .address(address), .fixedBytes(commitment), .uint(UInt256(UInt64(expiry))),
            ])
            receipt = try await issuer.send(to: configuration.registry, data: data)
        } catch {
            try await store.finishRequest(requestID: requestID, onChain: false, txHash: nil, now: now)
            metrics.setOtpFinished(success: false, elapsed: ContinuousClock.now - started, gas: nil)
            throw RegistryError(
                .chainUnavailable, "The registry transaction could not be sent; try again later.",
                internalDetail: "setOtp: \(error.code.rawValue): \(error.message)")
        }
        try await store.finishRequest(
            requestID: requestID, onChain: receipt.status, txHash: receipt.transactionHash, now: now)
        metrics.setOtpFinished(success: receipt.status, elapsed: ContinuousClock.now - started, gas: receipt.gasUsed)
        guard receipt.status else {
            throw RegistryError(
                .chainUnavailable, "The registry refused the request; try again later.",
                internalDetail: "setOtp reverted in \(hex(receipt.transactionHash))")
        }
        let period = Int64(totp.period)
        return IssuedRequest(
            requestID: requestID, expiry: expiry, step: step, stepEndsAt: Int64(step + 1) * period,
            transactionHash: receipt.transactionHash)
    }

    static func isValidScope(_ scope: String) -> Bool {
        (1...64).contains(scope.utf8.count)
            && scope.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || "._:-".utf8.contains($0)
            }
    }

    // MARK: The salt

    /// Releases a request's salt to its user when `code` is the code the commitment holds; at most three tries per
    /// request (the contract's MAX_ATTEMPTS), each reserved by a compare-and-set before the code is compared, so
    /// concurrent calls cannot try more. A wrong code keeps its attempt; the right one gives it back.
    public func releaseSalt(_ address: EthereumAddress, requestID: [UInt8], code: String) async throws(RegistryError)
        -> [UInt8]
    {
        let unknown = RegistryError(.unknownRequest, "No such request for this address.")
        guard requestID.count == 32, let request = try await store.request(requestID),
            request.address == Self.userID(address)
        else { throw unknown }
        guard request.releasedAt == nil else {
            throw RegistryError(.saltAlreadyReleased, "This request's salt was already released.")
        }
        guard request.status == "set" else {
            throw RegistryError(.requestNotOnChain, "This request never reached the chain; request a new code.")
        }
        guard now <= request.expiry else {
            throw RegistryError(.requestExpired, "This request has expired; request a new code.")
        }
        guard try await store.reserveSaltAttempt(requestID, maxAttempts: RegistryContract.maxAttempts) else {
            // Lost a race with a release, or out of attempts.
            if try await store.request(requestID)?.releasedAt != nil {
                throw RegistryError(.saltAlreadyReleased, "This request's salt was already released.")
            }
            throw RegistryError(.requestBlocked, "Three wrong codes were given for this request; request a new code.")
        }
        let expected = Array(try totp(for: address).code(step: request.step).utf8)
        let given = Array(code.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
        guard difference == 0 else {
            try await store.recordFailedSaltAttempt(
                requestID, address: request.address, attempts: request.attempts + 1, now: now)
            metrics.saltRefused()
            throw RegistryError(
                .invalidCode, "The code is not this request's code; type the code your authenticator showed.")
        }
        let salt = try SaltSealer.open(
            request.sealedSalt, key: keys.actionSeed(userID: request.address, scope: request.scope),
            requestID: requestID)
        guard try await store.releaseSalt(requestID, address: request.address, now: now) else {
            throw RegistryError(.saltAlreadyReleased, "This request's salt was already released.")
        }
        metrics.saltReleased()
        return salt
    }
}
