import Synchronization

/// What the admin API keeps besides Atlas's data: fault rules and the request journal.
final class AdminState: Sendable {
    let faults: FaultInjector
    let journal: RequestJournal
    /// Held by admin operations that change several parts together (reset, fixture loads, state replacement),
    /// so two of them never interleave.
    let operations = Mutex(())

    init(faults: [FaultRule], journalCapacity: Int) {
        self.faults = FaultInjector(initial: faults)
        self.journal = RequestJournal(capacity: journalCapacity)
    }
}
