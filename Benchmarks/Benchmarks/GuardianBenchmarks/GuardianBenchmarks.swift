import Benchmark
import ChainKit
import Foundation
import Guardian

// MARK: - Guardian governance and policy benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    // Recovery codes: issuing a set at confirmation (10 scrypt hashes) and checking a candidate (one scrypt, then ten
    // constant-time comparisons), at the production cost N = 2^15, r = 8, p = 1.
    let issued = try! RecoveryCodes.issue(count: 10, parameters: .standard, at: Date())
    Benchmark("recovery codes: check one (scrypt 2^15)", configuration: .init(maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! RecoveryCodes.match(issued.codes[7], in: issued.set)) }
    }
    Benchmark("recovery codes: issue a set of 10 (scrypt 2^15)", configuration: .init(maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! RecoveryCodes.issue(count: 10, parameters: .standard, at: Date()))
        }
    }

    // Policy evaluation inside the capsule: decode a SOL transfer + an SPL transferChecked and price them.
    let wallet = SolanaKeypair().publicKey
    let guardian = SolanaKeypair().publicKey
    let recipient = SolanaKeypair().publicKey
    let source = SolanaKeypair().publicKey
    let destination = SolanaKeypair().publicKey
    let mint = SolanaKeypair().publicKey
    let token = try! SolanaPublicKey(base58: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    func le(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    let message = try! SolanaMessage(
        version: .legacy,
        header: .init(numRequiredSignatures: 2, numReadonlySignedAccounts: 1, numReadonlyUnsignedAccounts: 3),
        staticAccountKeys: [wallet, guardian, recipient, source, destination, .zero, token, mint],
        recentBlockhash: try! SolanaBlockhash(bytes: [UInt8](repeating: 7, count: 32)),
        instructions: [
            .init(programIDIndex: 5, accountIndexes: [0, 2], data: [2, 0, 0, 0] + le(1_000_000)),  // System Transfer
            // TransferChecked
            .init(programIDIndex: 6, accountIndexes: [3, 7, 4, 0], data: [12] + le(2_500_000) + [6]),
        ])
    let policy = try! TransactionPolicy(spendingLimits: [
        SpendingLimit(asset: .sol, period: .day, amount: 5_000_000_000),
        SpendingLimit(asset: .token(mint: mint), period: .week, amount: 100_000_000),
    ])
    Benchmark("policy: decode and assess a SOL transfer + transferChecked") { benchmark in
        for _ in benchmark.scaledIterations {
            let instructions = try! message.decodedInstructions()
            blackHole(try! policy.assess(instructions, wallet: wallet, feePayer: wallet))
        }
    }
}
