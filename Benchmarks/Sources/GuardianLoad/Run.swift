import ArgumentParser
import AsyncHTTPClient
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
/// - `max`: closed loop — `--connections` workers each send their next request as soon as the previous answer arrives.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load-test the cosign endpoint and report throughput and latency.")

    @Option var url: String = "http://127.0.0.1:8080"
    @Option(name: .customLong("wallets-file")) var walletsFile: String
    @Option(help: "Comma-separated phases: requests per second, or 'max'.") var rates: String = "1000,max"
    @Option(help: "Seconds per phase.") var duration: Double = 5
    @Option(help: "Concurrent connections (closed loop) / connection pool size (open loop).") var connections: Int = 64

    struct Sample {
        let latency: Duration
        let status: Int
    }

    func run() async throws {
        let wallets = try JSONDecoder().decode([SeededWallet].self, from: Data(contentsOf: URL(fileURLWithPath: walletsFile)))
        let prepared = try wallets.map { wallet -> Prepared in
            let totp = try TOTP(secret: OTPSecret(base32: wallet.secret))
            return Prepared(path: "/v1/wallets/\(wallet.wallet)/cosign", authorization: "Bearer \(wallet.token)", transaction: wallet.transaction, totp: totp)
        }
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        var next = 0
        do {
            // Warm the connection pool and the server (code paths, SQLite page cache) with a few requests.
            let warmup = min(connections, prepared.count / 20)
            _ = try await closedLoop(client, Array(prepared[next..<(next + warmup)]), seconds: 30)
            next += warmup
            print("phase        requests  ok      ok/s     p50 ms   p90 ms   p99 ms   p99.9 ms  max ms   other statuses")
            for phase in rates.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let samples: [Sample]
                let elapsed: Duration
                if phase == "max" {
                    let available = prepared.count - next
                    let start = ContinuousClock.now
                    samples = try await closedLoop(client, Array(prepared[next...]), seconds: duration)
                    elapsed = ContinuousClock.now - start
                    next += samples.count
                    _ = available
                } else {
                    guard let rate = Double(phase), rate > 0 else { throw ValidationError("bad phase \(phase)") }
                    let count = Int(rate * duration)
                    guard next + count <= prepared.count else { throw ValidationError("not enough wallets: need \(count) more for \(phase)/s") }
                    let start = ContinuousClock.now
                    samples = try await openLoop(client, Array(prepared[next..<(next + count)]), rate: rate)
                    elapsed = ContinuousClock.now - start
                    next += count
                }
                report(phase, samples, elapsed: elapsed)
            }
            // For the next tool (wrk): wallets from this index on are unspent.
            print("next wallet: \(next)")
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    struct Prepared: Sendable {
        let path: String
        let authorization: String
        let transaction: String
        let totp: TOTP
    }

    func send(_ client: HTTPClient, _ wallet: Prepared) async -> Int {
        do {
            var request = HTTPClientRequest(url: url + wallet.path)
            request.method = .POST
            request.headers.add(name: "Authorization", value: wallet.authorization)
            request.headers.add(name: "Content-Type", value: "application/json")
            let code = try wallet.totp.code(at: Int64(Date().timeIntervalSince1970))
            request.body = .bytes(ByteBuffer(string: #"{"transaction":""# + wallet.transaction + #"","code":""# + code + #""}"#))
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            return Int(response.status.code)
        } catch {
            return -1
        }
    }

    func openLoop(_ client: HTTPClient, _ wallets: [Prepared], rate: Double) async throws -> [Sample] {
        let start = ContinuousClock.now + .milliseconds(20)
        return await withTaskGroup(of: Sample.self) { group in
            var index = 0
            while index < wallets.count {
                let now = ContinuousClock.now
                // Everything due by now is sent; then sleep until the next one is due (or ~1 ms, whichever is later).
                while index < wallets.count {
                    let due = start + .nanoseconds(Int64(Double(index) / rate * 1e9))
                    guard due <= now else { break }
                    let wallet = wallets[index]
                    group.addTask {
                        let status = await send(client, wallet)
                        return Sample(latency: ContinuousClock.now - due, status: status)
                    }
                    index += 1
                }
                if index < wallets.count {
                    let due = start + .nanoseconds(Int64(Double(index) / rate * 1e9))
                    try? await Task.sleep(until: max(due, ContinuousClock.now + .microseconds(500)), tolerance: .microseconds(200))
                }
            }
            return await group.reduce(into: [Sample]()) { $0.append($1) }
        }
    }

    func closedLoop(_ client: HTTPClient, _ wallets: [Prepared], seconds: Double) async throws -> [Sample] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
        let cursor = Cursor(count: wallets.count)
        return await withTaskGroup(of: [Sample].self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var samples: [Sample] = []
                    while ContinuousClock.now < deadline, let index = cursor.next() {
                        let sent = ContinuousClock.now
                        let status = await send(client, wallets[index])
                        samples.append(Sample(latency: ContinuousClock.now - sent, status: status))
                    }
                    return samples
                }
            }
            return await group.reduce(into: [Sample]()) { $0 += $1 }
        }
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

/// Hands out wallet indexes to closed-loop workers.
final class Cursor: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.withLock {
            guard value < count else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
