import FoundationEssentials
import Synchronization

/// The single owner of all served data. Every read and write goes through `read` or `write`, which hold one
/// lock for the whole operation: a request sees one consistent state, and a reset or fixture load replaces it
/// atomically.
public final class AtlasStore: Sendable {
    /// Invariant: `state.current` is only touched inside `withLock`; `state.initial` is what `reset` restores;
    /// `state.generation` grows with every `write`, `reset` and `replace`, so equal generations mean equal data.
    private let state: Mutex<(current: AtlasState, initial: AtlasDataset, generation: UInt64)>

    public init(dataset: AtlasDataset) {
        self.state = Mutex((AtlasState(dataset), dataset, 0))
    }

    func read<Result>(_ body: (borrowing AtlasState) -> Result) -> Result {
        self.state.withLock { body($0.current) }
    }

    func write<Result, Failure: Error>(_ body: (inout AtlasState) throws(Failure) -> Result) throws(Failure) -> Result {
        try self.state.withLock { (state) throws(Failure) -> Result in
            state.generation += 1
            return try body(&state.current)
        }
    }

    /// Brings the data to `now` (`AtlasState.advance`: the M2/M5 migration when due, finished deletions and
    /// upgrades), then says which data is served, for caches of what was rendered from it: the generation, and the
    /// instant from which nothing changes any more on the clock (jobs, cluster transitions). The generation also
    /// moves whenever `now` leaves the span in which no daily snapshot appears or finishes.
    func stamp(at now: Date, migration: SharedTierMigration) -> (generation: UInt64, settledAt: Date) {
        self.state.withLock { state in
            if state.current.advance(to: now, migration: migration) { state.generation += 1 }
            return (state.generation, state.current.clockSettledAt)
        }
    }

    /// Puts back the data loaded at start.
    public func reset() {
        self.state.withLock {
            $0.current = AtlasState($0.initial)
            $0.generation += 1
        }
    }

    /// Replaces the served data with `dataset`; `reset` will go back to the start-up data, not to this.
    public func replace(with dataset: AtlasDataset) {
        self.state.withLock {
            $0.current = AtlasState(dataset)
            $0.generation += 1
        }
    }

    /// The data currently served.
    public var dataset: AtlasDataset { self.state.withLock { $0.current.dataset } }
}
