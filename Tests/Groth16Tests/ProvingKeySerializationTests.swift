import BN254
import Curves
import Fields
import Groth16
import Testing

// MARK: - Binary proving key

@Suite struct ProvingKeySerializationTests {
    let f = Fixture.shared

    @Test func roundTrips() throws {
        let bytes = f.key.serialized()
        let decoded = try Groth16.ProvingKey(serialized: bytes)
        #expect(decoded == f.key)
        #expect(Array(bytes[0..<8]) == Array("CGG16PK".utf8) + [0])
        #expect(bytes[8] == 1 && bytes[9] == 0, "format version 1, little-endian")
        #expect(Array(bytes[32..<64]) == f.matrices.digest)
        let proof = try Groth16.prove(decoded, matrices: f.matrices, assignment: f.assignment)
        #expect(try Groth16.verify(f.prepared, proof: proof, publicInputs: f.publicInputs))
    }

    @Test func corruptionTruncationAndVersionsAreRejected() throws {
        let bytes = f.key.serialized()
        func code(_ b: [UInt8]) -> String? {
            (#expect(throws: Groth16Error.self) { try Groth16.ProvingKey(serialized: b) })?.code.rawValue
        }
        for position in [100, bytes.count / 2, bytes.count - 40, bytes.count - 1] {
            var flipped = bytes
            flipped[position] ^= 0x40
            #expect(code(flipped) == "malformed_proving_key", "a flipped byte at \(position) must be caught")
        }
        #expect(code(Array(bytes.dropLast())) == "malformed_proving_key")
        #expect(code(bytes + [0]) == "malformed_proving_key")
        #expect(code([]) == "malformed_proving_key")
        #expect(code(Array(bytes.prefix(64))) == "malformed_proving_key")
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        #expect(code(magic) == "malformed_proving_key")
        var version = bytes
        version[8] = 2
        #expect(code(version) == "unsupported_proving_key_version")
        var huge = bytes
        huge[24] = 0xff
        huge[25] = 0xff
        huge[26] = 0xff
        huge[27] = 0x7f  // witness count 2³¹ − 1
        #expect(code(huge) == "malformed_proving_key")
    }
}
