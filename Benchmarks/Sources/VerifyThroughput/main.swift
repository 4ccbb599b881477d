import Foundation
import OTP

// Measures TOTP verification (window ±1, SHA-1, 6 digits, worst case: a wrong code so every step is tried) on one
// thread and prints `verifies_per_second <N>`; scripts/bench-verify-vs-pyotp.sh runs it next to pyotp.

let seconds = Double(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
let totp = try TOTP(secret: .generate())
let base: Int64 = 1_900_000_000
var rejected = 0
var count = 0
let clock = ContinuousClock()
let start = clock.now
let deadline = start.advanced(by: .milliseconds(Int(seconds * 1_000)))
while clock.now < deadline {
    for i in 0..<10_000 {
        if try totp.verify("000000", at: base &+ Int64(count &+ i) &* 30, window: 1) == nil { rejected &+= 1 }
    }
    count += 10_000
}
let elapsed = start.duration(to: clock.now)
let rate = Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
print("verifies_per_second \(Int(rate))")
print("rejected \(rejected) of \(count)")
