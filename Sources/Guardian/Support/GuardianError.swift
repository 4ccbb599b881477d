// MARK: - Errors

/// Every failure the guardian reports to a client: a stable machine-readable ``code`` and a sentence for people. The
/// domain knows nothing of HTTP: the server maps each code to a status (`APIError`) and answers
/// `{"error": {"code": …, "message": …}}`.
///
/// Messages never carry internal details (paths, SQL, key ids, stack traces) nor secrets; when an internal failure
/// needs diagnosing, ``internalDetail`` holds a note for the server's own log — never send it to the client.
public struct GuardianError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable failure codes (snake_case, part of the API: never renamed).
    public enum Code: String, Sendable, Hashable, CaseIterable, Codable {
        // Input
        case invalidRequest = "invalid_request"
        case invalidWalletAddress = "invalid_wallet_address"
        // Login
        case challengeNotFound = "challenge_not_found"
        case challengeExpired = "challenge_expired"
        case nonceReused = "nonce_reused"
        case invalidSignature = "invalid_signature"
        case sessionInvalid = "session_invalid"
        case sessionWalletMismatch = "session_wallet_mismatch"
        // Enrollment
        case notEnrolled = "not_enrolled"
        case enrollmentPending = "enrollment_pending"
        case alreadyEnrolled = "already_enrolled"
        // Codes and throttling
        case invalidCode = "invalid_code"
        case codeAlreadyUsed = "code_already_used"
        case walletLocked = "wallet_locked"
        case walletDisabled = "wallet_disabled"
        case rateLimited = "rate_limited"
        // Transactions
        case malformedTransaction = "malformed_transaction"
        case missingRecentBlockhash = "missing_recent_blockhash"
        case walletNotSigner = "wallet_not_signer"
        case guardianNotSigner = "guardian_not_signer"
        /// A vault instruction the guardian never co-signs (docs/vault.md).
        case vaultInstructionNotAllowed = "vault_instruction_not_allowed"
        /// A rotation's migration whose destination is not the vault of {wallet, new guardian, same recovery key}.
        case vaultMigrationRefused = "vault_migration_refused"
        // Governance and recovery
        case governanceNotEnabled = "governance_not_enabled"
        case alreadyMigrated = "already_migrated"
        case sequenceMismatch = "sequence_mismatch"
        case rotationPending = "rotation_pending"
        case noPendingRotation = "no_pending_rotation"
        case timelockActive = "timelock_active"
        case invalidRecoveryCode = "invalid_recovery_code"
        case recoveryCodeUsed = "recovery_code_used"
        // Transaction policies
        case invalidPolicy = "invalid_policy"
        case policySpendingLimitExceeded = "policy_spending_limit_exceeded"
        case policyDestinationNotAllowed = "policy_destination_not_allowed"
        case policyProgramNotAllowed = "policy_program_not_allowed"
        case policyInstructionNotSupported = "policy_instruction_not_supported"
        case policyAccountUnresolved = "policy_account_unresolved"
        case policyChanged = "policy_changed"
        // Keys and storage
        case invalidConfiguration = "invalid_configuration"
        case masterKeyMismatch = "master_key_mismatch"
        case keyProviderFailed = "key_provider_failed"
        case keyringMissing = "keyring_missing"
        case storageUnavailable = "storage_unavailable"
        case serviceBusy = "service_busy"
        case internalError = "internal_error"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do; safe to show to the client.
    public let message: String
    /// Seconds after which a retry can succeed (`Retry-After`, RFC 9110 §10.2.3), for `rate_limited` and `wallet_locked`.
    public let retryAfterSeconds: Int?
    /// The capsule's operation id when the failure happened inside a cosign, to correlate with logs and metrics.
    public let operationID: String?
    /// A diagnostic note for the server's log only (never sent to clients; never contains secrets).
    public let internalDetail: String?

    /// An error with a code, a client-safe sentence, and optional retry delay, operation id and log-only detail.
    public init(
        _ code: Code, _ message: String, retryAfterSeconds: Int? = nil, operationID: String? = nil,
        internalDetail: String? = nil
    ) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.operationID = operationID
        self.internalDetail = internalDetail
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Whether the wallet's transaction policy refused the transaction (audited as `policy_refused`).
    public var isPolicyRefusal: Bool {
        switch code {
        case .policySpendingLimitExceeded, .policyDestinationNotAllowed, .policyProgramNotAllowed,
            .policyInstructionNotSupported, .policyAccountUnresolved:
            true
        default: false
        }
    }

    /// A copy tagged with a capsule's operation id.
    func tagged(operationID: String) -> GuardianError {
        GuardianError(
            code, message, retryAfterSeconds: retryAfterSeconds, operationID: operationID,
            internalDetail: internalDetail)
    }
}

// MARK: - Constructors

extension GuardianError {
    static let invalidWallet = GuardianError(
        .invalidWalletAddress,
        "The wallet address is not a Base58 Solana public key of 32 bytes; send the wallet's address as its wallet shows it."
    )

    static let unusableWallet = GuardianError(
        .invalidWalletAddress,
        "The wallet address is a small-order or non-canonical Ed25519 point, for which a signature proves nothing; use the public key of a keypair you hold."
    )

    static let sessionInvalid = GuardianError(
        .sessionInvalid, "The session is missing, unknown or expired; sign in again with the wallet.")

    static let sessionWalletMismatch = GuardianError(
        .sessionWalletMismatch, "The session belongs to a different wallet; sign in with the wallet you are acting for."
    )

    static let notEnrolled = GuardianError(.notEnrolled, "This wallet has no guardian yet; start enrollment first.")

    static let enrollmentPending = GuardianError(
        .enrollmentPending,
        "Enrollment has started but is not confirmed; confirm it with a code from the authenticator app.")

    static let alreadyEnrolled = GuardianError(
        .alreadyEnrolled,
        "This wallet already has an active guardian; a new secret cannot be issued without the guardian rotation procedure."
    )

    static let codeAlreadyUsed = GuardianError(
        .codeAlreadyUsed,
        "This code has already been used; wait for the next code from the authenticator app and try again.")

    static let walletDisabled = GuardianError(
        .walletDisabled,
        "Too many consecutive wrong codes: this wallet's guardian is disabled until an operator unlocks it.")

    static func invalidCode(remainingBeforeLock: Int?) -> GuardianError {
        let hint =
            remainingBeforeLock.map {
                $0 > 0 ? " \($0) more wrong code(s) will lock the wallet." : " The wallet is now locked for a while."
            } ?? ""
        return GuardianError(
            .invalidCode,
            "The code is not valid for this wallet at this time; check the authenticator app and the device clock."
                + hint)
    }

    static func invalidRecoveryCode(remainingBeforeLock: Int?) -> GuardianError {
        let hint =
            remainingBeforeLock.map {
                $0 > 0 ? " \($0) more wrong code(s) will lock the wallet." : " The wallet is now locked for a while."
            } ?? ""
        return GuardianError(
            .invalidRecoveryCode,
            "The recovery code is not one of this wallet's current recovery codes; check it, or use a code from the authenticator app."
                + hint)
    }

    static func walletLocked(retryAfter: Int) -> GuardianError {
        GuardianError(
            .walletLocked, "Too many wrong codes: the wallet is locked; try again in \(retryAfter) s.",
            retryAfterSeconds: retryAfter)
    }

    static func rateLimited(scope: RateLimitScope, retryAfter: Int) -> GuardianError {
        GuardianError(
            .rateLimited, "Too many requests for this \(scope.noun); try again in \(retryAfter) s.",
            retryAfterSeconds: retryAfter)
    }

    static func storage(_ error: any Error) -> GuardianError {
        if let storeError = error as? GuardianStoreError, storeError.kind == .busy {
            return GuardianError(
                .storageUnavailable, "The service is busy; retry shortly.", retryAfterSeconds: 1,
                internalDetail: storeError.description)
        }
        if let storeError = error as? GuardianStoreError, storeError.kind == .unavailable {
            return GuardianError(
                .storageUnavailable, "The service cannot reach its database right now; retry shortly.",
                retryAfterSeconds: 1, internalDetail: storeError.description)
        }
        return GuardianError(
            .internalError, "The service could not complete the request; nothing was changed. Retry later.",
            internalDetail: String(describing: error))
    }

    static func `internal`(_ detail: String) -> GuardianError {
        GuardianError(
            .internalError, "The service could not complete the request; nothing was changed. Retry later.",
            internalDetail: detail)
    }
}
