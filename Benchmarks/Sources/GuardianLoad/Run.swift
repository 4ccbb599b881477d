import ArgumentParser
import Foundation
import NIOCore
import OTP

// MARK: - guardian-load run

/// Drives `POST /v1/wallets/{wallet}/cosign` with seeded wallets, one fresh wallet per request (a wallet may cosign
/// once per 30 s step), in phases:
///
/// - a fixed rate (`1000`): open loop — request *i* is due at `t0 + i / rate` whatever happened to earlier ones, and
///   its latency is measured from that due time, so a stalled server cannot hide its queueing (no coordinated
///   omission);
/// - `max`: closed loop — each of `--connections` connections sends its next request as soon as its previous answer
///   arrives.
///
/// Requests go through ``LoadDriver``: one event loop that writes, reads and times them all (see there for why).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load-test the cosign endpoint and report throughput and latency.")

    @Option(help: "The server, or several comma-separated (guardian nodes on one database): connections are spread round-robin over them.") var url: String = "http://127.0.0.1:8080"
    @Option(name: .customLong("wallets-file")) var walletsFile: String
    @Option(help: "Comma-separated phases: requests per second, or 'max'.") var rates: String = "1000,max"
    @Option(help: "Seconds per phase.") var duration: Double = 5
    @Option(help: "Keep-alive connections: one request in flight on each (closed loop: all busy; open loop: a due request waits for a free one).") var connections: Int = 64

    struct Sample {
        let latency: Duration
        let status: Int
    }

    func run() async throws {
        let targets = try url.split(separator: ",").map { text -> (host: String, port: Int) in
            guard let parsed = URL(string: String(text)), let host = parsed.host, parsed.scheme == "http" else {
                throw ValidationError("--url must be http://HOST[:PORT][,http://HOST[:PORT]…]")
            }
            return (host, parsed.port ?? 80)
        }
        let wallets = try JSONDecoder().decode([SeededWallet].self, from: Data(contentsOf: URL(fileURLWithPath: walletsFile)))
        let prepared = try wallets.map { wallet -> LoadDriver.Request in
            let totp = try TOTP(secret: OTPSecret(base32: wallet.secret))
            return LoadDriver.Request(path: "/v1/wallets/\(wallet.wallet)/cosign", authorization: "Bearer \(wallet.token)", transaction: wallet.transaction, totp: totp)
        }
        let driver = try await LoadDriver.connect(targets: targets, count: connections)
        var next = 0
        do {
            // Warm the connections and the server (code paths, SQLite page cache) with a few requests.
            let warmup = min(connections, prepared.count / 20)
            _ = try await driver.closedLoop(Array(prepared[next..<(next + warmup)]), seconds: 30)
            next += warmup
            print("phase        requests  ok      ok/s     p50 ms   p90 ms   p99 ms   p99.9 ms  max ms   other statuses")
            for phase in rates.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let samples: [LoadDriver.Sample]
                let elapsed: Duration
                if phase == "max" {
                    let start = ContinuousClock.now
                    samples = try await driver.closedLoop(Array(prepared[next...]), seconds: duration)
                    elapsed = ContinuousClock.now - start
                    next += samples.count
                } else {
                    guard let rate = Double(phase), rate > 0 else { throw ValidationError("bad phase \(phase)") }
                    let count = Int(rate * duration)
                    guard next + count <= prepared.count else { throw ValidationError("not enough wallets: need \(count) more for \(phase)/s") }
                    let start = ContinuousClock.now
                    samples = try await driver.openLoop(Array(prepared[next..<(next + count)]), rate: rate)
                    elapsed = ContinuousClock.now - start
                    next += count
                }
                report(phase, samples.map { Sample(latency: .nanoseconds($0.latencyNanoseconds), status: $0.status) }, elapsed: elapsed)
            }
            if driver.connectionsLost > 0 { print("connections lost: \(driver.connectionsLost) of \(connections)") }
            // For the next tool (wrk): wallets from this index on are unspent.
            print("next wallet: \(next)")
        } catch {
            try await driver.shutdown()
            throw error
        }
        try await driver.shutdown()
    }

    func report(_ phase: String, _ samples: [Sample], elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let ok = samples.filter { $0.status == 200 }
        let latencies = ok.map { Double($0.latency.components.seconds) * 1e3 + Double($0.latency.components.attoseconds) / 1e15 }.sorted()
        func percentile(_ p: Double) -> String {
            guard !latencies.isEmpty else { return "-" }
            return String(format: "%.2f", latencies[min(latencies.count - 1, Int((p / 100 * Double(latencies.count)).rounded(.up)) - 1)])
        }
        var others: [Int: Int] = [:]
        for sample in samples where sample.status != 200 { others[sample.status, default: 0] += 1 }
        let label = phase == "max" ? "max (\(connections) conn)" : "\(phase)/s"
        let statuses = others.isEmpty ? "none" : others.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let maximum = latencies.last.map { String(format: "%.2f", $0) } ?? "-"
        var columns: [(String, Int)] = [(label, 13), (String(samples.count), 10), (String(ok.count), 8)]
        columns.append((String(format: "%.0f", Double(ok.count) / seconds), 9))
        columns.append((percentile(50), 9))
        columns.append((percentile(90), 9))
        columns.append((percentile(99), 9))
        columns.append((percentile(99.9), 10))
        columns.append((maximum, 9))
        let line = columns.map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined()
        print(line + statuses)
    }
}
