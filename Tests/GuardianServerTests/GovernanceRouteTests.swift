import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OTP
import Testing

// MARK: - Governance, break-glass and recovery over HTTP

@Suite struct GovernanceRouteTests {
    typealias Status = GuardianAPI.GovernanceStatusResponse
    typealias Action = GuardianAPI.GovernanceActionResponse

    @Test func theWholeGovernanceLifecycleOverHTTP() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            #expect(wallet.recoveryCodes.count == 10)
            let path = "/v1/wallets/\(wallet.address)"
            let v1 = try await client.send(.get, path + "/governance").decoded(Status.self, expecting: .ok)
            #expect(v1.version == 1 && v1.nextSequence == 1 && v1.pendingRotation == nil)

            harness.clock.advance(by: 30)
            try await client.send(
                .post, path + "/governance/schedule-rotation",
                json: #"{"kind":"planned","sequence":1,"code":"\#(try wallet.code(harness.clock))"}"#,
                token: wallet.token
            )
            .expectError(.conflict, "governance_not_enabled")
            try await client.send(
                .post, path + "/governance/migrate",
                json: #"{"sequence":2,"code":"\#(try wallet.code(harness.clock))"}"#, token: wallet.token
            )
            .expectError(.conflict, "sequence_mismatch")
            let migrated = try await client.send(
                .post, path + "/governance/migrate",
                json: #"{"sequence":1,"code":"\#(try wallet.code(harness.clock))"}"#, token: wallet.token
            )
            .decoded(Action.self, expecting: .ok)
            #expect(
                migrated.governance.version == 2 && migrated.governance.nextSequence == 2
                    && migrated.attestation.signer == wallet.guardian.base58)
            let signed = try #require(Data(base64Encoded: migrated.attestation.message))
            #expect(
                wallet.guardian.isValidSignature(
                    try SolanaSignature(base58: migrated.attestation.signature), for: Array(signed)))

            // Strict bodies: a wrong kind, both kinds of authorisation, none, and unknown fields are 400s naming the field.
            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let bad = [
                (#"{"kind":"soon","sequence":2,"code":"\#(code)"}"#, "kind"),
                (#"{"kind":"planned","sequence":2}"#, "code"),
                (
                    #"{"kind":"planned","sequence":2,"code":"\#(code)","recoveryCode":"x","challengeId":"y","signature":"z"}"#,
                    "code"
                ),
                (#"{"kind":"planned","sequence":2,"recoveryCode":"x"}"#, "challengeId"),
                (#"{"kind":"planned","sequence":2,"code":"\#(code)","when":"now"}"#, "when"),
                (#"{"kind":"planned","sequence":-1,"code":"\#(code)"}"#, "sequence"),
            ]
            for (json, field) in bad {
                let error = try await client.send(
                    .post, path + "/governance/schedule-rotation", json: json, token: wallet.token
                ).expectError(.badRequest, "invalid_request")
                #expect(error.message.contains(field), "\(json): \(error.message)")
            }
            let scheduled = try await client.send(
                .post, path + "/governance/schedule-rotation",
                json: #"{"kind":"planned","sequence":2,"code":"\#(code)"}"#, token: wallet.token
            )
            .decoded(Action.self, expecting: .created)
            let rotation = try #require(scheduled.governance.pendingRotation)
            #expect(rotation.executeAfterUnix == Int64(harness.clock.now().timeIntervalSince1970) + 48 * 3600)
            let status = try await client.send(.get, path + "/governance").decoded(Status.self, expecting: .ok)
            #expect(status.pendingRotation?.rotationId == rotation.rotationId)

            // Execution takes no code and waits for the timelock.
            try await client.send(
                .post, path + "/governance/execute-rotation",
                json: #"{"rotationId":"\#(rotation.rotationId)","sequence":3,"code":"123456"}"#, token: wallet.token
            )
            .expectError(.badRequest, "invalid_request")
            let early = try await client.send(
                .post, path + "/governance/execute-rotation",
                json: #"{"rotationId":"\#(rotation.rotationId)","sequence":3}"#, token: wallet.token)
            try early.expectError(.conflict, "timelock_active")
            #expect(early.headers[.retryAfter] != nil)
            harness.clock.advance(by: 48 * 3600)
            let token = try await client.signIn(wallet.keypair)
            let executed = try await client.send(
                .post, path + "/governance/execute-rotation",
                json: #"{"rotationId":"\#(rotation.rotationId)","sequence":3}"#, token: token
            )
            .decoded(Action.self, expecting: .ok)
            #expect(
                executed.governance.guardianPublicKey == rotation.newGuardianPublicKey
                    && executed.governance.sequence == 3)
            let guardian = try await client.send(.get, path + "/guardian").decoded(
                GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(guardian.guardianPublicKey == rotation.newGuardianPublicKey)
        }
    }

    @Test func breakGlassRecoveryCodesAndReenrollmentOverHTTP() async throws {
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock)
            let path = "/v1/wallets/\(wallet.address)"
            func challenge(_ action: String) async throws -> (id: String, signature: String) {
                let response = try await client.send(
                    .post, path + "/governance/challenge", body: ["action": action], token: wallet.token
                )
                .decoded(GuardianAPI.GovernanceChallengeResponse.self, expecting: .ok)
                #expect(response.message.contains(action))
                return (response.challengeId, try wallet.keypair.sign(Array(response.message.utf8)).base58)
            }
            try await client.send(
                .post, path + "/governance/challenge", body: ["action": "migrate"], token: wallet.token
            ).expectError(.badRequest, "invalid_request")

            harness.clock.advance(by: 30)
            let byCode = try await client.send(
                .post, path + "/break-glass/validate-totp", body: ["code": try wallet.code(harness.clock)],
                token: wallet.token
            )
            .decoded(GuardianAPI.BreakGlassResponse.self, expecting: .ok)
            #expect(byCode.method == "totp" && byCode.attestation.text.contains("Action: break_glass"))
            let glass = try await challenge("break_glass")
            let byRecovery = try await client.send(
                .post, path + "/break-glass/validate-totp",
                body: [
                    "recoveryCode": wallet.recoveryCodes[0].uppercased(), "challengeId": glass.id,
                    "signature": glass.signature,
                ], token: wallet.token
            )
            .decoded(GuardianAPI.BreakGlassResponse.self, expecting: .ok)
            #expect(byRecovery.method == "recovery_code" && byRecovery.remainingRecoveryCodes == 9)
            let again = try await challenge("break_glass")
            try await client.send(
                .post, path + "/break-glass/validate-totp",
                body: ["recoveryCode": wallet.recoveryCodes[0], "challengeId": again.id, "signature": again.signature],
                token: wallet.token
            )
            .expectError(.conflict, "recovery_code_used")
            // The fourth break-glass validation within the hour hits its bucket.
            try await client.send(
                .post, path + "/break-glass/validate-totp",
                body: ["recoveryCode": "aaaa-bbbb-cccc-dddd", "challengeId": again.id, "signature": again.signature],
                token: wallet.token
            )
            .expectError(.tooManyRequests, "rate_limited")

            harness.clock.advance(by: 30)
            let regenerated = try await client.send(
                .post, path + "/recovery-codes", body: ["code": try wallet.code(harness.clock)], token: wallet.token
            )
            .decoded(GuardianAPI.RecoveryCodesResponse.self, expecting: .created)
            #expect(regenerated.recoveryCodes.count == 10)

            harness.clock.advance(by: 3600)
            let token = try await client.signIn(wallet.keypair)
            let reenroll = try await client.send(
                .post, path + "/governance/challenge", body: ["action": "reenroll"], token: token
            )
            .decoded(GuardianAPI.GovernanceChallengeResponse.self, expecting: .ok)
            let signature = try wallet.keypair.sign(Array(reenroll.message.utf8)).base58
            try await client.send(
                .post, path + "/recovery/reenroll",
                body: [
                    "recoveryCode": wallet.recoveryCodes[1], "challengeId": reenroll.challengeId,
                    "signature": signature,
                ], token: token
            )
            .expectError(.unauthorized, "invalid_recovery_code")
            let start = try await client.send(
                .post, path + "/recovery/reenroll",
                body: [
                    "recoveryCode": regenerated.recoveryCodes[3], "challengeId": reenroll.challengeId,
                    "signature": signature,
                ], token: token
            )
            .decoded(GuardianAPI.EnrollmentResponse.self, expecting: .created)
            #expect(
                start.guardianPublicKey == wallet.guardian.base58 && start.status == "pending"
                    && start.otpauthUri != wallet.otpauthURI)
            let totp = try #require(try OTPAuthURI(parsing: start.otpauthUri).totp())
            harness.clock.advance(by: 30)
            let confirmed = try await client.send(
                .post, path + "/enrollment/confirm", body: ["code": try totp.code(at: harness.clock.now())],
                token: token
            )
            .decoded(GuardianAPI.GuardianStatusResponse.self, expecting: .ok)
            #expect(confirmed.status == "active" && confirmed.recoveryCodes?.count == 10)
        }
    }
}
