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

// MARK: - /v1/wallets/{wallet}/policy

@Suite struct PolicyRouteTests {
    static let solLimit = #"{"spendingLimits":[{"asset":"SOL","period":"day","amount":"5000000000"}]}"#

    static func put(
        _ client: any TestClientProtocol, _ wallet: ActiveWallet, policy: String, code: String, token: String? = nil
    ) async throws -> TestResponse {
        try await client.send(
            .put, "/v1/wallets/\(wallet.address)/policy", json: #"{"policy":\#(policy),"code":"\#(code)"}"#,
            token: token ?? wallet.token)
    }

    @Test func getAndPutWithSessionCodeAndStrictJSON() async throws {
        let harness = try await ServerHarness.inMemory()
        let samples = try await harness.run { client -> [OpenAPITests.Sample] in
            var samples: [OpenAPITests.Sample] = []
            func record(_ method: String, _ response: TestResponse) {
                samples.append(
                    OpenAPITests.Sample(
                        path: "/v1/wallets/{wallet}/policy", method: method, status: Int(response.status.code),
                        body: response.text))
            }
            let wallet = try await client.activeWallet(clock: harness.clock)
            let path = "/v1/wallets/\(wallet.address)/policy"
            let empty = try await client.send(.get, path, token: wallet.token)
            record("get", empty)
            let none = try empty.decoded(GuardianAPI.PolicyResponse.self, expecting: .ok)
            #expect(none.active == nil && none.pending == nil && none.revision == 0 && none.usage.isEmpty)
            #expect(empty.text.contains(#""active":null"#), "null fields are explicit: \(empty.text)")
            let unauthorized = try await client.send(.get, path)
            record("get", unauthorized)
            try unauthorized.expectError(.unauthorized, "session_invalid")

            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            // Strict JSON: every problem names its field; none of them consumes the code.
            let invalid: [(String, String)] = [
                (#"{"policy":\#(Self.solLimit)}"#, "code"),
                (#"{"code":"\#(code)"}"#, "policy"),
                (#"{"policy":{"spendingLimit":[]},"code":"\#(code)"}"#, "spendingLimit"),
                (
                    #"{"policy":{"spendingLimits":[{"asset":"SOL","period":"day","amount":5}]},"code":"\#(code)"}"#,
                    "policy.spendingLimits[0].amount"
                ),
                (
                    #"{"policy":{"spendingLimits":[{"asset":"SOL","period":"day","amount":"-5"}]},"code":"\#(code)"}"#,
                    "policy.spendingLimits[0].amount"
                ),
                (
                    #"{"policy":{"spendingLimits":[{"asset":"SOL","period":"month","amount":"5"}]},"code":"\#(code)"}"#,
                    "policy.spendingLimits[0].period"
                ),
                (
                    #"{"policy":{"spendingLimits":[{"asset":"BTC","period":"day","amount":"5"}]},"code":"\#(code)"}"#,
                    "policy.spendingLimits[0].asset"
                ),
                (#"{"policy":{"allowedDestinations":["nope"]},"code":"\#(code)"}"#, "policy.allowedDestinations[0]"),
            ]
            for (body, field) in invalid {
                let response = try await client.send(.put, path, json: body, token: wallet.token)
                record("put", response)
                let error = try response.expectError(.badRequest, "invalid_request")
                #expect(error.field == field || error.message.contains(field), "\(body): \(error)")
            }
            let duplicate =
                #"{"spendingLimits":[{"asset":"SOL","period":"day","amount":"1"},{"asset":"SOL","period":"day","amount":"2"}]}"#
            let unprocessable = try await Self.put(client, wallet, policy: duplicate, code: code)
            record("put", unprocessable)
            try unprocessable.expectError(.unprocessableContent, "invalid_policy")
            try await Self.put(client, wallet, policy: Self.solLimit, code: code, token: "nope").expectError(
                .unauthorized, "session_invalid")

            let updated = try await Self.put(client, wallet, policy: Self.solLimit, code: code)
            record("put", updated)
            let body = try updated.decoded(GuardianAPI.PolicyResponse.self, expecting: .ok)
            #expect(
                body.revision == 1
                    && body.active?.spendingLimits == [
                        GuardianAPI.SpendingLimit(asset: "SOL", period: "day", amount: "5000000000")
                    ])
            #expect(
                body.usage == [
                    GuardianAPI.SpendingLimitUsage(
                        asset: "SOL", period: "day", limit: "5000000000", spent: "0", remaining: "5000000000")
                ])
            // The code is burned.
            let replay = try await Self.put(client, wallet, policy: "null", code: code)
            record("put", replay)
            try replay.expectError(.conflict, "code_already_used")
            // Loosening (removal): pending for 24 hours.
            harness.clock.advance(by: 30)
            let removal = try await Self.put(client, wallet, policy: "null", code: wallet.code(harness.clock))
            record("put", removal)
            let pending = try removal.decoded(GuardianAPI.PolicyResponse.self, expecting: .ok)
            #expect(pending.active != nil && pending.pending?.policy == nil)
            #expect(pending.pending?.effectiveAt == harness.clock.now().addingTimeInterval(86_400))
            return samples
        }
        let check = try PythonPeer.run(
            "openapi_check", ["document": AnyEncodable(OpenAPIDocument.json), "samples": AnyEncodable(samples)],
            as: OpenAPITests.Check.self)
        #expect(check.specErrors.isEmpty, "\(check.specErrors)")
        #expect(check.sampleErrors.isEmpty, "\(check.sampleErrors.joined(separator: "\n"))")
    }

    struct Built: Decodable { let transactions: [String] }
    struct Verified: Decodable {
        struct Result: Decodable {
            let ok: Bool
            let detail: String
        }
        let results: [Result]
    }

    /// solders builds a SOL transfer and spl.token a TransferChecked, owner and guardian as signers, owner-signed; the
    /// guardian co-signs over HTTP within the limits, solders verifies; the next ones go over and are refused with
    /// the rule named.
    @Test func soldersTransfersWithinAndOverTheLimits() async throws {
        let harness = try await ServerHarness.inMemory()
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let owner = try SolanaKeypair(seed: seed)
        let mint = SolanaKeypair().publicKey
        let source = SolanaKeypair().publicKey
        try await harness.run { client in
            let wallet = try await client.activeWallet(clock: harness.clock, keypair: owner)
            harness.clock.advance(by: 30)
            let policy =
                #"{"spendingLimits":[{"asset":"SOL","period":"day","amount":"5000000000"},{"asset":"\#(mint.base58)","period":"week","amount":"100000000"}]}"#
            try await Self.put(client, wallet, policy: policy, code: wallet.code(harness.clock)).expect(.ok)

            func item(_ kind: String, _ amount: UInt64) -> [String: AnyEncodable] {
                [
                    "ownerSeed": AnyEncodable(seed.map { String(format: "%02x", $0) }.joined()),
                    "guardian": AnyEncodable(wallet.guardian.base58), "kind": AnyEncodable(kind),
                    "amount": AnyEncodable(amount), "to": AnyEncodable(SolanaKeypair().publicKey.base58),
                    "mint": AnyEncodable(mint.base58),
                    "source": AnyEncodable(source.base58), "decimals": AnyEncodable(6),
                ]
            }
            let built = try PythonPeer.run(
                "policy_tx",
                [
                    "op": AnyEncodable("build"),
                    "items": AnyEncodable([
                        item("sol", 4_000_000_000), item("token", 70_000_000), item("sol", 2_200_000_000),
                        item("token", 40_000_000),
                    ]),
                ], as: Built.self
            ).transactions
            var signed: [[String: String]] = []
            for transaction in built.prefix(2) {
                harness.clock.advance(by: 30)
                let response = try await client.cosign(
                    wallet, transaction: transaction, code: wallet.code(harness.clock)
                ).decoded(GuardianAPI.CosignResponse.self, expecting: .ok)
                signed.append(["transaction": response.transaction, "original": transaction])
            }
            let verified = try PythonPeer.run(
                "policy_tx", ["op": AnyEncodable("verify"), "items": AnyEncodable(signed)], as: Verified.self
            ).results
            #expect(verified.count == 2 && verified.allSatisfy(\.ok), "\(verified.map(\.detail))")

            harness.clock.advance(by: 30)
            let code = try wallet.code(harness.clock)
            let overSOL = try await client.cosign(wallet, transaction: built[2], code: code).expectError(
                .forbidden, "policy_spending_limit_exceeded")
            #expect(
                overSOL.message.contains("Spending limit (SOL per day)")
                    && overSOL.message.contains(
                        "would be 6.2 SOL (6200000000 lamports), 1200000000 over the limit of 5000000000"),
                "\(overSOL.message)")
            let overToken = try await client.cosign(wallet, transaction: built[3], code: code).expectError(
                .forbidden, "policy_spending_limit_exceeded")
            #expect(
                overToken.message.contains("token \(mint.base58) per week")
                    && overToken.message.contains(
                        "would be 110 (110000000 base units), 10000000 over the limit of 100000000"),
                "\(overToken.message)")
            let status = try await client.send(.get, "/v1/wallets/\(wallet.address)/policy", token: wallet.token)
                .decoded(GuardianAPI.PolicyResponse.self, expecting: .ok)
            #expect(
                status.usage.map(\.spent) == ["4000000000", "70000000"]
                    && status.usage.map(\.remaining) == ["1000000000", "30000000"])
            // The refusals consumed nothing: the same code co-signs a transfer within the limit.
            let within = try PythonPeer.run(
                "policy_tx", ["op": AnyEncodable("build"), "items": AnyEncodable([item("sol", 1_000_000_000)])],
                as: Built.self
            ).transactions[0]
            try await client.cosign(wallet, transaction: within, code: code).expect(.ok)
        }
    }
}
