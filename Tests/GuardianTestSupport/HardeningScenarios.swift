import ChainKit
import Foundation
import Guardian
import OTP

/// A session that is logged out while its request is in flight — resolved before the body arrived, so the `Session`
/// value is still unexpired in hand — must not commit anything: not a cosign, a policy update, a governance action or
/// an enrollment confirmation. And nothing is consumed: the same code then works for a fresh session.
///
/// Runs on any store (the check is inside each store's write transaction).
public func expectLoggedOutSessionsCommitNothing(_ harness: GuardianHarness) async throws {
    let wallet = try await harness.enroll()
    let service = harness.service
    let tx = try TransactionFactory.standard(for: wallet)
    let code = try harness.nextCode(wallet)

    // Cosign.
    let inFlight = try await harness.login(wallet.owner)
    try await service.logout(inFlight)
    try check(
        await errorCode {
            try await service.cosign(session: inFlight, wallet: wallet.address, transactionBase64: tx, code: code)
        } == .sessionInvalid, "line \(#line)")
    let stepBefore = try await harness.store.wallet(wallet.owner.publicKey)?.lastAcceptedStep
    // Policy update.
    try check(
        await errorCode {
            try await service.updatePolicy(session: inFlight, wallet: wallet.address, policy: nil, code: code)
        } == .sessionInvalid, "line \(#line)")
    // A governance action (migration burns a code).
    try check(
        await errorCode {
            try await service.migrateGovernance(session: inFlight, wallet: wallet.address, sequence: 1, code: code)
        } == .sessionInvalid, "line \(#line)")
    try check(
        try await harness.store.wallet(wallet.owner.publicKey)?.lastAcceptedStep == stepBefore,
        "line \(#line): a refused commit burned the step")
    try check(try await harness.store.governance(wallet.owner.publicKey) == nil, "line \(#line)")
    // The code is intact: a live session uses it.
    let live = try await harness.login(wallet.owner)
    let result = try await service.cosign(session: live, wallet: wallet.address, transactionBase64: tx, code: code)
    try check(try await harness.store.wallet(wallet.owner.publicKey)?.lastAcceptedStep == result.step, "line \(#line)")

    // Enrollment start: nothing pending is written for a logged-out session.
    let newcomer = SolanaKeypair()
    let gone = try await harness.login(newcomer)
    try await service.logout(gone)
    try check(
        await errorCode { try await service.beginEnrollment(session: gone, wallet: newcomer.publicKey.base58) }
            == .sessionInvalid, "line \(#line)")
    try check(try await harness.store.wallet(newcomer.publicKey) == nil, "line \(#line)")

    // Enrollment confirmation.
    let owner = SolanaKeypair()
    let session = try await harness.login(owner)
    let start = try await service.beginEnrollment(session: session, wallet: owner.publicKey.base58)
    let totp = try OTPAuthURI(parsing: start.otpauthURI).totp()!
    try await service.logout(session)
    let first = try totp.code(at: harness.clock.unixSeconds())
    try check(
        await errorCode {
            try await service.confirmEnrollment(session: session, wallet: owner.publicKey.base58, code: first)
        } == .sessionInvalid, "line \(#line)")
    try check(try await harness.store.wallet(owner.publicKey)?.state == .pending, "line \(#line)")
    _ = try await service.confirmEnrollment(
        session: try await harness.login(owner), wallet: owner.publicKey.base58, code: first)
}
