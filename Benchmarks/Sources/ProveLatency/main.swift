import BN254
import Foundation
import Groth16
import ZKTOTP

// ProveLatency: the native ZK-TOTP prove, in process, next to which run-browser-benchmark.sh sets the same proof made
// in Chromium (WebAssembly, Web Worker). Reads the proving key from a `chronoguard zk setup` directory, so both sides
// prove with the very same key; prints one JSON line with the median and minimum over N proofs.
//
//   swift run -c release ProveLatency KEYS_DIR [N]        (taskset -c 0 … for one core: the page has one thread)

let arguments = CommandLine.arguments
guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[1] + "/proving_key.bin") else {
    FileHandle.standardError.write(Data("usage: ProveLatency KEYS_DIR [N] (KEYS_DIR from `chronoguard zk setup`)\n".utf8))
    exit(64)
}
let count = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 20) : 20
let key = try Groth16.ProvingKey(serialized: [UInt8](data))
let secret = ZKTOTP.newSecret()
let commitment = try ZKTOTP.transactionCommitment(
    chainID: 1337, wallet: [UInt8](repeating: 7, count: 20), transactionHash: [UInt8](repeating: 9, count: 32),
    nonce: 0)
// One proof first: page faults and caches, as the page's first proof after loading the key is not counted either.
_ = try ZKTOTP.prove(secret: secret, timeCounter: 59_000_000, txCommitment: commitment, provingKey: key)
var milliseconds: [Double] = []
for i in 0..<count {
    let start = ContinuousClock.now
    _ = try ZKTOTP.prove(secret: secret, timeCounter: 59_000_001 + UInt64(i), txCommitment: commitment, provingKey: key)
    let elapsed = ContinuousClock.now - start
    milliseconds.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
}
milliseconds.sort()
print("{\"median_ms\": \(milliseconds[count / 2]), \"min_ms\": \(milliseconds[0]), \"count\": \(count)}")
