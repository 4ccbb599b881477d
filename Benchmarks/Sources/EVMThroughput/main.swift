// Times EVMKit's secp256k1 and Keccak-256 in a release build, one thread, per second of this thread's CPU time, and
// prints one line per operation: `name microseconds_per_op` (Keccak also as MB/s). scripts/bench-evm-vs-coincurve.sh
// runs it next to libsecp256k1 (coincurve) and pycryptodome and prints the ratios.
//   swift run -c release EVMThroughput [seconds-per-operation]
import EVMKit
import Foundation

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2

func threadCPUSeconds() -> Double {
    var usage = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &usage)
    return Double(usage.tv_sec) + Double(usage.tv_nsec) / 1e9
}

/// Runs `body` in batches until `seconds` of CPU time have passed; returns CPU microseconds per call.
func measure(_ name: String, batch: Int, _ body: (Int) -> Void) -> Double {
    for i in 0..<batch { body(i) }  // warm-up (and the generator table's one-time build)
    var calls = 0
    let start = threadCPUSeconds()
    var elapsed = 0.0
    while elapsed < seconds {
        for i in 0..<batch { body(calls &+ i) }
        calls += batch
        elapsed = threadCPUSeconds() - start
    }
    return elapsed / Double(calls) * 1e6
}

var sink: UInt8 = 0
let keys = (0..<64).map { _ in Secp256k1PrivateKey.generate() }
let digests = (0..<64).map { Keccak256.hash([UInt8($0)]) }
let signatures = zip(keys, digests).map { try! $0.sign(digest: $1) }
let publicKeys = keys.map(\.publicKey)

let sign = measure("sign", batch: 64) { i in sink ^= try! keys[i & 63].sign(digest: digests[i & 63]).yParity }
print("ecdsa_sign_us \(String(format: "%.2f", sign))")
let verify = measure("verify", batch: 64) { i in
    sink ^= publicKeys[i & 63].isValidSignature(signatures[i & 63], digest: digests[i & 63]) ? 1 : 0
}
print("ecdsa_verify_us \(String(format: "%.2f", verify))")
let recover = measure("recover", batch: 64) { i in
    sink ^= try! Secp256k1PublicKey.recover(digest: digests[i & 63], signature: signatures[i & 63]).compressed[0]
}
print("ecdsa_recover_us \(String(format: "%.2f", recover))")
let word = [UInt8](repeating: 7, count: 32)
let keccak32 = measure("keccak32", batch: 4096) { i in sink ^= Keccak256.hash(word)[i & 31] }
print("keccak256_32B_us \(String(format: "%.3f", keccak32))")
let kibibyte = [UInt8](repeating: 7, count: 1024)
let keccak1k = measure("keccak1k", batch: 1024) { i in sink ^= Keccak256.hash(kibibyte)[i & 31] }
print("keccak256_1KiB_us \(String(format: "%.3f", keccak1k))")
print("keccak256_1KiB_MBps \(String(format: "%.0f", 1024 / keccak1k))")
let transfer = try! ABIFunction("f(address,uint256,bytes32,bool,string,uint64[],(address,uint256))")
let arguments: [ABIValue] = [
    .address(keys[0].address), .uint(UInt256(1_000_000)), .fixedBytes(digests[0]), .bool(true),
    .string("chronoguard"), .array([.uint(UInt256(1)), .uint(UInt256(2)), .uint(UInt256(3))]),
    .tuple([.address(keys[1].address), .uint(UInt256.max)]),
]
let abi = measure("abi", batch: 1024) { i in sink ^= try! transfer.encodeCall(arguments)[i & 3] }
print("abi_encode_7_args_us \(String(format: "%.3f", abi))")
if sink == 0xFF { print("") }  // keeps the results alive
