import Foundation

// MARK: - TOTP (RFC 6238)

/// A time-based one-time password generator and verifier (RFC 6238 §4).
///
/// Time is handled as signed 64-bit Unix seconds, so dates past 2038 (RFC 6238 Appendix B, T = 20000000000) work,
/// and the step `T = floor((time − T0) / X)` is an unsigned 64-bit counter as §4.2 requires.
public struct TOTP: Sendable {
    /// The common period X (RFC 6238 §5.2 recommends 30 seconds).
    public static let defaultPeriod = 30

    public let hotp: HOTP
    /// The time step X in seconds.
    public let period: Int
    /// The Unix time T0 from which steps are counted.
    public let t0: Int64

    public var algorithm: OTPAlgorithm { hotp.algorithm }
    public var digits: Int { hotp.digits }

    public init(
        secret: OTPSecret,
        algorithm: OTPAlgorithm = .sha1,
        digits: Int = 6,
        period: Int = TOTP.defaultPeriod,
        t0: Int64 = 0
    ) throws(OTPError) {
        guard period > 0 else { throw .invalidPeriod(period) }
        self.hotp = try HOTP(secret: secret, algorithm: algorithm, digits: digits)
        self.period = period
        self.t0 = t0
    }

    // MARK: Steps

    /// The time step containing `unixTime` (RFC 6238 §4.2: `T = floor((Current Unix time − T0) / X)`).
    public func step(at unixTime: Int64) throws(OTPError) -> UInt64 {
        guard unixTime >= t0 else { throw .timeBeforeEpoch(unixTime, t0: t0) }
        // Subtract in UInt64: time − T0 can exceed Int64.max when T0 is negative.
        let elapsed = UInt64(bitPattern: unixTime &- t0)
        return elapsed / UInt64(period)
    }

    /// Seconds left in the step containing `unixTime`, for "code expires in N s" displays.
    public func secondsRemaining(at unixTime: Int64) throws(OTPError) -> Int {
        let elapsed = UInt64(bitPattern: unixTime &- t0)
        guard unixTime >= t0 else { throw .timeBeforeEpoch(unixTime, t0: t0) }
        return period - Int(elapsed % UInt64(period))
    }

    // MARK: Generation

    /// The code for a given time step.
    public func code(step: UInt64) -> String { hotp.code(counter: step) }

    /// The code at a Unix time in seconds.
    public func code(at unixTime: Int64) throws(OTPError) -> String {
        try code(step: step(at: unixTime))
    }

    /// The code at a date (fractional seconds are floored, as every authenticator does).
    public func code(at date: Date) throws(OTPError) -> String {
        try code(at: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    // MARK: Verification

    /// Verifies `code` at `unixTime`, trying the steps from `window` before to `window` after the current one
    /// (RFC 6238 §5.2: a window for network delay and clock drift, one step by default).
    ///
    /// Every candidate in the window is computed and compared in constant time, so the timing does not tell which step
    /// matched or how close a wrong guess was. Steps at or below `notAfter` — the caller's last accepted step — are
    /// never matched, which is the one-time-use rule of RFC 6238 §5.2; persist the returned step with
    /// ``ReplayGuard`` to make that rule hold across requests. ``check(_:at:window:after:)`` also tells a replay
    /// from a wrong code.
    ///
    /// - Returns: the matched step and its drift, or nil when no step in the window matches.
    public func verify(
        _ code: String,
        at unixTime: Int64,
        window: Int = 1,
        after lastAcceptedStep: UInt64? = nil
    ) throws(OTPError) -> OTPMatch? {
        try check(code, at: unixTime, window: window, after: lastAcceptedStep).acceptedMatch
    }

    /// Checks `code` at `unixTime` like ``verify(_:at:window:after:)-(String,Int64,_,_)``, in one pass over the window,
    /// and says whether a failure is a wrong code or a right code whose step is already spent (a replay).
    public func check(
        _ code: String,
        at unixTime: Int64,
        window: Int = 1,
        after lastAcceptedStep: UInt64? = nil
    ) throws(OTPError) -> OTPCheck {
        guard (0...10).contains(window) else { throw .invalidWindow(window) }
        let current = try step(at: unixTime)
        guard let given = OTPCode.parse(code, digits: digits) else { return .rejected }
        return OTPVerifier.check(
            given: given, center: current, behind: window, ahead: window, notAtOrBelow: lastAcceptedStep,
            value: hotp.value(counter:)
        )
    }

    /// Verifies `code` at a date; see ``verify(_:at:window:after:)-(String,Int64,_,_)``.
    public func verify(_ code: String, at date: Date, window: Int = 1, after lastAcceptedStep: UInt64? = nil)
        throws(OTPError) -> OTPMatch?
    {
        try verify(code, at: Int64(date.timeIntervalSince1970.rounded(.down)), window: window, after: lastAcceptedStep)
    }
}

// MARK: - HOTP verification

extension HOTP {
    /// Verifies an HOTP `code` against counters `counter … counter + lookAhead` (RFC 4226 §7.4 resynchronisation).
    /// Counters at or below `lastAcceptedCounter` never match.
    public func verify(
        _ code: String,
        counter: UInt64,
        lookAhead: Int = 0,
        after lastAcceptedCounter: UInt64? = nil
    ) throws(OTPError) -> OTPMatch? {
        guard (0...100).contains(lookAhead) else { throw .invalidWindow(lookAhead) }
        guard let given = OTPCode.parse(code, digits: digits) else { return nil }
        return OTPVerifier.check(
            given: given, center: counter, behind: 0, ahead: lookAhead, notAtOrBelow: lastAcceptedCounter,
            value: value(counter:)
        ).acceptedMatch
    }
}
