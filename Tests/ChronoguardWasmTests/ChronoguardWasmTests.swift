import BN254
import Fields
import Foundation
import Groth16
import QRCode
import TestSupport
import Testing
import UR
import WasmKit
import ZKTOTP

// MARK: - The WebAssembly module against the native libraries

/// One native key pair and one proof made inside the module, shared by the proving tests (setup and a Wasm proof
/// take seconds under an interpreter).
enum WasmProofFixture {
    struct Value: @unchecked Sendable {
        let key: Groth16.ProvingKey
        let keyBytes: [UInt8]
        let secret: Fr
        let commitment: Fr
        let unixTime: Int64
        let output: [UInt8]
        let wasmSeconds: Double
        let nativeSeconds: Double
    }

    /// A native key pair, its file, a secret and a commitment (no Wasm proof: for the tests that need only a key).
    static let key: (key: Groth16.ProvingKey, keyBytes: [UInt8], secret: Fr, commitment: Fr) = {
        let key = try! ZKTOTP.unsafeSinglePartySetup()
        let commitment = try! ZKTOTP.transactionCommitment(
            chainID: 8453, wallet: (0..<20).map { UInt8($0) }, transactionHash: (0..<32).map { UInt8(255 - $0) },
            nonce: 5)
        return (key, key.serialized(), ZKTOTP.newSecret(), commitment)
    }()

    static let shared: Value = {
        let (key, keyBytes, secret, commitment) = Self.key
        let unixTime: Int64 = 1_770_000_000
        let wasm = try! WasmInstance()
        let keyAddress = try! wasm.write(keyBytes)
        #expect(try! wasm.call("cg_load_proving_key", [.i32(keyAddress), .i32(UInt32(keyBytes.count))]) == 0)
        let secretAddress = try! wasm.write(secret.bigEndianBytes)
        let commitmentAddress = try! wasm.write(commitment.bigEndianBytes)
        let start = Date()
        let status = try! wasm.call(
            "cg_prove", [.i32(secretAddress), .i32(commitmentAddress), .i64(UInt64(bitPattern: unixTime))])
        let wasmSeconds = Date().timeIntervalSince(start)
        precondition(status == 0, "cg_prove failed: \(try! wasm.message())")
        let output = try! wasm.result()
        let nativeStart = Date()
        _ = try! ZKTOTP.prove(
            secret: secret, timeCounter: ZKTOTP.timeCounter(unixTime: unixTime), txCommitment: commitment,
            provingKey: key)
        let nativeSeconds = Date().timeIntervalSince(nativeStart)
        return Value(
            key: key, keyBytes: keyBytes, secret: secret, commitment: commitment, unixTime: unixTime,
            output: output, wasmSeconds: wasmSeconds, nativeSeconds: nativeSeconds)
    }()
}

@Suite(.serialized) struct ChronoguardWasmTests {
    // MARK: Proving

    @Test func aProofMadeInWasmVerifiesNatively() throws {
        let f = WasmProofFixture.shared
        print(
            "wasm prove (WasmKit interpreter): \(Int(f.wasmSeconds * 1000)) ms; native prove: "
                + "\(Int(f.nativeSeconds * 1000)) ms; module \(WasmInstance.moduleBytes.count) bytes")
        #expect(f.output.count == 384)
        let proof = try Groth16.Proof(evmBytes: Array(f.output[0..<256]))
        let signals = (0..<4).map { Fr(bigEndianBytes: Array(f.output[(256 + 32 * $0)..<(288 + 32 * $0)]))! }
        let expected = ZKTOTP.PublicInputs(
            secret: f.secret, timeCounter: try ZKTOTP.timeCounter(unixTime: f.unixTime), txCommitment: f.commitment)
        #expect(signals == expected.signals)
        #expect(try Groth16.verify(f.key.verifyingKey, proof: proof, publicInputs: signals))
        var tampered = signals
        tampered[3] += .one
        #expect(try !Groth16.verify(f.key.verifyingKey, proof: proof, publicInputs: tampered))
    }

    @Test func aProofMadeInWasmVerifiesInPyEcc() throws {
        let f = WasmProofFixture.shared
        let proof = try Groth16.Proof(evmBytes: Array(f.output[0..<256]))
        let signals = (0..<4).map { Fr(bigEndianBytes: Array(f.output[(256 + 32 * $0)..<(288 + 32 * $0)]))! }
        var tampered = signals
        tampered[0] += .one
        let vk = try JSONPeer.tree(f.key.verifyingKey.snarkJSON)
        let proofTree = try JSONPeer.tree(proof.snarkJSON)
        let cases: [[String: Any]] = try [
            [
                "op": "verify", "vk": vk, "proof": proofTree,
                "public": JSONPeer.tree(Groth16.publicSignalsJSON(signals)),
            ],
            [
                "op": "verify", "vk": vk, "proof": proofTree,
                "public": JSONPeer.tree(Groth16.publicSignalsJSON(tampered)),
            ],
        ]
        let reply = try #require(try JSONPeer.run("groth16_peer.py", ["cases": cases]) as? [String: Any])
        #expect(reply["results"] as? [Bool] == [true, false])
    }

    @Test func wasmVerifiesNativeAndWasmProofs() throws {
        let f = WasmProofFixture.shared
        let wasm = try WasmInstance()
        let key = try wasm.write(f.keyBytes)
        let proof = try wasm.write(Array(f.output[0..<256]))
        let signals = try wasm.write(Array(f.output[256...]))
        #expect(
            try wasm.call("cg_verify", [.i32(key), .i32(UInt32(f.keyBytes.count)), .i32(proof), .i32(signals)]) == 1)
        var tamperedSignals = Array(f.output[256...])
        tamperedSignals[31] ^= 1
        let bad = try wasm.write(tamperedSignals)
        #expect(try wasm.call("cg_verify", [.i32(key), .i32(UInt32(f.keyBytes.count)), .i32(proof), .i32(bad)]) == 0)
        let (nativeProof, inputs) = try ZKTOTP.prove(
            secret: f.secret, timeCounter: 7, txCommitment: f.commitment, provingKey: f.key)
        let nativeProofAddress = try wasm.write(nativeProof.evmBytes)
        let nativeSignals = try wasm.write(inputs.signals.flatMap { $0.bigEndianBytes })
        #expect(
            try wasm.call(
                "cg_verify", [.i32(key), .i32(UInt32(f.keyBytes.count)), .i32(nativeProofAddress), .i32(nativeSignals)])
                == 1)
    }

    /// A host whose `random_get` fails once the prover asks for its randomness (256-byte requests; the standard
    /// library's hashing seed, 16 bytes, is still served): a status, no proof.
    @Test func provingFailsHardWhenTheHostRandomnessFails() throws {
        let f = WasmProofFixture.key
        let wasm = try WasmInstance(randomGet: { memory, pointer, length in
            guard length != 256 else { return 29 }  // EIO
            var generator = SystemRandomNumberGenerator()
            memory.withUnsafeMutableBufferPointer(offset: UInt(pointer), count: Int(length)) { buffer in
                for i in buffer.indices { buffer[i] = UInt8.random(in: 0...255, using: &generator) }
            }
            return 0
        })
        let key = try wasm.write(f.keyBytes)
        #expect(try wasm.call("cg_load_proving_key", [.i32(key), .i32(UInt32(f.keyBytes.count))]) == 0)
        let secret = try wasm.write(f.secret.bigEndianBytes)
        let commitment = try wasm.write(f.commitment.bigEndianBytes)
        #expect(try wasm.call("cg_prove", [.i32(secret), .i32(commitment), .i64(1000)]) == -4)
        #expect(try wasm.message().contains("random_get"))
    }

    /// A host with no randomness at all: the first hash table (the circuit's, at key loading) needs a seed and the
    /// instance traps — a hard failure the page reports by discarding the instance; never a proof.
    @Test func aHostWithoutRandomnessTraps() throws {
        let f = WasmProofFixture.key
        let wasm = try WasmInstance(randomGet: { _, _, _ in 29 })
        let key = try wasm.write(f.keyBytes)
        #expect(throws: (any Error).self) {
            try wasm.call("cg_load_proving_key", [.i32(key), .i32(UInt32(f.keyBytes.count))])
            let secret = try wasm.write(f.secret.bigEndianBytes)
            try wasm.call("cg_prove", [.i32(secret), .i32(secret), .i64(1000)])
        }
    }

    @Test func badInputGivesAStatusNotATrap() throws {
        let wasm = try WasmInstance()
        // No key loaded; null pointers; a secret not below r; a truncated and a corrupted key.
        #expect(try wasm.call("cg_prove", [.i32(0), .i32(0), .i64(0)]) == -6)
        let garbage = try wasm.write([UInt8](repeating: 0xFF, count: 100))
        #expect(try wasm.call("cg_load_proving_key", [.i32(garbage), .i32(100)]) == -3)
        #expect(try wasm.call("cg_load_proving_key", [.i32(0), .i32(UInt32.max)]) == -1)
        let f = WasmProofFixture.key
        var corrupted = f.keyBytes
        corrupted[corrupted.count / 2] ^= 0x40
        let corruptedAddress = try wasm.write(corrupted)
        #expect(try wasm.call("cg_load_proving_key", [.i32(corruptedAddress), .i32(UInt32(corrupted.count))]) == -3)
        let key = try wasm.write(f.keyBytes)
        #expect(try wasm.call("cg_load_proving_key", [.i32(key), .i32(UInt32(f.keyBytes.count))]) == 0)
        let tooBig = try wasm.write([UInt8](repeating: 0xFF, count: 32))
        #expect(try wasm.call("cg_prove", [.i32(tooBig), .i32(tooBig), .i64(0)]) == -1)
        #expect(try wasm.call("cg_prove", [.i32(0), .i32(tooBig), .i64(0)]) == -1)
        let zero = try wasm.write([UInt8](repeating: 0, count: 32))
        #expect(try wasm.call("cg_prove", [.i32(zero), .i32(zero), .i64(UInt64(bitPattern: -5))]) == -1)
        #expect(try wasm.call("cg_verify", [.i32(0), .i32(0), .i32(0), .i32(0)]) == -1)
        #expect(try wasm.call("cg_qr_encode", [.i32(zero), .i32(32), .i32(9)]) == -1)
        #expect(try wasm.call("cg_qr_encode", [.i32(garbage), .i32(5000), .i32(0)]) == -3)
        #expect(try wasm.call("cg_qr_decode_rgba", [.i32(0), .i32(0), .i32(10)]) == -1)
        #expect(try wasm.call("cg_qr_decode_rgba", [.i32(0), .i32(10), .i32(10)]) == -1)
        let text = try wasm.write(Array("ur:bytes/not-bytewords".utf8))
        #expect(try wasm.call("cg_ur_decoder_receive", [.i32(text), .i32(22)]) == -3)
        #expect(try wasm.call("cg_alloc", [.i32(UInt32.max)]) == 0)
        #expect(try wasm.call("cg_alloc", [.i32(0x7FFF_FFFF)]) == 0)
        try wasm.free(12345)  // not a heap pointer: ignored
        try wasm.free(garbage)
        try wasm.free(garbage)  // double free: ignored
    }

    @Test func theHeapReusesFreedBlocks() throws {
        let wasm = try WasmInstance()
        let before = try wasm.call("cg_heap_live_bytes", [])
        for size in [1, 15, 16, 17, 1000, 70_000, 3_000_000] {
            let a = try wasm.write([UInt8](repeating: 7, count: size))
            try wasm.free(a)
            let b = try wasm.write([UInt8](repeating: 8, count: size))
            #expect(a == b && a % 16 == 0, "size \(size)")
            try wasm.free(b)
        }
        #expect(try wasm.call("cg_heap_live_bytes", []) == before)
    }

    // MARK: QR codes

    @Test func qrEncodeEqualsNative() throws {
        let wasm = try WasmInstance()
        let payloads: [[UInt8]] = [
            Array("HELLO WORLD".utf8), Array("0123456789012345".utf8), Array("ur:crypto-request/lpadaxcs".utf8),
            Array("https://example.com/ü?x=1".utf8), (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) },
        ]
        for payload in payloads {
            for (level, ecLevel) in [(0, QRErrorCorrection.low), (1, .medium), (2, .quartile), (3, .high)] {
                let address = try wasm.write(payload)
                let size = try wasm.call(
                    "cg_qr_encode", [.i32(address), .i32(UInt32(payload.count)), .i32(UInt32(level))])
                let matrix = try QRCode.encode(bytes: payload, ecLevel: ecLevel)
                #expect(size == Int64(matrix.size))
                let modules = try wasm.result()
                var native = [UInt8]()
                for y in 0..<matrix.size { for x in 0..<matrix.size { native.append(matrix[x, y] ? 1 : 0) } }
                #expect(modules == native)
                try wasm.free(address)
            }
        }
    }

    /// RGBA pixels of QR symbols drawn at `scale` with a 4-module quiet zone, side by side, with a gray offset and
    /// noise so thresholds matter.
    static func image(_ matrices: [QRMatrix], scale: Int, seed: UInt64) -> (width: Int, height: Int, rgba: [UInt8]) {
        let cell = (matrices.map(\.size).max() ?? 21) + 8
        let width = cell * scale * matrices.count
        let height = cell * scale
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        var random = SplitMix64(seed: seed)
        for y in 0..<height {
            for x in 0..<width {
                let i = x / (cell * scale)
                let m = matrices[i]
                let mx = (x % (cell * scale)) / scale - 4
                let my = y / scale - 4
                let dark = mx >= 0 && my >= 0 && mx < m.size && my < m.size && m[mx, my]
                let base = dark ? 40 : 215
                let value = UInt8(clamping: base + Int(random.next() % 31) - 15)
                let p = 4 * (y * width + x)
                rgba[p] = value
                rgba[p + 1] = value
                rgba[p + 2] = UInt8(clamping: Int(value) + 5)
            }
        }
        return (width, height, rgba)
    }

    @Test func qrDecodeMatchesNative() throws {
        let wasm = try WasmInstance()
        let corpus: [([QRMatrix], Int)] = try [
            ([QRCode.encode("HELLO WASM")], 3),
            ([QRCode.encode(bytes: (0..<200).map { UInt8($0) }, ecLevel: .low)], 2),
            ([QRCode.encode("ur:bytes/hdcxdwmhfxfzfxgrtl", ecLevel: .quartile), QRCode.encode("second")], 4),
            ([QRCode.encode(String(repeating: "chronoguard ", count: 40), ecLevel: .high)], 2),
        ]
        for (index, (matrices, scale)) in corpus.enumerated() {
            let picture = Self.image(matrices, scale: scale, seed: UInt64(index))
            let address = try wasm.write(picture.rgba)
            let count = try wasm.call(
                "cg_qr_decode_rgba", [.i32(address), .i32(UInt32(picture.width)), .i32(UInt32(picture.height))])
            var decoded = [[UInt8]]()
            let out = try wasm.result()
            var offset = 0
            while offset + 4 <= out.count {
                let n =
                    Int(out[offset]) | Int(out[offset + 1]) << 8 | Int(out[offset + 2]) << 16
                    | Int(out[offset + 3]) << 24
                decoded.append(Array(out[(offset + 4)..<(offset + 4 + n)]))
                offset += 4 + n
            }
            let image = try QRGrayImage(
                width: picture.width, height: picture.height, format: .rgba8, pixels: picture.rgba)
            let native = QRReader.read(image).map(\.bytes)
            #expect(count == Int64(native.count) && decoded == native, "image \(index)")
            #expect(native.count == matrices.count, "image \(index): the native reader reads every symbol")
            try wasm.free(address)
        }
    }

    // MARK: Uniform Resources

    @Test func urPartsEqualNativeAndDecodeBack() throws {
        let wasm = try WasmInstance()
        let cbor = [UInt8(0x59), 0x01, 0x90] + (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let type = Array("bytes".utf8)
        let typeAddress = try wasm.write(type)
        let cborAddress = try wasm.write(cbor)
        let count = try wasm.call(
            "cg_ur_encode",
            [
                .i32(typeAddress), .i32(UInt32(type.count)), .i32(cborAddress), .i32(UInt32(cbor.count)), .i32(100),
                .i32(9),
            ])
        #expect(count == 9)
        let parts = try wasm.message().split(separator: "\n").map(String.init)
        var encoder = try UREncoder(UR(type: "bytes", cbor: cbor), maxFragmentLength: 100)
        let native = (0..<9).map { _ in encoder.nextPart() }
        #expect(parts == native)

        // Decode in the module from the fountain parts only (out of order), as a camera would see them.
        try wasm.call("cg_ur_decoder_reset", [])
        var status: Int64 = 0
        for part in parts.reversed() where status != 1 {
            let bytes = Array(part.utf8)
            let address = try wasm.write(bytes)
            status = try wasm.call("cg_ur_decoder_receive", [.i32(address), .i32(UInt32(bytes.count))])
            #expect(status >= 0)
            try wasm.free(address)
        }
        #expect(status == 1)
        let out = try wasm.result()
        let typeLength = Int(out[0]) | Int(out[1]) << 8
        #expect(Array(out[4..<(4 + typeLength)]) == type)
        #expect(Array(out[(4 + typeLength)...]) == cbor)
    }
}
