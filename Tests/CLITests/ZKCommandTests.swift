import BN254
import Curves
import Fields
import Foundation
import Groth16
import Testing
import ZKTOTP

// MARK: - zk

@Suite(.serialized) struct ZKCommandTests {
    @Test func setupSecretCodeProveVerifyAndSolidity() throws {
        let root = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let keys = root + "/keys"
        let out = root + "/proof"

        let setup = try CLI.run("zk", "setup", "--out", keys)
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stderr.contains("unsafe"))
        #expect(FileManager.default.fileExists(atPath: keys + "/proving_key.bin"))
        let vkData = try Data(contentsOf: URL(fileURLWithPath: keys + "/verification_key.json"))
        let vk = try Groth16.VerifyingKey(snarkJSON: vkData)
        #expect(vk.publicInputCount == 4)
        let again = try CLI.run("zk", "setup", "--out", keys)
        #expect(again.status == 2 && again.stderr.contains("--force"), "existing keys must not be overwritten silently")

        let secretRun = try CLI.run("zk", "secret")
        #expect(secretRun.status == 0)
        let lines = secretRun.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].hasPrefix("secret: ") && lines[1].hasPrefix("secretHash: "))
        let secretText = String(lines[0].dropFirst("secret: ".count))
        let secret = try #require(Fr(decimalString: secretText))
        #expect(lines[1] == "secretHash: \(ZKTOTP.secretHash(secret).decimalString)")

        let code = try CLI.run("zk", "code", "--secret", secretText, "--time", "1700000000")
        #expect(code.status == 0 && code.lastLine == ZKTOTP.code(secret: secret, time: 1_700_000_000))

        let wallet = String(repeating: "ab", count: 20)
        let txHash = String(repeating: "cd", count: 32)
        let commitmentRun = try CLI.run(
            "zk", "commitment", "--chain-id", "8453", "--wallet", "0x" + wallet,
            "--tx-hash", txHash, "--nonce", "7")
        let commitment = try ZKTOTP.transactionCommitment(
            chainID: 8453, wallet: [UInt8](repeating: 0xab, count: 20),
            transactionHash: [UInt8](repeating: 0xcd, count: 32), nonce: 7)
        #expect(commitmentRun.status == 0 && commitmentRun.lastLine == commitment.decimalString)

        let prove = try CLI.run(
            "zk", "prove", "--keys", keys, "--secret", secretText, "--commitment",
            commitment.decimalString, "--time", "1700000000", "--out", out)
        #expect(prove.status == 0, "\(prove.stderr)")
        let publicData = try Data(contentsOf: URL(fileURLWithPath: out + "/public.json"))
        let signals = try Groth16.publicSignals(snarkJSON: publicData)
        #expect(
            signals == ZKTOTP.PublicInputs(secret: secret, timeCounter: 56_666_666, txCommitment: commitment).signals)

        let verify = try CLI.run(
            "zk", "verify", "--keys", keys, "--proof", out + "/proof.json", "--public",
            out + "/public.json")
        #expect(verify.status == 0 && verify.lastLine == "valid", "\(verify.stderr)")

        // A proof presented for another transaction: exit 1.
        var tampered = signals
        tampered[3] += .one
        try Groth16.publicSignalsJSON(tampered).write(
            toFile: root + "/tampered.json", atomically: true, encoding: .utf8)
        let rejected = try CLI.run(
            "zk", "verify", "--keys", keys, "--proof", out + "/proof.json", "--public",
            root + "/tampered.json")
        #expect(rejected.status == 1 && rejected.lastLine == "invalid")

        let solidity = try CLI.run("zk", "solidity", "--keys", keys)
        #expect(solidity.status == 0 && solidity.stdout == vk.solidityVerifier())
        let calldata = try CLI.run(
            "zk", "solidity", "--calldata", "--proof", out + "/proof.json", "--public",
            out + "/public.json")
        let proof = try Groth16.Proof(snarkJSON: try Data(contentsOf: URL(fileURLWithPath: out + "/proof.json")))
        #expect(
            calldata.status == 0 && calldata.lastLine == Groth16.solidityCalldata(proof: proof, publicInputs: signals))
    }

    @Test func badInputGetsOneSentenceAndStatus2() throws {
        let root = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "{\"pi_a\": [\"1\", \"3\", \"1\"]".write(toFile: root + "/broken.json", atomically: true, encoding: .utf8)
        try "[\"1\"]".write(toFile: root + "/public.json", atomically: true, encoding: .utf8)
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        let cases: [([String], String)] = [
            (["zk", "code", "--secret", r], "below the BN254 scalar field modulus"),
            (["zk", "code", "--secret=-5"], "decimal"),
            (["zk", "code", "--secret", "12", "--time=-1"], "negative"),
            (
                [
                    "zk", "commitment", "--chain-id", "1", "--wallet", "0x12", "--tx-hash",
                    String(repeating: "0", count: 64),
                    "--nonce", "0",
                ], "20 bytes"
            ),
            (
                [
                    "zk", "commitment", "--chain-id", "1", "--wallet", String(repeating: "zz", count: 20), "--tx-hash",
                    String(repeating: "0", count: 64), "--nonce", "0",
                ], "hex digit"
            ),
            (
                ["zk", "verify", "--keys", root, "--proof", root + "/broken.json", "--public", root + "/public.json"],
                "verification key"
            ),
            (
                ["zk", "prove", "--keys", root, "--secret", "1", "--commitment", "2", "--out", root + "/o"],
                "proving key"
            ),
            (
                ["zk", "solidity", "--calldata", "--proof", root + "/broken.json", "--public", root + "/public.json"],
                "not valid snarkjs JSON"
            ),
        ]
        for (arguments, phrase) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): status \(result.status)")
            #expect(
                result.stderr.hasPrefix("error: ") && result.stderr.contains(phrase), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "never a crash")
        }
        #expect(try CLI.run("zk", "solidity").status == 64, "a usage error")
    }
}
