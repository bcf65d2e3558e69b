/// An Atlas response saved as it came — a list (`{"links", "results", "totalCount"}`) or a single entity, from
/// either backup API — loaded as fixture records. Each item is recognised by its fields: a restore job has
/// `snapshotId`, and names its cluster `clusterName` (tenant) or `instanceName` (Flex); anything else is read as a
/// snapshot. Snapshots do not name their cluster, so it comes from the request path: a recording's file name, or
/// the body's `self` link. Items are checked as strictly as fixture records, with paths into the saved file.
enum SavedResponse {
    /// Whether the document is a saved response rather than a fixture document: an object with `results` (a
    /// list) or `id` (an entity), members a fixture document does not have. Told from the members the fixture
    /// document's schema located, so a large file is not stepped over once more just to tell.
    static func recognise(_ members: LocatedMembers, in reader: JSONReader) -> Bool {
        members.unknown.contains { reader.text($0, equals: Self.results) || reader.text($0, equals: Self.id) }
    }

    private static let results = Array("results".utf8)
    private static let id = Array("id".utf8)

    /// The records of the response at the reader. `path` is the request path when known (from a recording's
    /// file name); otherwise the body's `self` link names it.
    static func decode(_ reader: inout JSONReader, requestPath path: String?, _ diagnostics: inout FixtureDiagnostics)
        throws(JSONSyntaxError) -> FixtureDocument?
    {
        // One step over the top level for `links` (small) and whether it is a list; `results` is not read twice,
        // as a saved list can hold as many jobs as any fixture file.
        var probe = reader
        var links: JSONValue?
        var isList = false
        if try probe.kind() == .object {
            try probe.readObject { reader, key throws(JSONSyntaxError) in
                if reader.text(key, equals: Array("links".utf8)) {
                    links = try reader.value()
                } else {
                    if reader.text(key, equals: Array("results".utf8)) { isList = true }
                    try reader.skipValue()
                }
            }
        }
        let resource = (path ?? links.flatMap(JSONValue.selfHref)).flatMap(RecordedResource.init(path:))
        if let path {
            switch resource {
            case .restoreJobs?, .snapshots?: break
            default:
                try reader.skipValue()
                diagnostics.error(
                    "$",
                    "\(path) holds no fixture records (only restore jobs and snapshots load; atlas-mock import maps the rest)")
                return nil
            }
        }
        // Items sit in `$.results` of a list, or are the whole document (its location then reads `$[0]`).
        let parent = isList ? "$.results" : "$"
        var document = FixtureDocument()
        document.tenantRestoreJobs = LocatedRecords(source: diagnostics.source, path: parent, indices: [])
        var snapshots = LocatedRecords<TenantSnapshot>(source: diagnostics.source, path: parent, indices: [])
        func item(_ reader: inout JSONReader, index: Int) throws(JSONSyntaxError) {
            let itemPath = isList ? JSONPath(parent).element(index) : JSONPath(parent)
            let kind = try Self.kind(of: reader)
            if kind == .snapshot {
                guard var snapshot = try TenantSnapshot.schema.decode(&reader, at: itemPath, &diagnostics) else { return }
                if case .snapshots(let cluster, _)? = resource {
                    snapshot.projectId = cluster.projectId
                    snapshot.clusterName = cluster.name
                }
                snapshots.records.append(snapshot)
                snapshots.indices?.append(index)
            } else {
                let schema = kind == .flexJob ? RestoreJob.flexSchema : RestoreJob.schema
                if kind == .flexJob { document.tenantRestoreJobs.spelling = RestoreJob.flexSpelling }
                guard let job = try schema.decode(&reader, at: itemPath, &diagnostics) else { return }
                document.tenantRestoreJobs.records.append(job)
                document.tenantRestoreJobs.indices?.append(index)
            }
        }
        if isList {
            try reader.readObject { reader, key throws(JSONSyntaxError) in
                let name = reader.string(key)
                switch name {
                case "results":
                    guard try reader.kind() == .array else {
                        diagnostics.error("$.results", "expected an array, found \(try reader.kind().description)")
                        try reader.skipValue()
                        return
                    }
                    try reader.readArray { reader, index throws(JSONSyntaxError) in try item(&reader, index: index) }
                case "links", "totalCount": try reader.skipValue()
                default:
                    diagnostics.error(
                        JSONPath("$").member(name), "unknown field (expected one of: links, results, totalCount)")
                    try reader.skipValue()
                }
            }
        } else {
            try item(&reader, index: 0)
        }
        if !snapshots.records.isEmpty {
            guard case .snapshots(let cluster, _)? = resource else {
                diagnostics.error(
                    "$",
                    "snapshots do not name their cluster, and "
                        + (resource == nil
                            ? "neither a recorder file name nor a self link gives the path they were listed at"
                            : "the path they were listed at is not a snapshots path")
                        + " (put them under tenantSnapshots with projectId and clusterName)")
                return document
            }
            document.snapshotGroups = LocatedRecords(
                records: [SnapshotGroup(projectId: cluster.projectId, clusterName: cluster.name, snapshots: snapshots)],
                source: diagnostics.source, path: "$")
        }
        return document
    }

    private enum Kind {
        case tenantJob, flexJob, snapshot
    }

    /// What the object at the reader is, from its member names.
    private static func kind(of reader: JSONReader) throws(JSONSyntaxError) -> Kind {
        var reader = reader
        guard try reader.kind() == .object else { return .snapshot }
        var names: Set<String> = []
        try reader.readObject { reader, key throws(JSONSyntaxError) in
            names.insert(reader.string(key))
            try reader.skipValue()
        }
        if names.contains("instanceName") { return .flexJob }
        if names.contains("snapshotId") || names.contains("clusterName") { return .tenantJob }
        return .snapshot
    }
}

extension RestoreJob {
    /// `FlexBackupRestoreJob20241113` as Atlas returns it: the fixture record with `instanceName` for
    /// `clusterName`.
    static let flexSchema = ResourceSchema<RestoreJob>(
        "Flex restore job", blank: Self.schema.blank,
        fields: Self.schema.fields.map { field in
            guard let name = Self.flexSpelling[field.name] else { return field }
            return ResourceField(
                name: name, utf8: Array(name.utf8), type: field.type, required: field.required,
                readOnly: field.readOnly, summary: field.summary, decode: field.decode, encode: field.encode)
        })

    /// The fixture format's names that Flex spells otherwise.
    static let flexSpelling = ["clusterName": "instanceName"]
}
