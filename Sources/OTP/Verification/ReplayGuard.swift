// MARK: - Replay protection (RFC 6238 §5.2)

/// Where the last accepted step of each credential lives.
///
/// The single write operation is a compare-and-set, which every real store can make atomic: a conditional
/// `UPDATE … SET last_step = ? WHERE id = ? AND last_step IS ?` in SQL, a CAS on a Redis key, a mutex in memory.
/// That is what makes "a code is accepted once" hold under concurrent requests: of N racing requests carrying the same
/// code, exactly one compare-and-set succeeds.
public protocol ReplayStepStore: Sendable {
    /// The last accepted step (or HOTP counter) for `credential`, nil when none has been accepted yet.
    func lastAcceptedStep(for credential: String) async throws -> UInt64?

    /// Sets the last accepted step to `newStep` only if it still equals `expected`; returns whether it did.
    func compareAndSetLastAcceptedStep(for credential: String, expected: UInt64?, newStep: UInt64) async throws -> Bool
}

/// Errors from ``ReplayGuard``.
public enum ReplayGuardError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The code's step is not later than the last accepted one: it was already used (or an older code was replayed).
    case replayed(step: UInt64, lastAccepted: UInt64)

    public var code: String { "code_already_used" }

    public var description: String {
        switch self {
        case .replayed:
            "This code has already been used; wait for the next code from the authenticator and try again."
        }
    }
}

/// Enforces RFC 6238 §5.2 one-time use: a step is accepted only if it is strictly greater than the last accepted one,
/// and the update is a compare-and-set, so concurrent verifications of one code cannot both win.
public struct ReplayGuard<Store: ReplayStepStore>: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Records `match.step` as consumed for `credential`.
    ///
    /// - Throws: ``ReplayGuardError/replayed(step:lastAccepted:)`` when the step is not newer than the stored one,
    ///   including when a concurrent request consumed it first; errors from the store are passed through.
    public func consume(_ match: OTPMatch, for credential: String) async throws {
        var expected = try await store.lastAcceptedStep(for: credential)
        while true {
            if let last = expected, match.step <= last {
                throw ReplayGuardError.replayed(step: match.step, lastAccepted: last)
            }
            if try await store.compareAndSetLastAcceptedStep(for: credential, expected: expected, newStep: match.step) {
                return
            }
            // Someone else moved the step between our read and our write; re-read and decide again.
            expected = try await store.lastAcceptedStep(for: credential)
        }
    }

    /// Verifies `code` at `unixTime` against `totp`, refusing steps at or below the stored one, and consumes the match.
    /// - Returns: the match, or nil when the code is wrong (nothing is consumed then).
    public func verifyAndConsume(
        _ code: String, totp: TOTP, at unixTime: Int64, window: Int = 1, credential: String
    ) async throws -> OTPMatch? {
        let last = try await store.lastAcceptedStep(for: credential)
        switch try totp.check(code, at: unixTime, window: window, after: last) {
        case .accepted(let match):
            try await consume(match, for: credential)
            return match
        case .alreadyUsed(let match):
            // Right code, but its step is spent: report a replay rather than a wrong code.
            throw ReplayGuardError.replayed(step: match.step, lastAccepted: last ?? match.step)
        case .rejected:
            return nil
        }
    }
}

// MARK: - In-memory store

/// A process-local ``ReplayStepStore`` for tests and single-process tools; the actor serialises the compare-and-set.
public actor InMemoryReplayStepStore: ReplayStepStore {
    private var steps: [String: UInt64] = [:]

    public init() {}

    public func lastAcceptedStep(for credential: String) -> UInt64? { steps[credential] }

    public func compareAndSetLastAcceptedStep(for credential: String, expected: UInt64?, newStep: UInt64) -> Bool {
        guard steps[credential] == expected else { return false }
        steps[credential] = newStep
        return true
    }
}
