import Foundation

// MARK: - Fair, bounded scheduling of expensive work

/// Runs CPU-heavy jobs (scrypt for recovery codes: ~80 ms and 32 MiB each at N = 2^15, ten per issued set) so that no
/// client can starve another's, and the backlog stays bounded.
///
/// - At most ``slots`` jobs run at once, each on a Dispatch thread of its own rather than on the Swift concurrency
///   pool, so a burst of scrypt never stalls the threads that serve every other request.
/// - A client (the caller's address) runs **at most one job at a time**; its further jobs wait in its own queue.
///   Free slots go to waiting clients **round-robin**, so a client flooding from one address delays another by at
///   most one job, never by its whole backlog.
/// - At most ``maximumWaitingPerClient`` jobs of one client wait, and ``maximumWaiting`` in all; past either a job is
///   refused at once with `service_busy` (HTTP 503 with `Retry-After`) instead of queueing without end — so one client
///   (with as many self-made wallets as it likes) cannot fill the queue and lock everyone else out.
///
/// A waiting job whose caller has gone away still runs when its turn comes (bounded by the limits above).
///
/// Per-wallet exclusivity is the wallet gate's (every caller holds its wallet's lock), so a wallet has at most one job
/// here too.
final class FairWorkScheduler: Sendable {
    /// Jobs that run at once.
    let slots: Int
    /// Jobs that may wait at once.
    let maximumWaiting: Int
    /// Jobs of one client that may wait at once.
    let maximumWaitingPerClient: Int

    private struct Waiter {
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var running = 0
        var runningClients: Set<String> = []
        var queues: [String: [Waiter]] = [:]
        /// Clients with waiting jobs, in the order they get the next free slot.
        var turn: [String] = []
        var waiting = 0
    }

    private let state = Locked(State())
    private let queue = DispatchQueue(label: "chronoguard.expensive-work", attributes: .concurrent)

    init(slots: Int, maximumWaiting: Int, maximumWaitingPerClient: Int) {
        self.slots = max(1, slots)
        self.maximumWaiting = max(0, maximumWaiting)
        self.maximumWaitingPerClient = max(0, maximumWaitingPerClient)
    }

    /// Runs `job` for `client` (nil: callers without an address share one queue) when it is that client's turn.
    ///
    /// - Throws: `service_busy` when ``maximumWaiting`` jobs, or ``maximumWaitingPerClient`` of this client's, already
    ///   wait; whatever `job` throws.
    func run<T: Sendable>(client: String?, _ job: @escaping @Sendable () throws -> T) async throws -> T {
        let client = client ?? ""
        try await acquire(client)
        defer { release(client) }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try job() }) }
        }
    }

    private func acquire(_ client: String) async throws {
        enum Admission { case now, wait, refused }
        // Decided and, when waiting, enqueued in one critical section, so a release cannot slip in between.
        var admission = Admission.refused
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            admission = state.withLock { state -> Admission in
                if state.running < slots, !state.runningClients.contains(client), state.queues[client] == nil {
                    state.running += 1
                    state.runningClients.insert(client)
                    return .now
                }
                guard state.waiting < maximumWaiting, (state.queues[client]?.count ?? 0) < maximumWaitingPerClient
                else { return .refused }
                if state.queues[client] == nil { state.turn.append(client) }
                state.queues[client, default: []].append(Waiter(continuation: continuation))
                state.waiting += 1
                return .wait
            }
            if admission != .wait { continuation.resume() }
        }
        if admission == .refused {
            throw GuardianError(
                .serviceBusy, "The server is busy with other recovery-code work; retry in a few seconds.",
                retryAfterSeconds: 2)
        }
    }

    private func release(_ client: String) {
        let next = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            state.runningClients.remove(client)
            // The client that just had a turn goes to the back of the line.
            if let index = state.turn.firstIndex(of: client) { state.turn.append(state.turn.remove(at: index)) }
            var resumed: [CheckedContinuation<Void, Never>] = []
            // Hand free slots to waiting clients in turn, skipping any that already has a job running.
            var index = 0
            while state.running < slots, index < state.turn.count {
                let candidate = state.turn[index]
                guard !state.runningClients.contains(candidate), var waiters = state.queues[candidate], !waiters.isEmpty
                else {
                    index += 1
                    continue
                }
                let waiter = waiters.removeFirst()
                state.waiting -= 1
                state.running += 1
                state.runningClients.insert(candidate)
                state.turn.remove(at: index)
                if waiters.isEmpty {
                    state.queues[candidate] = nil
                } else {
                    state.queues[candidate] = waiters
                    state.turn.append(candidate)  // back of the line
                }
                resumed.append(waiter.continuation)
            }
            return resumed
        }
        for continuation in next { continuation.resume() }
    }
}
