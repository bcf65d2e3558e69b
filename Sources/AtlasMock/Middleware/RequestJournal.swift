import Synchronization

/// The last `capacity` Atlas API requests, oldest first: a ring, so a long test run never grows it.
final class RequestJournal: Sendable {
    let capacity: Int
    /// Invariant: `entries.count <= capacity`; once full, `oldest` is where the next entry overwrites.
    private let state: Mutex<(entries: [JournalEntry], oldest: Int)>

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.state = Mutex(([], 0))
    }

    func record(_ entry: JournalEntry) {
        // Returning the evicted entry frees it after the lock is released: freeing is most of what recording costs.
        _ = self.state.withLock { state -> JournalEntry? in
            if state.entries.count < self.capacity {
                state.entries.append(entry)
                return nil
            }
            var evicted = entry
            swap(&evicted, &state.entries[state.oldest])
            state.oldest = (state.oldest + 1) % self.capacity
            return evicted
        }
    }

    var entries: [JournalEntry] {
        self.state.withLock { Array($0.entries[$0.oldest...] + $0.entries[..<$0.oldest]) }
    }

    func removeAll() {
        self.state.withLock { $0 = ([], 0) }
    }
}
