import BN254
import ChronoVaultEVM
import EVMKit
import Fields
import Groth16
import TestSupport
import Testing
import UR
import ZKTOTP

// MARK: - The two-device messages in the module against ChronoVaultEVM natively

/// The pages build, open and check requests and proofs only through the module (docs/wasm.md): these calls must agree
/// with the CLI's native code byte for byte, and refuse what it refuses.
@Suite struct TwoDeviceWasmTests {
    /// A random request: any chain, addresses, value and nonce; data empty, an ERC-20 transfer or random bytes; a note
    /// with control characters and bidi overrides sometimes.
    static func randomRequest(_ random: inout SplitMix64) -> ChronoVaultRequest {
        func address() -> EthereumAddress { try! EthereumAddress(bytes: random.bytes(20)) }
        let to = address()
        var data: [UInt8] = []
        switch random.next() % 3 {
        case 0: break
        case 1:
            let transfer = try! ABIFunction("transfer(address,uint256)")
            data = try! transfer.encodeCall([.address(address()), .uint(UInt256(random.next()))])
        default: data = random.bytes(Int(random.next() % 300))
        }
        let notes = ["", "rent for December", "pay \u{1B}[2Jme\u{202E}", "çà et là ✓"]
        return ChronoVaultRequest(
            chainID: 1 + random.next() % 100_000, wallet: address(), to: to,
            value: UInt256(bigEndian: random.bytes(32))!, data: data, nonce: random.next() % 1_000_000,
            summary: notes[Int(random.next() % 4)])
    }

    /// The request's fields as the module takes them, encoded there.
    static func encodeInWasm(_ request: ChronoVaultRequest, _ wasm: WasmInstance) throws -> (Int64, [UInt8]) {
        let note = Array(request.summary.utf8)
        let status = try wasm.call(
            "cg_request_encode",
            [
                .i64(request.chainID), .i32(try wasm.write(request.wallet.bytes)),
                .i32(try wasm.write(request.to.bytes)), .i32(try wasm.write(request.value.bigEndianBytes)),
                .i32(try wasm.write(request.data)), .i32(UInt32(request.data.count)), .i64(request.nonce),
                .i32(try wasm.write(note)), .i32(UInt32(note.count)),
            ])
        return (status, try wasm.result())
    }

    @Test func requestsEncodeAndOpenExactlyAsNative() throws {
        var (random, seed) = SplitMix64.seeded()
        let wasm = try WasmInstance()
        for _ in 0..<25 {
            let request = Self.randomRequest(&random)
            let (status, cbor) = try Self.encodeInWasm(request, wasm)
            let message = try wasm.message()
            #expect(status == 0, "seed \(seed): \(message)")
            #expect(cbor == request.cbor.encoded, "seed \(seed)")
            let openStatus = try wasm.call("cg_request_open", [.i32(try wasm.write(cbor)), .i32(UInt32(cbor.count))])
            #expect(openStatus == 0)
            let opened = try wasm.result()
            #expect(Array(opened[0..<32]) == (try request.commitment()).bigEndianBytes, "seed \(seed)")
            #expect(Array(opened[32..<64]) == request.hash, "seed \(seed)")
            #expect(String(decoding: opened[64...], as: UTF8.self) == request.approvalText, "seed \(seed)")
        }
    }

    @Test func malformedRequestsAreRefusedWithTheCLIsMessage() throws {
        let wasm = try WasmInstance()
        var random = SplitMix64(seed: 7)
        let good = Self.randomRequest(&random).cbor.encoded
        let bads: [[UInt8]] = [[], [0xA0], Array(good.dropLast()), good + [0], [0xFF] + good.dropFirst()]
        for bad in bads {
            let status = try wasm.call("cg_request_open", [.i32(try wasm.write(bad)), .i32(UInt32(bad.count))])
            #expect(status == -3)
            #expect(try wasm.message().hasPrefix("invalid_request: The request is not a valid ChronoVault request"))
        }
        // 300 random mutations (a flipped bit, a cut, a byte inserted): a status and a message, never a trap; what still
        // decodes is exactly what the native decoder accepts.
        var (mutator, seed) = SplitMix64.seeded()
        for _ in 0..<300 {
            var bytes = good
            let at = Int(mutator.next() % UInt64(bytes.count))
            switch mutator.next() % 3 {
            case 0: bytes[at] ^= UInt8(1) << (mutator.next() % 8)
            case 1: bytes.removeSubrange(at...)
            default: bytes.insert(UInt8(truncatingIfNeeded: mutator.next()), at: at)
            }
            let status = try wasm.call("cg_request_open", [.i32(try wasm.write(bytes)), .i32(UInt32(bytes.count))])
            let native = try? ChronoVaultRequest(cbor: CBOR(decoding: bytes))
            #expect((status == 0) == (native != nil), "seed \(seed)")
            #expect(status == 0 || status == -3, "seed \(seed)")
        }
        // A zero chain id or a value that is not 32 bytes never becomes a request.
        let zeroChain = try wasm.call(
            "cg_request_encode", [.i64(0), .i32(0), .i32(0), .i32(0), .i32(0), .i32(0), .i64(0), .i32(0), .i32(0)])
        #expect(zeroChain == -1)
    }

    @Test func keccakAndErrorNamesEqualNative() throws {
        var (random, seed) = SplitMix64.seeded()
        let wasm = try WasmInstance()
        for length in [0, 1, 135, 136, 137, 272, 1000] + (0..<10).map({ _ in Int(random.next() % 2000) }) {
            let input = random.bytes(length)
            #expect(try wasm.call("cg_keccak256", [.i32(try wasm.write(input)), .i32(UInt32(length))]) == 0)
            #expect(try wasm.result() == Keccak256.hash(input), "seed \(seed), length \(length)")
        }
        for name in ChronoVault.errorNames {
            let data = Array(Keccak256.hash(Array("\(name)()".utf8)).prefix(4))
            #expect(try wasm.call("cg_error_name", [.i32(try wasm.write(data)), .i32(4)]) == 0)
            #expect(try wasm.message() == name)
        }
        #expect(try wasm.call("cg_error_name", [.i32(try wasm.write([1, 2, 3, 4])), .i32(4)]) == 1)
    }

    /// A proof made natively for a request, as device B's message.
    static func message(for request: ChronoVaultRequest, unixTime: UInt64) throws -> ChronoVaultProofMessage {
        let (key, _, secret, _) = WasmProofFixture.key
        return try ChronoVault.approve(request, secret: secret, provingKey: key, unixTime: unixTime)
    }

    @Test func aProofCheckGivesTheCLIsCalldataAndRefusesMismatches() throws {
        var random = SplitMix64(seed: 19)
        let request = Self.randomRequest(&random)
        let other = Self.randomRequest(&random)
        let message = try Self.message(for: request, unixTime: 1_770_000_000)
        let keyBytes = WasmProofFixture.key.keyBytes
        let wasm = try WasmInstance()
        let keyAddress = try wasm.write(keyBytes)
        // The wallet's state the page reads from the chain: its secret hash, no step used yet, and the proof's time.
        let ownerSecretHash = try wasm.write(message.publicInputs.secretHash.bigEndianBytes)
        let lastUsed = try wasm.write([UInt8](repeating: 0, count: 32))
        func check(_ request: ChronoVaultRequest, _ message: [UInt8]) throws -> Int64 {
            let cbor = request.cbor.encoded
            return try wasm.call(
                "cg_proof_check",
                [
                    .i32(try wasm.write(cbor)), .i32(UInt32(cbor.count)), .i32(try wasm.write(message)),
                    .i32(UInt32(message.count)), .i32(keyAddress), .i32(UInt32(keyBytes.count)),
                    .i32(ownerSecretHash), .i32(lastUsed), .i64(1_770_000_000),
                ])
        }
        let status = try check(request, message.cbor.encoded)
        let failure = try wasm.message()
        #expect(status == 1, "\(failure)")
        let calldata = try ChronoVault.executeWithProof.encodeCall(
            [.address(request.to), .uint(request.value), .bytes(request.data)]
                + ChronoVault.proofArguments(message.proof, publicInputs: message.publicInputs))
        let signals = message.publicInputs.signals.flatMap { $0.bigEndianBytes }
        #expect(try wasm.result() == calldata + signals)

        // The proof for another request: its request hash differs.
        #expect(try check(other, message.cbor.encoded) == -5)
        #expect(try wasm.message().hasPrefix("request_mismatch"))
        // The right request hash on a proof bound to another call: the commitment differs.
        var rebound = try Self.message(for: other, unixTime: 1_770_000_000)
        rebound.requestHash = request.hash
        #expect(try check(request, rebound.cbor.encoded) == -5)
        #expect(try wasm.message().hasPrefix("proof_rejected: The proof is bound to another call"))
        // A proof whose time step was changed after proving: Groth16 refuses it.
        var tampered = message
        tampered.publicInputs = ZKTOTP.PublicInputs(
            totpCode: message.publicInputs.totpCode, timeCounter: message.publicInputs.timeCounter + Fr.one,
            secretHash: message.publicInputs.secretHash, txCommitment: message.publicInputs.txCommitment)
        #expect(try check(request, tampered.cbor.encoded) == -5)
        #expect(try wasm.message().hasPrefix("proof_rejected: The proof does not verify"))
        // Not a proof message at all.
        #expect(try check(request, [0xA0]) == -3)
        #expect(try wasm.message().hasPrefix("invalid_proof_message"))
    }
}
