/// `stateName` of a cluster (the spec's enum; Atlas was only ever recorded in the first four).
public enum ClusterState: String, Sendable, CaseIterable {
    case idle = "IDLE"
    case creating = "CREATING"
    case updating = "UPDATING"
    case deleting = "DELETING"
    case repairing = "REPAIRING"
}
