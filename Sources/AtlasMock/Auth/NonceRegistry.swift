import FoundationEssentials
import Synchronization

/// Digest nonces issued by this server run: each expires after `lifetime` on the mock clock, and each
/// nonce-count (`nc`) is accepted once, in increasing order, so a captured `Authorization` cannot be replayed.
///
/// A nonce carries its own issue time, sealed with a keyed MD5 under a secret of this run (and of this reset), so
/// issuing one stores nothing: a client that only ever collects challenges (a flood of unauthenticated requests)
/// cannot make the server remember anything. Only nonces that authenticated a request are remembered, for their
/// replay counters, and only while they are fresh.
final class NonceRegistry: Sendable {
    enum Verdict: Equatable {
        case fresh
        /// Issued by us but expired: the client may retry with the new nonce (`stale=true`).
        case stale
        /// Never issued by this run, or issued before a reset.
        case unknown
        /// This nonce-count (or a later one) was already used with this nonce.
        case replayed
    }

    private struct Used {
        var issued: Date
        var highestCount: UInt32
    }

    /// Invariant: `used` holds only nonces sealed with `secret`, each with the highest `nc` accepted with it; a reset
    /// replaces the secret and empties `used` together.
    private let state: Mutex<(secret: [UInt8], used: [String: Used])>
    private let clock: MockClock
    let lifetime: TimeInterval
    /// The most used nonces remembered at once; beyond it the expired ones are forgotten, then the oldest.
    private let capacity: Int

    /// Nonce layout: 8 bytes of issue time (milliseconds on the mock clock), 4 random bytes, 12 bytes of seal;
    /// 24 bytes make the 32 base64 characters Atlas sends.
    private static let sealedBytes = 12

    init(clock: MockClock, lifetime: TimeInterval, capacity: Int = 100_000) {
        self.clock = clock
        self.lifetime = lifetime
        self.capacity = capacity
        self.state = Mutex((Self.newSecret(), [:]))
    }

    /// A fresh nonce: 32 characters of the base64 alphabet, as Atlas sends.
    func issue() -> String {
        let milliseconds = UInt64(max(0, (self.clock.now().timeIntervalSince1970 * 1000).rounded(.down)))
        var body = (0..<8).map { UInt8(truncatingIfNeeded: milliseconds >> (56 - 8 * $0)) }
        body += (0..<4).map { _ in UInt8.random(in: 0...255) }
        let secret = self.state.withLock { $0.secret }
        return Data(body + Self.seal(body, secret: secret)).base64EncodedString()
    }

    /// Checks `nonce` with nonce-count `count`, and records the count when the nonce is fresh.
    func use(_ nonce: String, count: UInt32) -> Verdict {
        guard let bytes = Data(base64Encoded: nonce).map(Array.init), bytes.count == 12 + Self.sealedBytes else {
            return .unknown
        }
        let body = Array(bytes[..<12])
        let milliseconds = body[..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let issued = Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
        let now = self.clock.now()
        return self.state.withLock { state in
            guard Self.seal(body, secret: state.secret) == Array(bytes[12...]) else { return .unknown }
            if now.timeIntervalSince(issued) > self.lifetime || now < issued { return .stale }
            var used = state.used[nonce] ?? Used(issued: issued, highestCount: 0)
            guard count > used.highestCount else { return .replayed }
            used.highestCount = count
            if state.used[nonce] == nil, state.used.count >= self.capacity { self.prune(&state.used, now: now) }
            state.used[nonce] = used
            return .fresh
        }
    }

    /// Forgets every nonce issued so far: they are `unknown` from now on.
    func removeAll() {
        self.state.withLock { $0 = (Self.newSecret(), [:]) }
    }

    /// Drops expired nonces (a replay of one is `stale` anyway, and then refused), then, if that freed nothing,
    /// the oldest half: their clients get `replayed`, then a new challenge.
    private func prune(_ used: inout [String: Used], now: Date) {
        used = used.filter { now.timeIntervalSince($0.value.issued) <= self.lifetime }
        guard used.count >= self.capacity else { return }
        let cutoff = used.values.map(\.issued).sorted()[used.count / 2]
        used = used.filter { $0.value.issued > cutoff }
    }

    private static func newSecret() -> [UInt8] {
        (0..<32).map { _ in UInt8.random(in: 0...255) }
    }

    /// HMAC-MD5 (RFC 2104) of `body`, truncated: MD5 is what the Digest code already has, and the seal only needs to
    /// be unforgeable for one server run.
    private static func seal(_ body: [UInt8], secret: [UInt8]) -> [UInt8] {
        let key = secret + [UInt8](repeating: 0, count: 64 - secret.count)
        let inner = MD5.digest(key.map { $0 ^ 0x36 } + body)
        return Array(MD5.digest(key.map { $0 ^ 0x5C } + inner).prefix(Self.sealedBytes))
    }
}
