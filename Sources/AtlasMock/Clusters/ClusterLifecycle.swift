import FoundationEssentials

/// Where a cluster is in its life on the server clock: resting in a state, or in a transition that started at an
/// instant and lasts a fixed time. The state at any instant is a pure function of this value and that instant, so
/// moving the clock (`PUT /__admin/clock`) moves every cluster at once and nothing runs in the background.
public struct ClusterLifecycle: Sendable, Equatable {
    public enum Transition: Sendable, Equatable {
        /// CREATING, then IDLE. With `throughUpdating`, the second half is UPDATING (as a real M0 does: its first
        /// poll after the create answered UPDATING).
        case creating(throughUpdating: Bool)
        /// UPDATING, then IDLE (an update, or an upgrade).
        case updating
        /// DELETING, then gone.
        case deleting
    }

    /// The state outside a transition (fixtures may set any; API-created clusters rest in IDLE).
    public var resting: ClusterState
    public var transition: Transition?
    public var started: Date
    public var duration: TimeInterval

    /// A cluster resting in `state` (fixtures, or the end of a transition).
    public static func resting(_ state: ClusterState) -> ClusterLifecycle {
        ClusterLifecycle(resting: state, transition: nil, started: .distantPast, duration: 0)
    }

    public static func transition(_ transition: Transition, started: Date, duration: TimeInterval) -> ClusterLifecycle {
        ClusterLifecycle(resting: .idle, transition: transition, started: started, duration: max(0, duration))
    }

    /// When the transition is over (`distantPast` when there is none).
    var ends: Date { self.transition == nil ? .distantPast : self.started.addingTimeInterval(self.duration) }

    /// The state at `now`; nil once a deletion has finished (the cluster is gone).
    func state(at now: Date) -> ClusterState? {
        guard let transition = self.transition else { return self.resting }
        let elapsed = now.timeIntervalSince(self.started)
        switch transition {
        case .creating(let throughUpdating):
            if elapsed >= self.duration { return .idle }
            return throughUpdating && elapsed >= self.duration / 2 ? .updating : .creating
        case .updating:
            return elapsed >= self.duration ? .idle : .updating
        case .deleting:
            return elapsed >= self.duration ? nil : .deleting
        }
    }

    /// Whether the cluster has been asked to go away (a second delete is refused, updates too).
    var isDeleting: Bool { self.transition == .deleting }

    /// Whether a transition is under way at `now` (clocked state still moves: reads cannot be cached).
    func isMoving(at now: Date) -> Bool { self.transition != nil && now < self.ends }
}
