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

extension ClusterLifecycle {
    /// `stateName` in fixtures: the resting state (a transition is the separate `transition` member).
    static let restingCodec: FieldCodec<ClusterLifecycle> = {
        let state = FieldCodec<ClusterState>.enumeration
        return FieldCodec(
            type: state.type,
            decode: { reader, diagnostics, path throws(JSONSyntaxError) in
                try state.decode(&reader, &diagnostics, path).map(ClusterLifecycle.resting)
            }, encode: { state.encode($0.resting) })
    }()
}

/// A transition as fixtures and `/__admin/state` write it: `{"state", "started", "seconds", "throughUpdating"?}`.
struct ClusterTransitionRecord: Sendable, Equatable {
    enum State: String, Sendable, CaseIterable {
        case creating = "CREATING"
        case updating = "UPDATING"
        case deleting = "DELETING"
    }

    var state: State
    var started: Date
    var seconds: Int
    var throughUpdating: Bool?

    static let schema = ResourceSchema<ClusterTransitionRecord>(
        "transition", blank: { ClusterTransitionRecord(state: .creating, started: .distantPast, seconds: 0) },
        fields: [
            .required("state", \.state, .enumeration, "the state it shows until it ends"),
            .required("started", \.started, .date, "when it began"),
            .required("seconds", \.seconds, .integer(in: 0...86_400), "how long it lasts"),
            .optional("throughUpdating", \.throughUpdating, .bool, "a CREATING that shows UPDATING in its second half"),
        ])
}

extension Cluster {
    /// `lifecycle`'s transition in the fixture form.
    var transitionRecord: ClusterTransitionRecord? {
        get {
            guard let transition = self.lifecycle.transition else { return nil }
            let seconds = Int(self.lifecycle.duration.rounded(.up))
            switch transition {
            case .creating(let throughUpdating):
                return ClusterTransitionRecord(
                    state: .creating, started: self.lifecycle.started, seconds: seconds,
                    throughUpdating: throughUpdating ? true : nil)
            case .updating:
                return ClusterTransitionRecord(state: .updating, started: self.lifecycle.started, seconds: seconds)
            case .deleting:
                return ClusterTransitionRecord(state: .deleting, started: self.lifecycle.started, seconds: seconds)
            }
        }
        set {
            guard let record = newValue else {
                self.lifecycle = .resting(self.lifecycle.resting)
                return
            }
            let transition: ClusterLifecycle.Transition = switch record.state {
            case .creating: .creating(throughUpdating: record.throughUpdating ?? false)
            case .updating: .updating
            case .deleting: .deleting
            }
            self.lifecycle = .transition(transition, started: record.started, duration: TimeInterval(record.seconds))
        }
    }
}
