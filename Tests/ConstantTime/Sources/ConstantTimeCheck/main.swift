// Runs the secp256k1 signing core with secret inputs marked undefined for Valgrind's memcheck. Under
// `valgrind --error-exitcode=1`, a secret-dependent branch or memory index fails the run; without Valgrind it just
// computes. `--control` adds a known leak — the library's *validating* key parser, which compares the key with n and
// branches on the result — that memcheck must report, so the check cannot pass vacuously.
import CMemcheck
@_spi(ConstantTimeCheck) import EVMKit

func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

let control = CommandLine.arguments.contains("--control")
let rounds = 4
var digestOfOutputs: UInt8 = 0
for _ in 0..<rounds {
    let key = randomBytes(32)
    let nonce = randomBytes(32)
    let digest = randomBytes(32)
    key.withUnsafeBytes { ct_mark_secret($0.baseAddress, $0.count) }
    nonce.withUnsafeBytes { ct_mark_secret($0.baseAddress, $0.count) }
    if control, (try? Secp256k1PrivateKey(bytes: key)) != nil {
        digestOfOutputs &+= 1
    }
    var output = Secp256k1.constantTimeSigningCore(key: key, nonce: nonce, digest: digest)
    // The outputs (R's coordinates, s) are public once signing ends.
    output.withUnsafeMutableBytes { ct_mark_public($0.baseAddress, $0.count) }
    for byte in output { digestOfOutputs ^= byte }
}
print(
    "constant-time check: \(rounds) signing cores ran (valgrind: \(ct_running_on_valgrind() == 1)), \(digestOfOutputs)")
