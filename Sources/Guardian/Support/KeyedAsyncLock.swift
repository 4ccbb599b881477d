// MARK: - Per-key serialisation

/// Runs async critical sections one at a time per key (here: per wallet), in arrival order, without blocking threads.
///
/// The guardian serialises each wallet's capsules so that the lockout check, the code verification and the failure
/// count cannot interleave: without it, N parallel wrong guesses would all pass the lockout check before any of them
/// is counted. Different wallets never wait for each other. (The database compare-and-set remains the guarantee of
/// single use across processes; this gate is what makes the attempt limit exact within one.)
///
/// **Tickets** let a caller read state before queueing and still know, once it holds the lock, whether that read can
/// have gone stale in this process: every release bumps one of ``ticketStripes`` counters (the key's stripe), so an
/// unchanged counter proves no critical section of the key ended in between — and one still running at the read
/// would have had to end before the lock was ours. Another key sharing the stripe only causes a needless re-read.
final class KeyedAsyncLock<Key: Hashable & Sendable>: Sendable {
    private struct Entry {
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private struct State {
        var table: [Key: Entry] = [:]
        var releases = [UInt64](repeating: 0, count: KeyedAsyncLock.ticketStripes)
    }

    /// Release counters; 1,024 keep false "stale" verdicts rare (~1 % at 5,000 releases/s and a 2 ms window).
    static var ticketStripes: Int { 1_024 }

    private let entries = Locked(State())

    init() {}

    func withLock<Result: Sendable, Failure: Error>(_ key: Key, _ body: () async throws(Failure) -> Result) async throws(Failure) -> Result {
        try await withLock(key, ticket: nil) { (_: Bool) async throws(Failure) -> Result in try await body() }
    }

    /// A ticket for `key`: pass it to ``withLock(_:ticket:_:)`` to learn whether state read after taking it is
    /// still current when the lock is held.
    func ticket(_ key: Key) -> UInt64 {
        entries.withLock { $0.releases[Self.stripe(key)] }
    }

    /// Runs `body` holding `key`'s lock; `body` receives whether no critical section of `key` has ended since
    /// `ticket` was taken (false when there is no ticket).
    func withLock<Result: Sendable, Failure: Error>(_ key: Key, ticket: UInt64?, _ body: (_ unchanged: Bool) async throws(Failure) -> Result) async throws(Failure) -> Result {
        await acquire(key)
        defer { release(key) }
        let unchanged = ticket.map { ticket in entries.withLock { $0.releases[Self.stripe(key)] == ticket } } ?? false
        return try await body(unchanged)
    }

    static func stripe(_ key: Key) -> Int { Int(UInt(bitPattern: key.hashValue) % UInt(ticketStripes)) }

    private func acquire(_ key: Key) async {
        let acquired = entries.withLock { state -> Bool in
            if state.table[key] == nil {
                state.table[key] = Entry()
                return true
            }
            return false
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ownedNow = entries.withLock { state -> Bool in
                if state.table[key] == nil {   // released between the two critical sections
                    state.table[key] = Entry()
                    return true
                }
                state.table[key]!.waiters.append(continuation)
                return false
            }
            if ownedNow { continuation.resume() }
        }
    }

    private func release(_ key: Key) {
        let next = entries.withLock { state -> CheckedContinuation<Void, Never>? in
            state.releases[Self.stripe(key)] &+= 1
            guard var entry = state.table[key] else { return nil }
            if entry.head < entry.waiters.count {
                let continuation = entry.waiters[entry.head]
                entry.head += 1
                if entry.head == entry.waiters.count {
                    entry.waiters.removeAll(keepingCapacity: false)
                    entry.head = 0
                }
                state.table[key] = entry   // ownership passes to the waiter: the entry stays
                return continuation
            }
            state.table[key] = nil
            return nil
        }
        next?.resume()
    }

    /// Keys currently held or waited for (for tests).
    var activeKeyCount: Int { entries.withLock { $0.table.count } }
}
