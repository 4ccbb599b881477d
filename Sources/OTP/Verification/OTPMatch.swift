// MARK: - OTPMatch

/// A successful verification: which time step (or HOTP counter) matched, and how far it was from the expected one.
public struct OTPMatch: Sendable, Hashable, Codable {
    /// The matched TOTP time step or HOTP counter. Store it as the "last accepted step" and refuse any step ≤ it.
    public let step: UInt64
    /// `step − expected`: negative when the client's clock is behind, positive when ahead (RFC 6238 §6 drift).
    public let drift: Int

    public init(step: UInt64, drift: Int) {
        self.step = step
        self.drift = drift
    }
}

// MARK: - Window matching

// MARK: - OTPCheck

/// The outcome of checking a code against a window with replay protection (RFC 6238 §5.2): accepted, already used
/// (a right code whose step is at or below the last accepted one — a replay, not a guess), or rejected.
public enum OTPCheck: Sendable, Hashable {
    /// The code matches a step later than the last accepted one: accept it and store `match.step`.
    case accepted(OTPMatch)
    /// The code matches only steps at or below the last accepted one: it was already used.
    case alreadyUsed(OTPMatch)
    /// The code matches no step in the window.
    case rejected

    /// The accepted match, or nil.
    public var acceptedMatch: OTPMatch? {
        if case .accepted(let match) = self { return match }
        return nil
    }
}

// MARK: - Window matching

@usableFromInline
enum OTPVerifier {
    /// Evaluates every candidate step in the window once and classifies the code in constant time.
    ///
    /// Candidates are visited in the order 0, −1, +1, −2, +2, … so that when two steps share a code (a 10^−digits
    /// coincidence) the one nearest the verifier's clock wins. Steps above `floor` count as fresh, the others as spent;
    /// a match is recorded through masks, not branches, so the timing tells neither which step matched nor whether
    /// it was spent.
    @inlinable
    static func check(
        given: UInt32,
        center: UInt64,
        behind: Int,
        ahead: Int,
        notAtOrBelow floor: UInt64?,
        value: (UInt64) -> UInt32
    ) -> OTPCheck {
        var fresh = MaskedMatch()
        var spent = MaskedMatch()
        let span = Swift.max(behind, ahead)
        for index in 0...(2 * span) {
            // index 0, 1, 2, 3, 4, … → drift 0, −1, +1, −2, +2, …
            let drift = index & 1 == 1 ? -((index + 1) >> 1) : index >> 1
            if drift < -behind || drift > ahead { continue }
            // Steps outside 0…UInt64.max do not exist; skipping them depends only on public inputs.
            let (candidate, overflow) =
                drift < 0
                ? center.subtractingReportingOverflow(UInt64(-drift))
                : center.addingReportingOverflow(UInt64(drift))
            if overflow { continue }
            let equal = constantTimeEqualMask(value(candidate), given)
            // Whether the step is spent depends only on public data (the stored step), never on the code.
            let isFresh: UInt64 = floor.map { candidate > $0 ? ~0 : 0 } ?? ~0
            fresh.record(step: candidate, drift: drift, where: equal & isFresh)
            spent.record(step: candidate, drift: drift, where: equal & ~isFresh)
        }
        if let match = fresh.match { return .accepted(match) }
        if let match = spent.match { return .alreadyUsed(match) }
        return .rejected
    }

    /// The first match recorded through a mask (all-ones = record, zero = ignore), without branching on it.
    @usableFromInline
    struct MaskedMatch {
        @usableFromInline var found: UInt64 = 0
        @usableFromInline var step: UInt64 = 0
        @usableFromInline var drift: Int64 = 0

        @inlinable init() {}

        @inlinable @inline(__always)
        mutating func record(step candidate: UInt64, drift candidateDrift: Int, where mask: UInt64) {
            let take = mask & ~found
            step = (step & ~take) | (candidate & take)
            drift = (drift & ~Int64(bitPattern: take)) | (Int64(candidateDrift) & Int64(bitPattern: take))
            found |= mask
        }

        @inlinable var match: OTPMatch? { found == 0 ? nil : OTPMatch(step: step, drift: Int(drift)) }
    }

    /// All-ones when `a == b`, zero otherwise, computed without a data-dependent branch.
    @inlinable @inline(__always)
    static func constantTimeEqualMask(_ a: UInt32, _ b: UInt32) -> UInt64 {
        let difference = UInt64(a ^ b)  // < 2^32
        let isZero = (difference &- 1) >> 63  // 1 iff difference == 0
        return 0 &- isZero
    }
}
