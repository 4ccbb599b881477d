import Crypto
import EVMKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OTPRegistry
import OTPRegistryServer
import Prometheus
import TestSupport
import Testing

// MARK: - Harness

/// A registry deployed on the py-evm test chain (scripts/evm-test-chain.py), an issuer service with an in-memory
/// store in front of it, and users whose SIWE messages eth-account signs and whose codes pyotp computes from the
/// otpauth URI the service handed out.
struct IssuerHarness: Sendable {
    let client: EthereumRPCClient
    let registry: EthereumAddress
    let issuerKey: Secp256k1PrivateKey
    let service: RegistryService
    let prometheus: PrometheusCollectorRegistry
    let chainID: UInt64

    static func make(ttl: UInt64 = 120) async throws -> IssuerHarness {
        let url = try EVMTestChain.shared()
        let client = EthereumRPCClient(url: url)
        let issuerKey = Secp256k1PrivateKey.generate()
        try await EVMTestChain.fund(issuerKey.address.checksummed, wei: 10_000_000_000_000_000)
        let deployed = try await RegistryContract.deploy(
            client: client, deployer: issuerKey, admin: issuerKey.address, issuer: issuerKey.address)
        let chainID = try await client.chainId()
        var configuration = RegistryService.Configuration(
            signInDomain: "registry.example", signInURI: "https://registry.example/login", chainID: chainID,
            registry: deployed.address)
        configuration.requestTTL = ttl
        let prometheus = PrometheusCollectorRegistry()
        var master = [UInt8](repeating: 0, count: 32)
        for index in master.indices { master[index] = UInt8.random(in: 0...255) }
        let store = try RegistryStore(path: ":memory:", auditKey: SymmetricKey(size: .bits256))
        let service = try RegistryService(
            configuration: configuration, masterKey: master, store: store,
            issuer: IssuerAccount(key: issuerKey, client: client),
            metrics: RegistryMetrics(sink: PrometheusRegistryMetrics(registry: prometheus)))
        return IssuerHarness(
            client: client, registry: deployed.address, issuerKey: issuerKey, service: service,
            prometheus: prometheus, chainID: chainID)
    }

    func run(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRegistryRouter(service: service, registry: prometheus))
        try await app.test(.router, body)
    }

    /// A funded user account.
    static func user() async throws -> Secp256k1PrivateKey {
        let key = Secp256k1PrivateKey.generate()
        try await EVMTestChain.fund(key.address.checksummed, wei: 10_000_000_000_000_000)
        return key
    }
}

struct Reply {
    let status: Int
    let headers: HTTPFields
    let json: [String: Any]

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    func string(_ key: String) -> String { json[key] as? String ?? "" }
}

extension TestClientProtocol {
    func post(_ path: String, _ body: [String: Any]? = nil, token: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer? = nil
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
        }
        let response = try await execute(uri: path, method: .post, headers: headers, body: buffer)
        let data = Data(response.body.readableBytesView)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Reply(status: Int(response.status.code), headers: response.headers, json: json)
    }
}

enum Peer {
    static func call(_ request: [String: Any]) throws -> [String: Any] {
        try ExternalPeer.pythonJSON(script: try JSONPeerURL.peer(), request: request) as? [String: Any] ?? [:]
    }

    /// eth-account's EIP-191 signature of `message` by `key` (65 bytes, hex).
    static func sign(_ message: String, key: Secp256k1PrivateKey) throws -> String {
        "0x"
            + (try call(["op": "sign", "message": message, "key": KeyHierarchyTests.hex(key.bytes)])["signature"]
                as? String ?? "")
    }

    /// pyotp's code for the otpauth URI at `time`.
    static func code(uri: String, time: Int64) throws -> String {
        try call(["op": "totp", "uri": uri, "time": time])["code"] as? String ?? ""
    }
}

/// Signs in and enrols `key`; returns the session token and the otpauth URI.
func signInAndEnroll(_ client: any TestClientProtocol, key: Secp256k1PrivateKey) async throws -> (
    token: String, uri: String
) {
    let challenge = try await client.post("/v1/auth/challenge", ["address": key.address.checksummed])
    #expect(challenge.status == 200)
    let message = challenge.string("message")
    #expect(message.contains("registry.example wants you to sign in with your Ethereum account:"))
    let session = try await client.post(
        "/v1/auth/verify", ["message": message, "signature": try Peer.sign(message, key: key)])
    #expect(session.status == 200, "\(session.json)")
    let token = session.string("token")
    let enrollment = try await client.post("/v1/enrollment", token: token)
    #expect(enrollment.status == 200)
    let uri = enrollment.string("otpauthUri")
    #expect(uri.hasPrefix("otpauth://totp/"))
    #expect(uri.contains("algorithm=SHA256") && uri.contains("digits=6") && uri.contains("period=60"))
    #expect(enrollment.string("qrSvg").hasPrefix("<"))
    let now = Int64(Date().timeIntervalSince1970)
    let confirm = try await client.post(
        "/v1/enrollment/confirm", ["code": try Peer.code(uri: uri, time: now)], token: token)
    #expect(confirm.status == 204, "\(confirm.json)")
    return (token, uri)
}

func bytes32(_ hex: String) -> [UInt8] { Hex.decode(hex) ?? [] }

/// Sends `verify(requestId, otp, salt)` from `key`; the receipt and the revert's error name.
func verifyOnChain(
    _ harness: IssuerHarness, key: Secp256k1PrivateKey, requestID: [UInt8], otp: UInt32, salt: [UInt8]
) async throws -> (receipt: EthereumReceipt?, error: String?) {
    let data = try RegistryContract.verify.encodeCall([
        .fixedBytes(requestID), .uint(UInt256(UInt64(otp))), .fixedBytes(salt),
    ])
    do {
        let result = try await harness.client.send(to: harness.registry, data: data, signedBy: key, gasLimit: 100_000)
        return (result.receipt, result.receipt.status ? nil : RegistryContract.errorName(revertData: result.revertData))
    } catch {
        return (nil, RegistryContract.errorName(revertData: error.revertData) ?? error.message)
    }
}

func verifiedEvents(_ receipt: EthereumReceipt?, _ event: ABIEvent) -> Int {
    receipt?.logs.filter { $0.topics.first == event.topic0 }.count ?? 0
}

// MARK: - Tests

@Suite("OTP registry issuer, end to end on py-evm", .serialized)
struct IssuerEndToEndTests {
    @Test("sign in, enrol, issue, salt against the code, verify on chain, used; replay refused")
    func happyPathAndReplay() async throws {
        let harness = try await IssuerHarness.make()
        let user = try await IssuerHarness.user()
        try await harness.run { client in
            let (token, uri) = try await signInAndEnroll(client, key: user)
            let started = ContinuousClock.now
            let issued = try await client.post("/v1/requests", ["scope": "transfer"], token: token)
            let issueLatency = ContinuousClock.now - started
            #expect(issued.status == 201, "\(issued.json)")
            #expect(issued.json["salt"] == nil)
            let requestID = bytes32(issued.string("requestId"))
            let step = issued.json["step"] as? Int64 ?? Int64(issued.json["step"] as? Int ?? 0)
            let onChain = try await RegistryContract.request(
                requestID, registry: harness.registry, client: harness.client)
            #expect(onChain.user == user.address)
            #expect(!onChain.used && onChain.attempts == 0)
            #expect(
                Int64(onChain.expiry) == (issued.json["expiry"] as? Int64 ?? Int64(issued.json["expiry"] as? Int ?? 0)))

            // A SIWE session without the code gets no salt.
            let noBody = try await client.post("/v1/requests/\(issued.string("requestId"))/salt", token: token)
            #expect(noBody.status == 400 && noBody.json["salt"] == nil)
            let noSession = try await client.post("/v1/requests/\(issued.string("requestId"))/salt", ["code": "000000"])
            #expect(noSession.status == 401 && noSession.json["salt"] == nil)

            let code = try Peer.code(uri: uri, time: step * 60)
            let salt = try await client.post(
                "/v1/requests/\(issued.string("requestId"))/salt", ["code": code], token: token)
            #expect(salt.status == 200, "\(salt.json)")
            let saltBytes = bytes32(salt.string("salt"))
            #expect(saltBytes.count == 32)
            // The commitment on chain is ours, recomputed off-chain and by the contract's view.
            let ours = RegistryContract.commitment(
                chainID: harness.chainID, registry: harness.registry, requestID: requestID, user: user.address,
                salt: saltBytes, otp: UInt32(code)!)
            #expect(ours == onChain.commitment)
            let view = try await harness.client.call(
                EthereumCall(
                    to: harness.registry,
                    data: try RegistryContract.computeCommitment.encodeCall([
                        .fixedBytes(requestID), .address(user.address), .fixedBytes(saltBytes),
                        .uint(UInt256(UInt64(UInt32(code)!))),
                    ])))
            #expect(view == onChain.commitment)

            let verified = try await verifyOnChain(
                harness, key: user, requestID: requestID, otp: UInt32(code)!, salt: saltBytes)
            #expect(verified.receipt?.status == true)
            #expect(verifiedEvents(verified.receipt, RegistryContract.otpVerified) == 1)
            let after = try await RegistryContract.request(
                requestID, registry: harness.registry, client: harness.client)
            #expect(after.used)

            // Replay after success: the contract refuses, the service will not release the salt again.
            let replay = try await verifyOnChain(
                harness, key: user, requestID: requestID, otp: UInt32(code)!, salt: saltBytes)
            #expect(replay.error == "AlreadyUsed")
            let again = try await client.post(
                "/v1/requests/\(issued.string("requestId"))/salt", ["code": code], token: token)
            #expect(again.status == 409 && again.errorCode == "salt_already_released")
            #expect(
                try await RegistryContract.request(requestID, registry: harness.registry, client: harness.client)
                    == after)

            // Gas and latency for NOTES.md.
            let setReceipt = try await harness.client.getTransactionReceipt(bytes32(issued.string("transactionHash")))
            print(
                "GAS setOtp=\(setReceipt?.gasUsed ?? 0) verify=\(verified.receipt?.gasUsed ?? 0) issueLatency=\(issueLatency)"
            )

            // The audit chain verifies and names the steps, never a salt.
            let log = try await harness.service.store.auditLog()
            #expect(log.map(\.event).contains("salt_released"))
            #expect(!log.map(\.detail).joined().contains(salt.string("salt").dropFirst(2)))
        }
    }

    @Test("three wrong codes block the salt; the right code from another address is refused on chain")
    func attemptsAndOtherAddress() async throws {
        let harness = try await IssuerHarness.make()
        let user = try await IssuerHarness.user()
        let other = try await IssuerHarness.user()
        try await harness.run { client in
            let (token, uri) = try await signInAndEnroll(client, key: user)
            let (otherToken, _) = try await signInAndEnroll(client, key: other)
            // Request 1: the right code, then the salt used by another address.
            let first = try await client.post("/v1/requests", ["scope": "withdraw"], token: token)
            let id1 = first.string("requestId")
            let step1 = Int64(first.json["step"] as? Int ?? 0)
            let code1 = try Peer.code(uri: uri, time: step1 * 60)
            // Another signed-in user cannot get this request's salt even with the right code.
            let stolen = try await client.post("/v1/requests/\(id1)/salt", ["code": code1], token: otherToken)
            #expect(stolen.status == 404 && stolen.json["salt"] == nil)
            let salt1 = bytes32(
                try await client.post("/v1/requests/\(id1)/salt", ["code": code1], token: token).string("salt"))
            let before = try await RegistryContract.request(
                bytes32(id1), registry: harness.registry, client: harness.client)
            let foreign = try await verifyOnChain(
                harness, key: other, requestID: bytes32(id1), otp: UInt32(code1)!, salt: salt1)
            #expect(foreign.error == "NotRequestUser")
            #expect(
                try await RegistryContract.request(bytes32(id1), registry: harness.registry, client: harness.client)
                    == before)
            #expect(
                try await verifyOnChain(harness, key: user, requestID: bytes32(id1), otp: UInt32(code1)!, salt: salt1)
                    .receipt?.status == true)

            // Request 2: three wrong codes at the service, then even the right one is blocked.
            let second = try await client.post("/v1/requests", ["scope": "withdraw"], token: token)
            let id2 = second.string("requestId")
            let code2 = try Peer.code(uri: uri, time: Int64(second.json["step"] as? Int ?? 0) * 60)
            let wrong = String(format: "%06d", (Int(code2)! + 1) % 1_000_000)
            for _ in 0..<3 {
                let reply = try await client.post("/v1/requests/\(id2)/salt", ["code": wrong], token: token)
                #expect(reply.status == 400 && reply.errorCode == "invalid_code" && reply.json["salt"] == nil)
            }
            let fourth = try await client.post("/v1/requests/\(id2)/salt", ["code": code2], token: token)
            #expect(fourth.status == 423 && fourth.errorCode == "request_blocked" && fourth.json["salt"] == nil)

            // On chain: three failed verifies (false, counted), the fourth is Blocked.
            let salt1Reuse = salt1  // the wrong salt for request 2
            for attempt in 1...3 {
                let result = try await verifyOnChain(
                    harness, key: user, requestID: bytes32(id2), otp: UInt32(code2)!, salt: salt1Reuse)
                #expect(result.receipt?.status == true)
                #expect(verifiedEvents(result.receipt, RegistryContract.attemptFailed) == 1)
                #expect(verifiedEvents(result.receipt, RegistryContract.otpBlocked) == (attempt == 3 ? 1 : 0))
            }
            let blocked = try await verifyOnChain(
                harness, key: user, requestID: bytes32(id2), otp: UInt32(code2)!, salt: salt1Reuse)
            #expect(blocked.error == "Blocked")
            let state = try await RegistryContract.request(
                bytes32(id2), registry: harness.registry, client: harness.client)
            #expect(state.attempts == 3 && !state.used)
        }
    }

    @Test("a 4th issuance within 100 s is 429 with Retry-After; a request id reused by the issuer reverts")
    func rateLimitAndReusedID() async throws {
        let harness = try await IssuerHarness.make()
        let user = try await IssuerHarness.user()
        try await harness.run { client in
            let (token, _) = try await signInAndEnroll(client, key: user)
            var ids: [String] = []
            for _ in 0..<3 {
                let reply = try await client.post("/v1/requests", ["scope": "transfer"], token: token)
                #expect(reply.status == 201)
                ids.append(reply.string("requestId"))
            }
            #expect(Set(ids).count == 3)
            let fourth = try await client.post("/v1/requests", ["scope": "transfer"], token: token)
            #expect(fourth.status == 429 && fourth.errorCode == "rate_limited")
            let retry = Int(fourth.headers[.retryAfter] ?? "") ?? 0
            #expect((90...100).contains(retry), "Retry-After \(retry)")

            // The issuer sets an existing request id again: RequestExists, state unchanged.
            let id = bytes32(ids[0])
            let before = try await RegistryContract.request(id, registry: harness.registry, client: harness.client)
            let now = UInt64(Date().timeIntervalSince1970)
            let data = try RegistryContract.setOtp.encodeCall([
                .fixedBytes(id), .address(user.address), .fixedBytes([UInt8](repeating: 7, count: 32)),
                .uint(UInt256(now + 600)),
            ])
            var name: String? = nil
            do {
                let result = try await harness.client.send(
                    to: harness.registry, data: data, signedBy: harness.issuerKey, gasLimit: 150_000)
                name = RegistryContract.errorName(revertData: result.revertData)
                #expect(!result.receipt.status)
            } catch let error as EVMError { name = RegistryContract.errorName(revertData: error.revertData) }
            #expect(name == "RequestExists")
            #expect(
                try await RegistryContract.request(id, registry: harness.registry, client: harness.client) == before)
            // Metrics saw the rate limit.
            var text: [UInt8] = []
            harness.prometheus.emit(into: &text)
            #expect(String(decoding: text, as: UTF8.self).contains("chronoguard_registry_rate_limited_total 1"))
        }
    }

    @Test("a code from the previous step is refused; after expiry the salt and verify are refused")
    func previousStepAndExpiry() async throws {
        let harness = try await IssuerHarness.make(ttl: 30)
        let user = try await IssuerHarness.user()
        try await harness.run { client in
            let (token, uri) = try await signInAndEnroll(client, key: user)
            let issued = try await client.post("/v1/requests", ["scope": "transfer"], token: token)
            let id = issued.string("requestId")
            let step = Int64(issued.json["step"] as? Int ?? 0)
            let current = try Peer.code(uri: uri, time: step * 60)
            let previous = try Peer.code(uri: uri, time: (step - 1) * 60)
            if previous != current {
                let reply = try await client.post("/v1/requests/\(id)/salt", ["code": previous], token: token)
                #expect(reply.status == 400 && reply.errorCode == "invalid_code" && reply.json["salt"] == nil)
            }
            let salt = bytes32(
                try await client.post("/v1/requests/\(id)/salt", ["code": current], token: token).string("salt"))
            #expect(salt.count == 32)
            if previous != current {
                let stale = try await verifyOnChain(
                    harness, key: user, requestID: bytes32(id), otp: UInt32(previous)!, salt: salt)
                #expect(stale.receipt?.status == true)
                #expect(verifiedEvents(stale.receipt, RegistryContract.attemptFailed) == 1)
                #expect(verifiedEvents(stale.receipt, RegistryContract.otpVerified) == 0)
            }
            // A second request, left to expire (TTL 30 s).
            let late = try await client.post("/v1/requests", ["scope": "transfer"], token: token)
            let lateID = late.string("requestId")
            let lateCode = try Peer.code(uri: uri, time: Int64(late.json["step"] as? Int ?? 0) * 60)
            try await Task.sleep(for: .seconds(32))
            _ = try await EVMTestChain.rpc("evm_mine", [])
            let expired = try await client.post("/v1/requests/\(lateID)/salt", ["code": lateCode], token: token)
            #expect(expired.status == 410 && expired.errorCode == "request_expired" && expired.json["salt"] == nil)
            // The first request's right code and salt, after its expiry: Expired on chain, state unchanged.
            let before = try await RegistryContract.request(
                bytes32(id), registry: harness.registry, client: harness.client)
            let result = try await verifyOnChain(
                harness, key: user, requestID: bytes32(id), otp: UInt32(current)!, salt: salt)
            #expect(result.error == "Expired")
            #expect(
                try await RegistryContract.request(bytes32(id), registry: harness.registry, client: harness.client)
                    == before)
        }
    }

    @Test("SIWE: a nonce is single use; an altered message, a wrong signer and no session are refused")
    func signInAttacks() async throws {
        let harness = try await IssuerHarness.make()
        let user = Secp256k1PrivateKey.generate()
        let mallory = Secp256k1PrivateKey.generate()
        try await harness.run { client in
            let challenge = try await client.post("/v1/auth/challenge", ["address": user.address.checksummed])
            let message = challenge.string("message")
            // Signed by another key.
            let wrong = try await client.post(
                "/v1/auth/verify", ["message": message, "signature": try Peer.sign(message, key: mallory)])
            #expect(wrong.status == 401 && wrong.errorCode == "sign_in_failed")
            // The nonce was consumed by that attempt: even the right signature now fails.
            let consumed = try await client.post(
                "/v1/auth/verify", ["message": message, "signature": try Peer.sign(message, key: user)])
            #expect(consumed.status == 401)
            // A fresh challenge, its domain changed before signing: refused.
            let fresh = try await client.post("/v1/auth/challenge", ["address": user.address.checksummed]).string(
                "message")
            let phished = fresh.replacingOccurrences(of: "registry.example", with: "registry.evil")
            let phishReply = try await client.post(
                "/v1/auth/verify", ["message": phished, "signature": try Peer.sign(phished, key: user)])
            #expect(phishReply.status == 401)
            // The right one works once, then is a replay.
            let good = try await client.post("/v1/auth/challenge", ["address": user.address.checksummed]).string(
                "message")
            let signature = try Peer.sign(good, key: user)
            #expect(try await client.post("/v1/auth/verify", ["message": good, "signature": signature]).status == 200)
            #expect(try await client.post("/v1/auth/verify", ["message": good, "signature": signature]).status == 401)
            // No session, a made-up session, strict JSON.
            #expect(try await client.post("/v1/requests", ["scope": "x"]).status == 401)
            #expect(try await client.post("/v1/requests", ["scope": "x"], token: "made-up").status == 401)
            let extra = try await client.post("/v1/auth/challenge", ["address": user.address.checksummed, "x": 1])
            #expect(extra.status == 400 && extra.errorCode == "invalid_request")
        }
    }

    @Test("concurrent issuance from one issuer account gets distinct nonces")
    func concurrentIssuance() async throws {
        let harness = try await IssuerHarness.make()
        var users: [Secp256k1PrivateKey] = []
        for _ in 0..<4 { users.append(try await IssuerHarness.user()) }
        let keys = users
        try await harness.run { client in
            var tokens: [String] = []
            for key in keys { tokens.append(try await signInAndEnroll(client, key: key).token) }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for token in tokens {
                    group.addTask { try await client.post("/v1/requests", ["scope": "transfer"], token: token).status }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses == [201, 201, 201, 201])
        }
    }
}
