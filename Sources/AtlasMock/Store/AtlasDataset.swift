/// Everything atlas-mock serves, as plain values: what fixtures load into and what `/__admin/state` dumps.
/// Order inside the arrays carries no meaning; the store indexes and orders them.
public struct AtlasDataset: Sendable, Equatable {
    public var organizations: [Organization] = []
    public var projects: [Project] = []
    public var clusters: [Cluster] = []
    public var snapshots: [TenantSnapshot] = []
    public var restoreJobs: [RestoreJob] = []
    public var apiKeys: [APIKey] = []
    public var serviceAccounts: [ServiceAccount] = []

    public init() {}

    /// Adds `other`'s records after this one's (later fixture files add to earlier ones).
    public mutating func append(_ other: AtlasDataset) {
        self.organizations += other.organizations
        self.projects += other.projects
        self.clusters += other.clusters
        self.snapshots += other.snapshots
        self.restoreJobs += other.restoreJobs
        self.apiKeys += other.apiKeys
        self.serviceAccounts += other.serviceAccounts
    }
}
