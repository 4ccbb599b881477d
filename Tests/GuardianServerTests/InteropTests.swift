import ChainKit
import Foundation
import Guardian
import GuardianAPI
import GuardianServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

// MARK: - Interoperability with independent peers

@Suite struct InteropTests {
    struct NaClKeys: Decodable {
        struct Key: Decodable {
            let seed: String
            let publicKey: String
        }
        let keys: [Key]
    }

    struct NaClSignatures: Decodable { let signatures: [String] }

    /// Wallet keys made and used by PyNaCl (libsodium): the server issues challenges, PyNaCl signs them, the server
    /// verifies. Tampered messages signed by the right key are refused.
    @Test func pynaclWalletsSignInAndTamperedMessagesDoNot() async throws {
        let peers = try PythonPeer.run(
            "siws_pynacl", ["op": AnyEncodable("keys"), "count": AnyEncodable(16)], as: NaClKeys.self
        ).keys
        let harness = try await ServerHarness.inMemory { $0.guardian.clientIPRateLimit = nil }
        try await harness.run { client in
            var challenges: [GuardianAPI.ChallengeResponse] = []
            for peer in peers {
                let publicKey = try SolanaPublicKey(bytes: try #require(Hex.decode(peer.publicKey)))
                // The same seed gives the same key on both sides (RFC 8032 §5.1.5).
                #expect(try SolanaKeypair(seed: try #require(Hex.decode(peer.seed))).publicKey == publicKey)
                challenges.append(
                    try await client.send(.post, "/v1/auth/challenge", body: ["wallet": publicKey.base58]).decoded(
                        GuardianAPI.ChallengeResponse.self, expecting: .ok))
            }
            struct Item: Encodable {
                let seed: String
                let message: String
            }
            let genuine = zip(peers, challenges).map { Item(seed: $0.seed, message: $1.message) }
            let tampered = zip(peers, challenges).map {
                Item(seed: $0.seed, message: $1.message.replacingOccurrences(of: "guardian.test", with: "evil.test"))
            }
            let signatures = try PythonPeer.run(
                "siws_pynacl", ["op": AnyEncodable("sign"), "items": AnyEncodable(tampered + genuine)],
                as: NaClSignatures.self
            ).signatures
            #expect(signatures.count == 2 * peers.count)
            for (index, challenge) in challenges.enumerated() {
                let forged = try SolanaSignature(bytes: try #require(Hex.decode(signatures[index])))
                try await client.send(
                    .post, "/v1/auth/verify", body: ["challengeId": challenge.challengeId, "signature": forged.base58]
                )
                .expectError(.unauthorized, "invalid_signature")
                let real = try SolanaSignature(bytes: try #require(Hex.decode(signatures[peers.count + index])))
                // Base58 as wallets send it, or padded Base64.
                let text = index.isMultiple(of: 2) ? real.base58 : Data(real.bytes).base64EncodedString()
                let session = try await client.send(
                    .post, "/v1/auth/verify", body: ["challengeId": challenge.challengeId, "signature": text]
                )
                .decoded(GuardianAPI.SessionResponse.self, expecting: .ok)
                #expect(
                    try await harness.service.authenticate(token: session.token).wallet.bytes
                        == Hex.decode(peers[index].publicKey))
            }
        }
    }

    struct SoldersKeys: Decodable {
        struct Key: Decodable {
            let seed: String
            let publicKey: String
        }
        let keys: [Key]
    }

    struct Built: Decodable { let transactions: [String] }

    struct Verified: Decodable {
        struct Result: Decodable {
            let ok: Bool
            let detail: String
        }
        let results: [Result]
    }

    struct BuildItem: Encodable {
        let ownerSeed: String
        let guardian: String
        let version: String
        let transfers: Int
        let memo: String
    }

    struct VerifyItem: Encodable {
        let transaction: String
        let original: String
        let owner: String
        let guardian: String
    }

    /// solders builds legacy and v0 transactions needing the owner and the guardian, the owner signs, the guardian
    /// co-signs over HTTP, and solders verifies the whole transaction.
    @Test func soldersTransactionsCosignedOverHTTPVerifyInSolders() async throws {
        let owners = try PythonPeer.run(
            "solders_tx", ["op": AnyEncodable("keys"), "count": AnyEncodable(6)], as: SoldersKeys.self
        ).keys
        let rounds = 4
        let harness = try await ServerHarness.inMemory()
        try await harness.run { client in
            var wallets: [ActiveWallet] = []
            for owner in owners {
                let keypair = try SolanaKeypair(seed: try #require(Hex.decode(owner.seed)))
                #expect(keypair.publicKey.base58 == owner.publicKey)
                wallets.append(try await client.activeWallet(clock: harness.clock, keypair: keypair))
            }
            var items: [BuildItem] = []
            for round in 0..<rounds {
                for (owner, wallet) in zip(owners, wallets) {
                    items.append(
                        BuildItem(
                            ownerSeed: owner.seed, guardian: wallet.guardian.base58,
                            version: (round + items.count).isMultiple(of: 2) ? "legacy" : "v0",
                            transfers: Int.random(in: 0...3), memo: "chronoguard \(UUID().uuidString)"))
                }
            }
            let built = try PythonPeer.run(
                "solders_tx", ["op": AnyEncodable("build"), "items": AnyEncodable(items)], as: Built.self
            ).transactions
            var checks: [VerifyItem] = []
            for round in 0..<rounds {
                harness.clock.advance(by: 30)
                for (index, wallet) in wallets.enumerated() {
                    let original = built[round * wallets.count + index]
                    let result = try await client.cosign(
                        wallet, transaction: original, code: wallet.code(harness.clock)
                    )
                    .decoded(GuardianAPI.CosignResponse.self, expecting: .ok)
                    checks.append(
                        VerifyItem(
                            transaction: result.transaction, original: original, owner: wallet.address,
                            guardian: wallet.guardian.base58))
                }
            }
            let results = try PythonPeer.run(
                "solders_tx", ["op": AnyEncodable("verify"), "items": AnyEncodable(checks)], as: Verified.self
            ).results
            #expect(results.count == rounds * owners.count)
            for (index, result) in results.enumerated() {
                #expect(result.ok, "transaction \(index): \(result.detail)")
            }
        }
    }
}
