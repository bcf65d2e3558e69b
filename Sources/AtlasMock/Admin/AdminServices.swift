import Synchronization

/// What the admin API works on: the served data and everything a reset puts back.
final class AdminServices: Sendable {
    let store: AtlasStore
    let clock: MockClock
    /// The clock's mode at start, which a reset restores.
    let initialClock: MockClock.Mode
    let faults: FaultInjector
    let journal: RequestJournal
    let tokens: TokenRegistry
    let nonces: NonceRegistry
    let rateLimiter: RateLimiter
    /// Held by admin operations that change several parts together (reset, fixture loads, state replacement,
    /// clock changes), so two of them never interleave.
    let operations = Mutex(())
    /// Called after a bulk load or reset made the previous data garbage (the server returns freed memory).
    let dataReplaced: @Sendable () -> Void

    init(
        store: AtlasStore, clock: MockClock, initialClock: MockClock.Mode, faults: FaultInjector,
        journal: RequestJournal, tokens: TokenRegistry, nonces: NonceRegistry, rateLimiter: RateLimiter,
        dataReplaced: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.clock = clock
        self.initialClock = initialClock
        self.faults = faults
        self.journal = journal
        self.tokens = tokens
        self.nonces = nonces
        self.rateLimiter = rateLimiter
        self.dataReplaced = dataReplaced
    }
}
