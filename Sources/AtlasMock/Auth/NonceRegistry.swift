import Foundation
import Synchronization

/// Digest nonces issued by this server run: each expires after `lifetime` on the mock clock, and each
/// nonce-count (`nc`) is accepted once, in increasing order, so a captured `Authorization` cannot be replayed.
final class NonceRegistry: Sendable {
    enum Verdict: Equatable {
        case fresh
        /// Issued by us but expired: the client may retry with the new nonce (`stale=true`).
        case stale
        /// Never issued by this run, or forgotten after a reset.
        case unknown
        /// This nonce-count (or a later one) was already used with this nonce.
        case replayed
    }

    private struct Entry {
        var issued: Date
        var highestCount: UInt32
    }

    /// Invariant: `entries` and `order` hold the same nonces; `order` is by issue time, so pruning pops its front.
    private let state = Mutex<(entries: [String: Entry], order: [String])>(([:], []))
    private let clock: MockClock
    let lifetime: TimeInterval
    /// The most nonces remembered at once; the oldest are forgotten first (clients then get a fresh challenge).
    private let capacity: Int

    init(clock: MockClock, lifetime: TimeInterval, capacity: Int = 100_000) {
        self.clock = clock
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// A fresh nonce: 32 characters of the base64 alphabet, as Atlas sends.
    func issue() -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let nonce = Data(bytes).base64EncodedString()
        let now = self.clock.now()
        self.state.withLock { state in
            // Entries outlive their expiry by one lifetime so an expired nonce is still answered `stale`.
            var dropped = 0
            while dropped < state.order.count,
                state.order.count - dropped >= self.capacity
                    || now.timeIntervalSince(state.entries[state.order[dropped]]!.issued) > 2 * self.lifetime
            {
                state.entries[state.order[dropped]] = nil
                dropped += 1
            }
            if dropped > 0 { state.order.removeFirst(dropped) }
            state.entries[nonce] = Entry(issued: now, highestCount: 0)
            state.order.append(nonce)
        }
        return nonce
    }

    /// Checks `nonce` with nonce-count `count`, and records the count when the nonce is fresh.
    func use(_ nonce: String, count: UInt32) -> Verdict {
        let now = self.clock.now()
        return self.state.withLock { state in
            guard var entry = state.entries[nonce] else { return .unknown }
            if now.timeIntervalSince(entry.issued) > self.lifetime || now < entry.issued { return .stale }
            guard count > entry.highestCount else { return .replayed }
            entry.highestCount = count
            state.entries[nonce] = entry
            return .fresh
        }
    }

    func removeAll() {
        self.state.withLock { $0 = ([:], []) }
    }
}
