import BN254
import ChronoVaultEVM
import EVMKit
import Fields
import Foundation
import Groth16
import TestSupport
import Testing
import UR
import ZKTOTP

/// The two-device flow's pieces without the QR layer: the authenticator's secret file, the request and proof
/// messages (strict CBOR, UR), the approval screen, seed 003's 3-part JSON, and request → approve → check → submit on
/// the py-evm test chain.
@Suite("Two-device flow", .serialized) struct TwoDeviceFlowTests {
    static func randomRequest(_ rng: inout SplitMix64) -> ChronoVaultRequest {
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        let valueBytes = bytes(Int.random(in: 0...32, using: &rng))
        return ChronoVaultRequest(
            chainID: UInt64.random(in: 1...UInt64.max, using: &rng), wallet: try! EthereumAddress(bytes: bytes(20)),
            to: try! EthereumAddress(bytes: bytes(20)),
            value: UInt256(bigEndian: [UInt8](repeating: 0, count: 32 - valueBytes.count) + valueBytes)!,
            data: bytes(Int.random(in: 0...300, using: &rng)), nonce: UInt64.random(in: 0...UInt64.max, using: &rng),
            summary: Bool.random(using: &rng) ? "" : "pay rent ✓ \(rng.next())")
    }

    // MARK: Secret file

    @Test func theSecretFileOpensWithItsPassphraseOnlyAndDetectsTampering() throws {
        let secret = ZKTOTP.newSecret()
        let file = try AuthenticatorSecretFile.seal(secret: secret, passphrase: "correct horse", cost: 1 << 10)
        let reread = try AuthenticatorSecretFile(json: file.json())
        #expect(try reread.open(passphrase: "correct horse") == secret)
        #expect(reread.secretHash == ZKTOTP.secretHash(secret).decimalString)
        #expect(!String(decoding: file.json(), as: UTF8.self).contains(secret.decimalString))
        #expect(throws: ChronoVaultError.self) { try reread.open(passphrase: "correct horse ") }
        // Every authenticated field: change it and opening fails (wrong_passphrase or invalid_secret_file).
        var tampered = [reread, reread, reread, reread, reread]
        tampered[0].secretHash = ZKTOTP.secretHash(ZKTOTP.newSecret()).decimalString
        tampered[1].kdf.n = 1 << 11
        tampered[2].kdf.salt = String(reread.kdf.salt.reversed())
        tampered[3].cipher.ciphertext = "00" + reread.cipher.ciphertext.dropFirst(2)
        tampered[4].kdf.n = 1 << 30  // beyond the memory limit: refused before deriving
        for file in tampered {
            #expect(throws: ChronoVaultError.self) { try file.open(passphrase: "correct horse") }
        }
        #expect(throws: ChronoVaultError.self) { try AuthenticatorSecretFile(json: Data("{}".utf8)) }
    }

    // MARK: Messages

    @Test func requestsRoundTripThroughCBORAndURAndTheHashCoversEveryField() throws {
        var rng = SplitMix64(seed: 0x7D0)
        for _ in 0..<200 {
            let request = Self.randomRequest(&rng)
            let ur = try UR(parsing: request.ur.string.uppercased())
            #expect(try ChronoVaultRequest(ur: ur) == request)
            var changed = request
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: changed.chainID ^= 1
            case 1: changed.nonce ^= 1
            case 2: changed.data.append(0)
            case 3: changed.value = request.value.addingReportingOverflow(1).partialValue
            default: changed.summary += "!"
            }
            #expect(changed.hash != request.hash)
        }
    }

    @Test func malformedRequestsAreRefused() throws {
        var rng = SplitMix64(seed: 0x7D1)
        let request = Self.randomRequest(&rng)
        guard case .map(let map) = request.cbor else {
            Issue.record("a request encodes as a map")
            return
        }
        var cases: [CBOR] = [.array([]), .map([:])]
        var extra = map
        extra[.unsigned(8)] = .unsigned(0)
        cases.append(.map(extra))
        var nonMinimal = map
        nonMinimal[.unsigned(4)] = .bytes([0, 1])
        cases.append(.map(nonMinimal))
        var shortAddress = map
        shortAddress[.unsigned(3)] = .bytes([1, 2, 3])
        cases.append(.map(shortAddress))
        var zeroChain = map
        zeroChain[.unsigned(1)] = .unsigned(0)
        cases.append(.map(zeroChain))
        var hugeData = map
        hugeData[.unsigned(5)] = .bytes([UInt8](repeating: 0, count: ChronoVaultRequest.maxDataLength + 1))
        cases.append(.map(hugeData))
        for item in cases {
            #expect(throws: ChronoVaultError.self) { try ChronoVaultRequest(cbor: item) }
        }
        #expect(throws: ChronoVaultError.self) {
            try ChronoVaultRequest(ur: UR(type: "chronoguard-proof", item: request.cbor))
        }
    }

    @Test func theApprovalScreenShowsTheDecodedCallNotTheSummary() throws {
        let token = try EthereumAddress("0x1111111111111111111111111111111111111111")
        let recipient = try EthereumAddress("0x2222222222222222222222222222222222222222")
        let transfer = try ABIFunction("transfer(address,uint256)").encodeCall([.address(recipient), .uint(1234)])
        let request = ChronoVaultRequest(
            chainID: 1, wallet: try EthereumAddress("0x3333333333333333333333333333333333333333"), to: token,
            value: UInt256(1_500_000_000_000_000_000), data: transfer, nonce: 7,
            summary: "send 5 USDC to Bob\u{1B}[2J\u{202E}")
        let text = request.approvalText
        #expect(text.contains("1 (Ethereum)"))
        #expect(text.contains("1.5 ETH (1500000000000000000 wei)"))
        #expect(text.contains("transfer(address,uint256) on \(token.checksummed)"))
        #expect(text.contains("to: \(recipient.checksummed)"))
        #expect(text.contains("amount: 1234"))
        #expect(!text.contains("\u{1B}") && !text.contains("\u{202E}"))
        #expect(text.contains("(unverified)"))
        var other = request
        other.to = recipient
        other.data = []
        other.value = 1
        #expect(other.approvalText.contains("recipient:  \(recipient.checksummed)"))
        #expect(other.approvalText.contains("0.000000000000000001 ETH"))
        #expect(ChronoVaultRequest.ether(0) == "0")
        #expect(ChronoVaultRequest.ether(UInt256(10_000_000_000_000_000_000)) == "10")
    }

    // MARK: On the chain

    @Test func requestApproveCheckSubmitOnTheTestChainAndEveryMismatchIsCaughtBeforeSending() async throws {
        let f = try await ChronoVaultTests.fixture()
        let recipient = Secp256k1PrivateKey.generate().address
        let request = try await ChronoVault.request(
            client: f.client, wallet: f.deployment.wallet, to: recipient, value: UInt256(12_345), data: [],
            summary: "tip")
        #expect(request.chainID == EVMTestChain.chainId && request.nonce == 0)
        let now = ChronoVaultTests.now
        // Device B sees only the UR text.
        let received = try ChronoVaultRequest(ur: UR(parsing: request.ur.string))
        let message = try ChronoVault.approve(
            received, secret: f.secret, provingKey: ChronoVaultTests.keys, unixTime: now)
        let transported = try ChronoVaultProofMessage(ur: UR(parsing: message.ur.string.uppercased()))
        #expect(transported == message)

        // Device A's checks refuse a proof for another request, another call, a stale step.
        var other = request
        other.value = UInt256(12_346)
        await #expect(throws: ChronoVaultError.self) {
            try await ChronoVault.check(transported, for: other, client: f.client, unixTime: now)
        }
        var unbound = transported
        unbound.requestHash = nil
        await #expect(throws: ChronoVaultError.self) {
            try await ChronoVault.check(unbound, for: other, client: f.client, unixTime: now)
        }
        await #expect(throws: ChronoVaultError.self) {
            try await ChronoVault.check(transported, for: request, client: f.client, unixTime: now + 400)
        }
        var tampered = transported
        tampered.publicInputs = ZKTOTP.PublicInputs(
            totpCode: transported.publicInputs.totpCode + Fr(1), timeCounter: transported.publicInputs.timeCounter,
            secretHash: transported.publicInputs.secretHash, txCommitment: transported.publicInputs.txCommitment)
        await #expect(throws: ChronoVaultError.self) {
            try await ChronoVault.check(tampered, for: request, client: f.client, unixTime: now)
        }

        _ = try await ChronoVault.check(transported, for: request, client: f.client, unixTime: now)
        let before = try await f.client.getBalance(recipient)
        let execution = try await ChronoVault.submit(transported, for: request, client: f.client, owner: f.owner)
        #expect(execution.result.receipt.status)
        #expect(try await f.client.getBalance(recipient) == before.addingReportingOverflow(12_345).partialValue)
        // The same proof again: the wallet's nonce moved, so device A's check already refuses it.
        await #expect(throws: ChronoVaultError.self) {
            try await ChronoVault.check(transported, for: request, client: f.client, unixTime: now)
        }
    }

    @Test func seed003ThreePartJSONIsReadInAnyOrderAndForeignFramesAreIgnored() throws {
        var rng = SplitMix64(seed: 0x7D2)
        let request = Self.randomRequest(&rng)
        let message = try ChronoVault.approve(
            request, secret: ZKTOTP.newSecret(), provingKey: ChronoVaultTests.keys, unixTime: 1_800_000_000)
        var collector = ProofCollector()
        let parts = ProofCollector.seedParts(message)
        #expect(try !collector.receive(parts[2]))
        #expect(try !collector.receive("{\"part\":1,\"total\":4,\"data\":{}}"))
        #expect(try !collector.receive("hello"))
        #expect(try !collector.receive(parts[2]))
        #expect(try !collector.receive(parts[0]))
        #expect(try collector.receive(parts[1]))
        #expect(collector.ignoredFrames == 2)
        #expect(collector.message?.proof == message.proof)
        #expect(collector.message?.publicInputs == message.publicInputs)
        #expect(collector.message?.requestHash == nil)

        // UR frames: another message's frames in between (a proof for another request, fed first each time) are
        // kept apart, never mixed in, and its completed proof is discarded for answering another request.
        var otherRequest = request
        otherRequest.nonce &+= 1
        let foreign = try ChronoVault.approve(
            otherRequest, secret: ZKTOTP.newSecret(), provingKey: ChronoVaultTests.keys, unixTime: 1_800_000_000)
        var mine = try UREncoder(message.ur, maxFragmentLength: 60)
        var theirs = try UREncoder(foreign.ur, maxFragmentLength: 60)
        var urCollector = ProofCollector(expectedRequestHash: request.hash)
        var done = false
        for _ in 0..<(mine.sequenceLength * 3) where !done {
            _ = try urCollector.receive(theirs.nextPart())
            done = try urCollector.receive(mine.nextPart().uppercased())
        }
        #expect(done)
        #expect(urCollector.message == message)
        #expect(urCollector.ignoredFrames > 0)
    }
}
