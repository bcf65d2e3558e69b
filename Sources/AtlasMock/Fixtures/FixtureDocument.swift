/// Where a decoded record came from, for errors found after decoding (references, duplicates).
struct FixtureLocation: Sendable {
    var source: String
    /// The record's JSON path, e.g. `$.tenantRestoreJobs[3]`.
    var path: String

    func error(_ field: String?, _ message: String) -> FixtureError {
        FixtureError(source: self.source, path: field.map { self.path + "." + $0 } ?? self.path, message: message)
    }
}

/// The records of one fixture source, decoded and checked on their own, each with its location; the validator
/// then checks them against each other and against the data already loaded.
struct FixtureDocument {
    var organizations: [(Organization, FixtureLocation)] = []
    var projects: [(Project, FixtureLocation)] = []
    var clusters: [(Cluster, FixtureLocation)] = []
    var snapshots: [(TenantSnapshot, FixtureLocation)] = []
    var restoreJobs: [(RestoreJob, FixtureLocation)] = []
    var apiKeys: [(APIKey, FixtureLocation)] = []
    var serviceAccounts: [(ServiceAccount, FixtureLocation)] = []
    var faults: [(FaultRule, FixtureLocation)] = []
}
