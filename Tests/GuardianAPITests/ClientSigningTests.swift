import ChainKit
import Foundation
import Testing

@testable import GuardianAPI

/// The client signs a server's Sign In With Solana message only when every field says what it should: a hostile or
/// spoofed server cannot pass a governance authorisation off as a sign-in, nor one action's challenge as another's.
@Suite struct ClientSigningTests {
    static let wallet = SolanaKeypair().publicKey
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    static let signInID = "00112233445566778899aabbccddeeff"

    static func message(
        statement: String? = GuardianAPI.signInStatement, domain: String = "guardian.test",
        uri: String = "https://guardian.test",
        address: SolanaPublicKey = wallet, requestID: String? = signInID, lifetime: TimeInterval = 300,
        issued: Date = now, resources: [String]? = nil
    ) throws -> String {
        try SIWSMessage(
            domain: domain, address: address, statement: statement, uri: uri, chainID: .mainnet,
            nonce: "abcdefghijklmnopqrstuvwxyz012345",
            issuedAt: SIWSTimestamp(issued, rounding: .down),
            expirationTime: SIWSTimestamp(issued.addingTimeInterval(lifetime), rounding: .down),
            requestID: requestID, resources: resources
        ).text
    }

    static func login(_ text: String) throws(GuardianAPIClientError) {
        _ = try GuardianAPIClient.checkedMessage(
            text, purpose: "sign-in", wallet: wallet, domain: "guardian.test", statement: GuardianAPI.signInStatement,
            nonce: "abcdefghijklmnopqrstuvwxyz012345", requestID: "00112233445566778899aabbccddeeff", now: now)
    }

    @Test func aGenuineSignInIsAccepted() throws {
        try Self.login(try Self.message())
    }

    @Test func governanceChallengesAndOtherMessagesAreNotSignedAsASignIn() throws {
        let refused = [
            // A reenroll authorisation, exactly as the guardian issues it, offered as a sign-in.
            try Self.message(
                statement: GuardianAPI.governanceStatement(action: "reenroll"), requestID: "0123456789abcdef"),
            try Self.message(statement: GuardianAPI.governanceStatement(action: "reenroll")),
            try Self.message(requestID: "0123456789abcdef"),
            try Self.message(requestID: nil),
            try Self.message(statement: "Sign in to something else."),
            try Self.message(statement: nil),
            try Self.message(domain: "evil.test", uri: "https://evil.test"),
            try Self.message(uri: "https://evil.test"),
            try Self.message(address: SolanaKeypair().publicKey),
            try Self.message(lifetime: 3_600),
            try Self.message(issued: Self.now.addingTimeInterval(-600)),
            try Self.message(resources: ["https://guardian.test/anything"]),
            try Self.message() + "\n",
        ]
        for text in refused {
            let error = #expect(throws: GuardianAPIClientError.self) { try Self.login(text) }
            #expect(error?.code == "siws_mismatch", "\(text)")
        }
    }

    @Test func aGovernanceChallengeMustBeForItsOwnAction() throws {
        let id = "0123456789abcdef"
        func check(_ text: String, as action: String) throws(GuardianAPIClientError) {
            _ = try GuardianAPIClient.checkedMessage(
                text, purpose: "\(action) challenge", wallet: Self.wallet, domain: "guardian.test",
                statement: GuardianAPI.governanceStatement(action: action), nonce: nil, requestID: id, now: Self.now)
        }
        let reenroll = try Self.message(statement: GuardianAPI.governanceStatement(action: "reenroll"), requestID: id)
        try check(reenroll, as: "reenroll")
        #expect(throws: GuardianAPIClientError.self) { try check(reenroll, as: "break_glass") }
        #expect(throws: GuardianAPIClientError.self) {
            try check(
                try Self.message(
                    statement: GuardianAPI.governanceStatement(action: "reenroll"), requestID: "fedcba9876543210"),
                as: "reenroll")
        }
        #expect(throws: GuardianAPIClientError.self) { try check(try Self.message(requestID: id), as: "reenroll") }
    }
}
