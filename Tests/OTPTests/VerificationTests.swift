import Testing

@testable import OTP

@Suite struct VerificationTests {
    let totp: TOTP
    init() throws { totp = try TOTP(secret: .generate()) }

    @Test func windowReportsStepAndDrift() throws {
        let now: Int64 = 1_800_000_000
        let step = try totp.step(at: now)
        for drift in -3...3 {
            let code = totp.code(step: step &+ UInt64(bitPattern: Int64(drift)))
            let match = try totp.verify(code, at: now, window: 1)
            if abs(drift) <= 1 {
                // A collision with a nearer step is possible (10^-6) but then the nearer one is reported.
                #expect(match?.drift == drift || match.map { abs($0.drift) < abs(drift) } == true)
                #expect(match?.step == step &+ UInt64(bitPattern: Int64(match?.drift ?? 0)))
            }
            let wide = try totp.verify(code, at: now, window: 3)
            #expect(wide != nil)
        }
    }

    @Test func wrongShapesNeverMatch() throws {
        let code = try totp.code(at: 1_000)
        for bad in ["", "12345", "1234567", "12345a", "-12345", code + "0", "０１２３４５"] {
            #expect(try totp.verify(bad, at: 1_000) == nil)
        }
        #expect(try totp.verify(String(code.prefix(3)) + " " + code.dropFirst(3), at: 1_000) != nil)
    }

    @Test func wrongCodesAreRejected() throws {
        var rejected = 0
        for time in stride(from: Int64(0), to: 3_000_000, by: 30_001) {
            let right = try totp.code(at: time)
            let wrong = OTPCode.format((UInt32(right)! + 500_000) % 1_000_000, digits: 6)
            if try totp.verify(wrong, at: time, window: 0) == nil { rejected += 1 }
        }
        #expect(rejected == 100)
    }

    @Test func stepsAtOrBelowTheLastAcceptedNeverMatch() throws {
        let now: Int64 = 1_800_000_000
        let step = try totp.step(at: now)
        let previous = totp.code(step: step - 1)
        #expect(try totp.verify(previous, at: now, after: step - 2)?.step == step - 1)
        #expect(try totp.verify(previous, at: now, after: step - 1) == nil)
        #expect(try totp.verify(totp.code(step: step), at: now, after: step) == nil)
        #expect(try totp.verify(totp.code(step: step + 1), at: now, after: step)?.step == step + 1)
    }

    @Test func checkTellsAReplayFromAWrongCode() throws {
        let now: Int64 = 1_800_000_000
        let step = try totp.step(at: now)
        let previous = totp.code(step: step - 1)
        #expect(try totp.check(previous, at: now) == .accepted(OTPMatch(step: step - 1, drift: -1)))
        #expect(try totp.check(previous, at: now, after: step - 1) == .alreadyUsed(OTPMatch(step: step - 1, drift: -1)))
        #expect(
            try totp.check(totp.code(step: step), at: now, after: step) == .alreadyUsed(OTPMatch(step: step, drift: 0)))
        let window = Set((step - 1...step + 1).map { totp.code(step: $0) })
        let wrong = (0..<10).map { OTPCode.format(UInt32($0) * 111_111, digits: 6) }.first { !window.contains($0) }!
        #expect(try totp.check(wrong, at: now, after: step + 1) == .rejected)
        #expect(try totp.check("12a456", at: now) == .rejected)
    }

    @Test func hotpLookAhead() throws {
        let hotp = try HOTP(secret: .generate(), algorithm: .sha256, digits: 8)
        let code = hotp.code(counter: 1_005)
        #expect(try hotp.verify(code, counter: 1_000, lookAhead: 10) == OTPMatch(step: 1_005, drift: 5))
        #expect(try hotp.verify(code, counter: 1_000, lookAhead: 4) == nil)
        #expect(try hotp.verify(code, counter: 1_000, lookAhead: 10, after: 1_005) == nil)
        #expect(try hotp.verify(hotp.code(counter: .max), counter: .max - 1, lookAhead: 5)?.step == .max)
    }

    @Test func constantTimeCompareIsExact() {
        #expect(constantTimeCompare("123456", "123456"))
        #expect(!constantTimeCompare("123456", "123457"))
        #expect(!constantTimeCompare("123456", "12345"))
        #expect(constantTimeCompare([UInt8](), [UInt8]()))
        for a in [UInt32(0), 1, 999_999, .max] {
            for b in [UInt32(0), 1, 999_999, .max] {
                #expect((OTPVerifier.constantTimeEqualMask(a, b) == .max) == (a == b))
                #expect((OTPVerifier.constantTimeEqualMask(a, b) == 0) == (a != b))
            }
        }
    }
}

// MARK: - Replay guard

@Suite struct ReplayGuardTests {
    @Test func aCodeIsAcceptedOnce() async throws {
        let totp = try TOTP(secret: .generate())
        let guardian = ReplayGuard(store: InMemoryReplayStepStore())
        let now: Int64 = 1_900_000_000
        let code = try totp.code(at: now)
        #expect(try await guardian.verifyAndConsume(code, totp: totp, at: now, credential: "w") != nil)
        await #expect(throws: ReplayGuardError.self) {
            try await guardian.verifyAndConsume(code, totp: totp, at: now, credential: "w")
        }
        // Still replayed 29 s later (same code, window ±1 covers the old step), but an older step is refused too.
        await #expect(throws: ReplayGuardError.self) {
            try await guardian.verifyAndConsume(code, totp: totp, at: now + 29, credential: "w")
        }
        let older = totp.code(step: try totp.step(at: now) - 1)
        await #expect(throws: ReplayGuardError.self) {
            try await guardian.verifyAndConsume(older, totp: totp, at: now, credential: "w")
        }
        // Another credential is independent; the next step works.
        #expect(try await guardian.verifyAndConsume(code, totp: totp, at: now, credential: "other") != nil)
        #expect(
            try await guardian.verifyAndConsume(try totp.code(at: now + 30), totp: totp, at: now + 30, credential: "w")
                != nil)
        // A wrong code consumes nothing.
        let step90 = try totp.step(at: now + 90)
        let window = Set((step90 - 1...step90 + 1).map { totp.code(step: $0) })
        let wrong = (0..<10).map { OTPCode.format(UInt32($0) * 111_111, digits: 6) }.first { !window.contains($0) }!
        #expect(try await guardian.verifyAndConsume(wrong, totp: totp, at: now + 90, credential: "x") == nil)
        #expect(await guardian.store.lastAcceptedStep(for: "x") == nil)
    }

    @Test func concurrentUsesOfOneCodeYieldExactlyOneSuccess() async throws {
        let totp = try TOTP(secret: .generate())
        let guardian = ReplayGuard(store: InMemoryReplayStepStore())
        let now: Int64 = 1_900_000_000
        let code = try totp.code(at: now)
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    (try? await guardian.verifyAndConsume(code, totp: totp, at: now, credential: "wallet")) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }

    /// A store whose reads are stale, to force the compare-and-set retry path.
    actor StaleReadStore: ReplayStepStore {
        var value: UInt64?
        var staleReads = 1
        init(value: UInt64?) { self.value = value }
        func lastAcceptedStep(for credential: String) -> UInt64? {
            if staleReads > 0 {
                staleReads -= 1
                return nil
            }
            return value
        }
        func compareAndSetLastAcceptedStep(for credential: String, expected: UInt64?, newStep: UInt64) -> Bool {
            guard value == expected else { return false }
            value = newStep
            return true
        }
    }

    @Test func compareAndSetFailureIsRereadNotOverwritten() async throws {
        let store = StaleReadStore(value: 50)
        let guardian = ReplayGuard(store: store)
        await #expect(throws: ReplayGuardError.replayed(step: 40, lastAccepted: 50)) {
            try await guardian.consume(OTPMatch(step: 40, drift: 0), for: "w")
        }
        #expect(await store.value == 50)
        try await guardian.consume(OTPMatch(step: 51, drift: 0), for: "w")
        #expect(await store.value == 51)
    }
}
