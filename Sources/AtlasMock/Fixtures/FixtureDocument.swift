/// Where a decoded record came from, for errors found after decoding (references, duplicates). Its path is
/// built only when asked for: the strings it is made of are shared by every record of an array, so a location
/// costs no allocation of its own (a fixture can hold 300,000 records).
struct FixtureLocation: Sendable {
    var source: String
    /// The JSON path of the array the record is in, or of the record itself when `index` is nil.
    var parent: String
    var index: Int?
    /// Field names as the source spells them, where it differs from the fixture format (`LocatedRecords`).
    var spelling: [String: String] = [:]

    init(source: String, path: String) {
        self.source = source
        self.parent = path
        self.index = nil
    }

    init(source: String, parent: String, index: Int, spelling: [String: String] = [:]) {
        self.source = source
        self.parent = parent
        self.index = index
        self.spelling = spelling
    }

    /// The record's JSON path, e.g. `$.tenantRestoreJobs[3]`.
    var path: String { self.index.map { "\(self.parent)[\($0)]" } ?? self.parent }

    func error(_ field: String?, _ message: String) -> FixtureError {
        FixtureError(
            source: self.source, path: field.map { self.path + "." + (self.spelling[$0] ?? $0) } ?? self.path,
            message: message)
    }
}

/// The records of one fixture source, decoded and checked on their own, each with its location; the validator
/// then checks them against each other and against the data already loaded.
struct FixtureDocument: Sendable {
    var organizations = LocatedRecords<Organization>()
    var projects = LocatedRecords<Project>()
    var clusters = LocatedRecords<Cluster>()
    var tenantRestoreJobs = LocatedRecords<RestoreJob>()
    var snapshotGroups = LocatedRecords<SnapshotGroup>()
    var apiKeys = LocatedRecords<APIKey>()
    var serviceAccounts = LocatedRecords<ServiceAccount>()
    var faultDeclarations = LocatedRecords<FaultRule.Declaration>()

    /// Every group's snapshots (which carry their group's cluster), each with its own location.
    var snapshots: [(TenantSnapshot, FixtureLocation)] {
        self.snapshotGroups.records.flatMap { group in
            group.snapshots.records.indices.map { (group.snapshots.records[$0], group.snapshots.location(at: $0)) }
        }
    }

    var faults: [(FaultRule, FixtureLocation)] {
        self.faultDeclarations.pairs.compactMap { declaration, location in declaration.rule.map { ($0, location) } }
    }

    /// The fixture format's top level: every member an optional array of one resource.
    static let schema = ResourceSchema<FixtureDocument>(
        "fixture file", blank: { FixtureDocument() },
        fields: [
            .collection(
                "organizations", \.organizations, .records(Organization.schema, type: "array"), "organizations"),
            .collection("projects", \.projects, .records(Project.schema, type: "array"), "projects"),
            .collection("clusters", \.clusters, .records(Cluster.schema, type: "array"), "clusters"),
            .collection(
                "tenantRestoreJobs", \.tenantRestoreJobs, .records(RestoreJob.schema, type: "array"),
                "restore and download jobs, each a `TenantRestore` exactly as Atlas returns it"),
            .collection(
                "tenantSnapshots", \.snapshotGroups, .records(SnapshotGroup.schema, type: "array"),
                "snapshots, grouped by cluster"),
            .collection("apiKeys", \.apiKeys, .records(APIKey.schema, type: "array"), "API keys"),
            .collection(
                "serviceAccounts", \.serviceAccounts, .records(ServiceAccount.schema, type: "array"),
                "service accounts"),
            .collection("faults", \.faultDeclarations, .records(FaultRule.schema, type: "array"), "fault rules"),
        ])
}

extension ResourceField {
    /// An array member that may be absent (every top-level member of a fixture file is).
    fileprivate static func collection<Element>(
        _ name: String, _ keyPath: WritableKeyPath<Record, LocatedRecords<Element>> & Sendable,
        _ codec: FieldCodec<LocatedRecords<Element>>, _ summary: String
    ) -> ResourceField {
        let field = ResourceField.required(name, keyPath, codec, summary)
        return ResourceField(
            name: field.name, utf8: field.utf8, type: field.type, required: false, readOnly: false,
            summary: field.summary, decode: field.decode, encode: field.encode)
    }
}
