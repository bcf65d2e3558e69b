import Synchronization

/// The single owner of all served data. Every read and write goes through `read` or `write`, which hold one
/// lock for the whole operation: a request sees one consistent state, and a reset or fixture load replaces it
/// atomically.
public final class AtlasStore: Sendable {
    /// Invariant: `state.current` is only touched inside `withLock`; `state.initial` is what `reset` restores.
    private let state: Mutex<(current: AtlasState, initial: AtlasDataset)>

    public init(dataset: AtlasDataset) {
        self.state = Mutex((AtlasState(dataset), dataset))
    }

    func read<Result>(_ body: (borrowing AtlasState) -> Result) -> Result {
        self.state.withLock { body($0.current) }
    }

    func write<Result, Failure: Error>(_ body: (inout AtlasState) throws(Failure) -> Result) throws(Failure) -> Result {
        try self.state.withLock { (state) throws(Failure) -> Result in try body(&state.current) }
    }

    /// Puts back the data loaded at start.
    public func reset() {
        self.state.withLock { $0.current = AtlasState($0.initial) }
    }

    /// Replaces the served data with `dataset`; `reset` will go back to the start-up data, not to this.
    public func replace(with dataset: AtlasDataset) {
        self.state.withLock { $0.current = AtlasState(dataset) }
    }

    /// The data currently served.
    public var dataset: AtlasDataset { self.state.withLock { $0.current.dataset } }
}
