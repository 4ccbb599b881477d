import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import Testing

/// The guardian against independent implementations: libsodium (PyNaCl) signs the sign-in messages, pyotp reads the
/// provisioning URIs and computes the codes, solders (the Rust solana-sdk) builds the transactions and verifies
/// the co-signed result.
@Suite(.serialized) struct InteropTests {
    struct Keypair: Codable {
        let seed: String
        let pubkey: String
    }
    struct KeypairsRequest: Codable {
        var command = "keypairs"
        let count: Int
    }
    struct KeypairsResponse: Codable { let keypairs: [Keypair] }
    struct SignItem: Codable {
        let seed: String
        let message: String
    }
    struct SignRequest: Codable {
        var command = "sign"
        let items: [SignItem]
    }
    struct SignResponse: Codable { let signatures: [String] }
    struct TOTPItem: Codable {
        let uri: String
        let time: Int64
    }
    struct TOTPRequest: Codable {
        var command = "totp"
        let items: [TOTPItem]
    }
    struct TOTPResponse: Codable { let codes: [String] }
    struct BuildItem: Codable {
        let owner_seed: String
        let guardian: String
    }
    struct BuildRequest: Codable {
        var command = "build_transactions"
        let seed: UInt64
        let items: [BuildItem]
    }
    struct BuiltCase: Codable {
        let transaction: String
        let version: String
        let signer_seeds: [String]
        let presigned: [String]
        let guardian_is_payer: Bool
    }
    struct BuildResponse: Codable { let cases: [BuiltCase] }
    struct VerifyItem: Codable {
        let original: String
        let signed: String
        let guardian: String
        let signer_seeds: [String]
    }
    struct VerifyRequest: Codable {
        var command = "verify_transactions"
        let items: [VerifyItem]
    }
    struct VerifyResult: Codable {
        let guardian_signature_valid: Bool
        let message_unchanged: Bool
        let all_signatures_valid: Bool
    }
    struct VerifyResponse: Codable { let results: [VerifyResult] }

    /// Wallets whose keys libsodium made and signed in with, enrolled with codes pyotp computed.
    static func enrollWithPeers(_ harness: GuardianHarness, count: Int) async throws -> [(
        Keypair, Session, EnrollmentStart
    )] {
        let owners = try PythonPeer.call(KeypairsRequest(count: count), as: KeypairsResponse.self).keypairs
        var challenges: [LoginChallenge] = []
        for owner in owners { challenges.append(try await harness.service.challenge(wallet: owner.pubkey)) }
        let signatures = try PythonPeer.call(
            SignRequest(items: zip(owners, challenges).map { SignItem(seed: $0.seed, message: $1.message) }),
            as: SignResponse.self
        ).signatures
        var sessions: [Session] = []
        for (challenge, signature) in zip(challenges, signatures) {
            let grant = try await harness.service.verifyChallenge(id: challenge.id, signature: signature)
            sessions.append(try await harness.service.authenticate(token: grant.token))
        }
        var starts: [EnrollmentStart] = []
        for (owner, session) in zip(owners, sessions) {
            starts.append(try await harness.service.beginEnrollment(session: session, wallet: owner.pubkey))
        }
        let codes = try PythonPeer.call(
            TOTPRequest(items: starts.map { TOTPItem(uri: $0.otpauthURI, time: harness.clock.unixSeconds()) }),
            as: TOTPResponse.self
        ).codes
        for ((owner, session), code) in zip(zip(owners, sessions), codes) {
            _ = try await harness.service.confirmEnrollment(session: session, wallet: owner.pubkey, code: code)
        }
        return zip(zip(owners, sessions), starts).map { ($0.0, $0.1, $1) }
    }

    @Test func libsodiumSignedSignInsAndPyotpCodesEnroll() async throws {
        let harness = try await GuardianHarness.make()
        let enrolled = try await Self.enrollWithPeers(harness, count: 12)
        for (owner, _, start) in enrolled {
            let status = try await harness.service.guardianStatus(wallet: owner.pubkey)
            #expect(status.state == .active && status.guardianPublicKey == start.guardianPublicKey)
        }
        // A libsodium signature over a different challenge's text is refused.
        let owners = try PythonPeer.call(KeypairsRequest(count: 1), as: KeypairsResponse.self).keypairs
        let first = try await harness.service.challenge(wallet: owners[0].pubkey)
        let second = try await harness.service.challenge(wallet: owners[0].pubkey)
        let signature = try PythonPeer.call(
            SignRequest(items: [SignItem(seed: owners[0].seed, message: first.message)]), as: SignResponse.self
        ).signatures[0]
        #expect(
            await errorCode { try await harness.service.verifyChallenge(id: second.id, signature: signature) }
                == .invalidSignature)
        #expect(
            try await harness.service.verifyChallenge(id: first.id, signature: signature).wallet.base58
                == owners[0].pubkey)
    }

    @Test func pyotpAgreesWithTheServiceAcrossTheWindow() async throws {
        let harness = try await GuardianHarness.make { $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1) }
        let enrolled = try await Self.enrollWithPeers(harness, count: 8)
        // For each wallet: codes pyotp computes for −1, 0, +1 and +2 steps around the service's clock.
        harness.clock.advance(by: 300)
        let now = harness.clock.unixSeconds()
        let offsets: [Int64] = [-30, 0, 30, 60]
        let items = enrolled.flatMap { _, _, start in offsets.map { TOTPItem(uri: start.otpauthURI, time: now + $0) } }
        let codes = try PythonPeer.call(TOTPRequest(items: items), as: TOTPResponse.self).codes
        for (index, (owner, session, start)) in enrolled.enumerated() {
            let tx = try TransactionFactory.base64(
                TransactionFactory.transaction(signers: [
                    SolanaPublicKey(base58: owner.pubkey), start.guardianPublicKey,
                ]))
            let mine = Array(codes[(index * 4)..<(index * 4 + 4)])
            // +2 steps: outside the window. (Skip when it collides with an in-window code: 10^-6 odds.)
            if !mine[0...2].contains(mine[3]) {
                #expect(
                    await errorCode {
                        try await harness.service.cosign(
                            session: session, wallet: owner.pubkey, transactionBase64: tx, code: mine[3])
                    } == .invalidCode)
            }
            // −1 step accepted; then 0 and +1, each greater than the last.
            for code in mine[0...2] {
                _ = try await harness.service.cosign(
                    session: session, wallet: owner.pubkey, transactionBase64: tx, code: code)
            }
            #expect(
                await errorCode {
                    try await harness.service.cosign(
                        session: session, wallet: owner.pubkey, transactionBase64: tx, code: mine[1])
                } == .codeAlreadyUsed)
        }
    }

    @Test func soldersTransactionsAreCosignedAndVerifyInSolders() async throws {
        let harness = try await GuardianHarness.make { $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1) }
        let enrolled = try await Self.enrollWithPeers(harness, count: 10)
        let perWallet = 6
        let items = enrolled.flatMap { owner, _, start in
            Array(
                repeating: BuildItem(owner_seed: owner.seed, guardian: start.guardianPublicKey.base58), count: perWallet
            )
        }
        let cases = try PythonPeer.call(
            BuildRequest(seed: UInt64.random(in: 0...UInt64(UInt32.max)), items: items), as: BuildResponse.self
        ).cases
        #expect(cases.count == items.count)
        #expect(Set(cases.map(\.version)) == ["legacy", "v0"])

        // Round r: every wallet co-signs its r-th transaction with the code of a fresh step.
        var verifyItems = [VerifyItem?](repeating: nil, count: cases.count)
        for round in 0..<perWallet {
            harness.clock.advance(by: 30)
            for (walletIndex, (owner, session, start)) in enrolled.enumerated() {
                let index = walletIndex * perWallet + round
                let code = try OTPAuthURI(parsing: start.otpauthURI).totp()!.code(at: harness.clock.unixSeconds())
                let result = try await harness.service.cosign(
                    session: session, wallet: owner.pubkey, transactionBase64: cases[index].transaction, code: code)
                verifyItems[index] = VerifyItem(
                    original: cases[index].transaction, signed: result.signedTransactionBase64,
                    guardian: start.guardianPublicKey.base58, signer_seeds: cases[index].signer_seeds)
            }
        }
        let results = try PythonPeer.call(VerifyRequest(items: verifyItems.compactMap { $0 }), as: VerifyResponse.self)
            .results
        #expect(results.count == cases.count)
        for (built, result) in zip(cases, results) {
            #expect(result.guardian_signature_valid, "\(built.version) payer=\(built.guardian_is_payer)")
            #expect(result.message_unchanged)
            #expect(result.all_signatures_valid, "\(built.version) presigned=\(built.presigned.count)")
        }
    }

    @Test func soldersTransactionsWithoutTheGuardianOrTheWalletAreRefused() async throws {
        let harness = try await GuardianHarness.make { $0.walletRateLimit = TokenBucketPolicy(capacity: 1_000, per: 1) }
        let enrolled = try await Self.enrollWithPeers(harness, count: 2)
        let (ownerA, sessionA, startA) = enrolled[0]
        let (ownerB, _, startB) = enrolled[1]
        // Transactions built for wallet B (B's owner and B's guardian), submitted by wallet A.
        let foreign = try PythonPeer.call(
            BuildRequest(
                seed: 7,
                items: Array(
                    repeating: BuildItem(owner_seed: ownerB.seed, guardian: startB.guardianPublicKey.base58), count: 4)),
            as: BuildResponse.self
        ).cases
        // Wallet A's own owner with B's guardian: A's guardian is missing.
        let wrongGuardian = try PythonPeer.call(
            BuildRequest(
                seed: 8,
                items: Array(
                    repeating: BuildItem(owner_seed: ownerA.seed, guardian: startB.guardianPublicKey.base58), count: 4)),
            as: BuildResponse.self
        ).cases
        let code = try harness.nextCode(
            EnrolledWallet(
                owner: SolanaKeypair(), session: sessionA, guardian: startA.guardianPublicKey,
                totp: OTPAuthURI(parsing: startA.otpauthURI).totp()!))
        for built in foreign {
            #expect(
                await errorCode {
                    try await harness.service.cosign(
                        session: sessionA, wallet: ownerA.pubkey, transactionBase64: built.transaction, code: code)
                } == .walletNotSigner)
        }
        for built in wrongGuardian {
            #expect(
                await errorCode {
                    try await harness.service.cosign(
                        session: sessionA, wallet: ownerA.pubkey, transactionBase64: built.transaction, code: code)
                } == .guardianNotSigner)
        }
    }
}
