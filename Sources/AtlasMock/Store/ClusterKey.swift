/// A cluster's identity: names are unique within a project only.
struct ClusterKey: Hashable, Sendable {
    var projectId: String
    var name: String
}
