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

@usableFromInline
enum OTPVerifier {
    /// Evaluates every candidate step in the window and selects in constant time.
    ///
    /// Candidates are visited in the order 0, −1, +1, −2, +2, … so that when two steps share a code (a 10^−digits
    /// coincidence) the one nearest the verifier's clock wins; a match is recorded through masks, not branches.
    @inlinable
    static func match(
        given: UInt32,
        center: UInt64,
        behind: Int,
        ahead: Int,
        notAtOrBelow floor: UInt64?,
        value: (UInt64) -> UInt32
    ) -> OTPMatch? {
        var found: UInt64 = 0          // all-ones once a match is recorded
        var matchedStep: UInt64 = 0
        var matchedDrift: Int64 = 0
        let span = Swift.max(behind, ahead)
        for index in 0...(2 * span) {
            // index 0, 1, 2, 3, 4, … → drift 0, −1, +1, −2, +2, …
            let drift = index & 1 == 1 ? -((index + 1) >> 1) : index >> 1
            if drift < -behind || drift > ahead { continue }
            // Steps outside 0…UInt64.max do not exist; skipping them depends only on public inputs.
            let (candidate, overflow) = drift < 0
                ? center.subtractingReportingOverflow(UInt64(-drift))
                : center.addingReportingOverflow(UInt64(drift))
            if overflow { continue }
            if let floor, candidate <= floor { continue }
            let equal = constantTimeEqualMask(value(candidate), given)
            let take = equal & ~found
            matchedStep = (matchedStep & ~take) | (candidate & take)
            matchedDrift = (matchedDrift & ~Int64(bitPattern: take)) | (Int64(drift) & Int64(bitPattern: take))
            found |= equal
        }
        return found == 0 ? nil : OTPMatch(step: matchedStep, drift: Int(matchedDrift))
    }

    /// All-ones when `a == b`, zero otherwise, computed without a data-dependent branch.
    @inlinable @inline(__always)
    static func constantTimeEqualMask(_ a: UInt32, _ b: UInt32) -> UInt64 {
        let difference = UInt64(a ^ b)                  // < 2^32
        let isZero = (difference &- 1) >> 63            // 1 iff difference == 0
        return 0 &- isZero
    }
}
