import Foundation
import OTP

// Measures TOTP verification (window ±1, SHA-1, 6 digits, worst case: a wrong code so every step is tried) on one
// thread. Prints `verifies_per_cpu_second` (per second of this thread's CPU time, i.e. per core, unaffected by other
// processes competing for the machine) and `verifies_per_wall_second`; scripts/bench-verify-vs-pyotp.sh runs it next
// to pyotp measured the same way.

func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let seconds = Double(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
let totp = try TOTP(secret: .generate())
let base: Int64 = 1_900_000_000
var rejected = 0
var count = 0
let wallStart = Date()
let cpuStart = threadCPUSeconds()
while threadCPUSeconds() - cpuStart < seconds {
    for i in 0..<10_000 {
        if try totp.verify("000000", at: base &+ Int64(count &+ i) &* 30, window: 1) == nil { rejected &+= 1 }
    }
    count += 10_000
}
let cpu = threadCPUSeconds() - cpuStart
let wall = Date().timeIntervalSince(wallStart)
print("verifies_per_cpu_second \(Int(Double(count) / cpu))")
print("verifies_per_wall_second \(Int(Double(count) / wall))")
print("rejected \(rejected) of \(count)")
