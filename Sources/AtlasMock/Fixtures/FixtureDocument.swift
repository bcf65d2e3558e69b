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
struct FixtureDocument: Sendable {
    var organizations: [Located<Organization>] = []
    var projects: [Located<Project>] = []
    var clusters: [Located<Cluster>] = []
    var tenantRestoreJobs: [Located<RestoreJob>] = []
    var snapshotGroups: [Located<SnapshotGroup>] = []
    var apiKeys: [Located<APIKey>] = []
    var serviceAccounts: [Located<ServiceAccount>] = []
    var faultDeclarations: [Located<FaultRule.Declaration>] = []

    /// Snapshots with the cluster their group names, each at its own path.
    var snapshots: [Located<TenantSnapshot>] {
        self.snapshotGroups.flatMap { group in
            group.record.snapshots.map { located in
                var snapshot = located
                snapshot.record.projectId = group.record.projectId
                snapshot.record.clusterName = group.record.clusterName
                return snapshot
            }
        }
    }

    var faults: [Located<FaultRule>] {
        self.faultDeclarations.compactMap { declared in
            declared.record.rule.map { Located(record: $0, location: declared.location) }
        }
    }

    /// The fixture format's top level: every member an optional array of one resource.
    static let schema = ResourceSchema<FixtureDocument>(
        "fixture file", blank: { FixtureDocument() },
        fields: [
            .collection(
                "organizations", \.organizations, .located(Organization.schema, type: "array"), "organizations"),
            .collection("projects", \.projects, .located(Project.schema, type: "array"), "projects"),
            .collection("clusters", \.clusters, .located(Cluster.schema, type: "array"), "clusters"),
            .collection(
                "tenantRestoreJobs", \.tenantRestoreJobs, .located(RestoreJob.schema, type: "array"),
                "restore and download jobs, each a `TenantRestore` exactly as Atlas returns it"),
            .collection(
                "tenantSnapshots", \.snapshotGroups, .located(SnapshotGroup.schema, type: "array"),
                "snapshots, grouped by cluster"),
            .collection("apiKeys", \.apiKeys, .located(APIKey.schema, type: "array"), "API keys"),
            .collection(
                "serviceAccounts", \.serviceAccounts, .located(ServiceAccount.schema, type: "array"),
                "service accounts"),
            .collection("faults", \.faultDeclarations, .located(FaultRule.schema, type: "array"), "fault rules"),
        ])
}

extension ResourceField {
    /// An array member that may be absent (every top-level member of a fixture file is).
    fileprivate static func collection<Element>(
        _ name: String, _ keyPath: WritableKeyPath<Record, [Located<Element>]> & Sendable,
        _ codec: FieldCodec<[Located<Element>]>, _ summary: String
    ) -> ResourceField {
        let field = ResourceField.required(name, keyPath, codec, summary)
        return ResourceField(
            name: field.name, utf8: field.utf8, type: field.type, required: false, readOnly: false,
            summary: field.summary, decode: field.decode, encode: field.encode)
    }
}
