// MARK: - Per-key serialisation

/// Runs async critical sections one at a time per key (here: per wallet), in arrival order, without blocking threads.
///
/// The guardian serialises each wallet's capsules so that the lockout check, the code verification and the failure
/// count cannot interleave: without it, N parallel wrong guesses would all pass the lockout check before any of them
/// is counted. Different wallets never wait for each other. (The database compare-and-set remains the guarantee of
/// single use across processes; this gate is what makes the attempt limit exact within one.)
final class KeyedAsyncLock<Key: Hashable & Sendable>: Sendable {
    private struct Entry {
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private struct State {
        var table: [Key: Entry] = [:]
    }

    private let entries = Locked(State())

    init() {}

    /// Runs `body` holding `key`'s lock; callers for the same key run one at a time, in arrival order.
    func withLock<Result: Sendable, Failure: Error>(_ key: Key, _ body: () async throws(Failure) -> Result)
        async throws(Failure) -> Result
    {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

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
                if state.table[key] == nil {  // released between the two critical sections
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
            guard var entry = state.table[key] else { return nil }
            if entry.head < entry.waiters.count {
                let continuation = entry.waiters[entry.head]
                entry.head += 1
                if entry.head == entry.waiters.count {
                    entry.waiters.removeAll(keepingCapacity: false)
                    entry.head = 0
                }
                state.table[key] = entry  // ownership passes to the waiter: the entry stays
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
