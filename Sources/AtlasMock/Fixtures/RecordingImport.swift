import FoundationEssentials

/// Turns recorded Atlas responses (see `HTTPRecording`) into one fixture document that loads on its own
/// (`atlas-mock import`): the restore jobs and snapshots they hold, and the organization, projects and clusters
/// they refer to, named and typed from the request paths and the bodies. What it cannot map is reported, one
/// line each, and left out; the document itself is then checked by the ordinary, strict fixture loader.
public struct RecordingImport {
    public struct Outcome: Sendable {
        /// The fixture document, pretty-printed JSON.
        public var document: [UInt8]
        /// What was left out and why, and what was assumed (`source: message`).
        public var notes: [String]
        /// A one-line count of what the document holds.
        public var summary: String
    }

    /// Imports the recordings among `paths` (files, or directories searched recursively, in name order).
    public static func run(paths: [String]) throws(FixtureErrors) -> Outcome {
        Self.run(recordings: try FixtureFiles.read(paths, listing: .everyFileBelow).map { ($0.source, $0.json) })
    }

    /// Imports the given recordings, in order (a later one wins when two show the same record equally far
    /// along).
    static func run(recordings sources: [(source: String, bytes: [UInt8])]) -> Outcome {
        var collector = Collector()
        for (source, bytes) in sources {
            guard HTTPRecording.looksLikeRecording(bytes) else {
                collector.note(source, "not an HTTP response recording (it does not start with a status line); skipped")
                continue
            }
            switch HTTPRecording.parse(bytes, source: source) {
            case .success(let recording): collector.add(recording)
            case .failure(let error): collector.note(source, error.message + "; skipped")
            }
        }
        return collector.outcome()
    }
}

/// The records gathered from the recordings so far, keyed so that a record seen in several recordings (a list,
/// then a describe, then a watch) is written once.
private struct Collector {
    struct ClusterEvidence {
        var tenantBackups = false
        var flexBackups = false
        /// The tier a cluster description gave.
        var describedTier: String?
        /// The cluster API answered for it (a description or a tenant backup call).
        var clusterAPIServes = false
        /// `CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`: a Flex cluster created through the Flex API.
        var clusterAPIRefuses = false
        /// `CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API`.
        var flexAPIRefuses = false
    }

    struct Record {
        var members: [String: JSONValue]
        /// How far along the record's status is: a job or snapshot only moves forward, so the furthest state seen
        /// is the latest.
        var progress: Int
    }

    /// The members the fixture format takes for each record: its schemas' fields.
    static let jobFields = Set(RestoreJob.schema.fields.map(\.name))
    static let snapshotFields = Set(TenantSnapshot.schema.fields.map(\.name))

    var notes: [String] = []
    var organizations: [String: String] = [:]
    /// Project id → name and organization, when a project recording gave them.
    var projects: [String: (name: String?, orgId: String?)] = [:]
    var clusters: [ClusterKey: ClusterEvidence] = [:]
    var jobs: [String: (cluster: ClusterKey, record: Record)] = [:]
    var snapshots: [ClusterKey: [String: Record]] = [:]

    mutating func note(_ source: String, _ message: String) {
        self.notes.append("\(source): \(message)")
    }

    mutating func add(_ recording: HTTPRecording) {
        let source = recording.source
        guard let body = try? JSONReader.document(recording.body) else {
            self.note(source, "HTTP \(recording.status) with a body that is not JSON; skipped")
            return
        }
        let path = recording.path ?? body.selfLink
        let resource = path.flatMap(RecordedResource.init(path:))
        guard (200..<300).contains(recording.status) else {
            self.addError(body, status: recording.status, resource: resource, source: source)
            return
        }
        switch resource {
        case .organization(let id)?:
            guard let name = body["name"]?.stringValue, body["id"]?.stringValue == id else {
                return self.note(source, "an organization without its id and name; skipped")
            }
            self.organizations[id] = name
        case .project(let id)?:
            self.projects[id] = (body["name"]?.stringValue, body["orgId"]?.stringValue)
        case .cluster(let key)?:
            guard let tier = Self.tier(ofClusterDescription: body) else {
                return self.note(source, "a cluster description without an instance size or provider; skipped")
            }
            self.clusters[key, default: ClusterEvidence()].describedTier = tier
            self.clusters[key, default: ClusterEvidence()].clusterAPIServes = true
        case .flexCluster(let key)?:
            self.clusters[key, default: ClusterEvidence()].describedTier = ClusterTiers.flex
        case .restoreJobs(let key, let api)?:
            self.mark(key, api)
            for (item, itemPath) in Self.items(body) { self.addJob(item, at: itemPath, in: key, source: source) }
        case .snapshots(let key, let api)?:
            self.mark(key, api)
            for (item, itemPath) in Self.items(body) { self.addSnapshot(item, at: itemPath, in: key, source: source) }
        case nil:
            if let path {
                return self.note(
                    source, "\(recording.method ?? "a request to") \(path) has no fixture records; skipped")
            }
            self.addUnplaced(body, source: source)
        }
    }

    /// Error answers hold no records, but two of them say what kind a cluster is.
    private mutating func addError(_ body: JSONValue, status: Int, resource: RecordedResource?, source: String) {
        let code = body["errorCode"]?.stringValue
        switch (code, resource) {
        case ("CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API", .restoreJobs(let key, .flex)?),
            ("CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API", .snapshots(let key, .flex)?),
            ("CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API", .flexCluster(let key)?):
            self.clusters[key, default: ClusterEvidence()].flexAPIRefuses = true
        case ("CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API", .restoreJobs(let key, .tenant)?),
            ("CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API", .snapshots(let key, .tenant)?),
            ("CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API", .cluster(let key)?):
            self.clusters[key, default: ClusterEvidence()].clusterAPIRefuses = true
        default:
            self.note(source, "HTTP \(status)\(code.map { " " + $0 } ?? ""): an error answer holds no records; skipped")
        }
    }

    private mutating func mark(_ key: ClusterKey, _ api: RecordedResource.BackupAPI) {
        switch api {
        case .tenant:
            self.clusters[key, default: ClusterEvidence()].tenantBackups = true
            self.clusters[key, default: ClusterEvidence()].clusterAPIServes = true
        case .flex: self.clusters[key, default: ClusterEvidence()].flexBackups = true
        }
    }

    /// A list's `results` or the single entity, each with its JSON path for notes.
    private static func items(_ body: JSONValue) -> [(JSONValue, String)] {
        if let results = body["results"]?.arrayValue {
            return results.enumerated().map { ($1, "$.results[\($0)]") }
        }
        return [(body, "$")]
    }

    /// A body with neither a recorder file name nor a `self` link: restore jobs name their project and cluster
    /// (`clusterName` on the tenant API, `instanceName` on Flex); snapshots do not.
    private mutating func addUnplaced(_ body: JSONValue, source: String) {
        for (item, itemPath) in Self.items(body) {
            guard item["snapshotId"] != nil, let projectId = item["projectId"]?.stringValue else {
                self.note(
                    source,
                    "\(itemPath): cannot tell which cluster this belongs to (the file is not named after its request and has no self link); skipped"
                )
                continue
            }
            if let name = item["instanceName"]?.stringValue {
                let key = ClusterKey(projectId: projectId, name: name)
                self.mark(key, .flex)
                self.addJob(item, at: itemPath, in: key, source: source)
            } else if let name = item["clusterName"]?.stringValue {
                let key = ClusterKey(projectId: projectId, name: name)
                self.mark(key, .tenant)
                self.addJob(item, at: itemPath, in: key, source: source)
            } else {
                self.note(source, "\(itemPath): a restore job naming no cluster; skipped")
            }
        }
    }

    private mutating func addJob(_ item: JSONValue, at itemPath: String, in key: ClusterKey, source: String) {
        guard item["snapshotId"] != nil, item["id"]?.stringValue != nil else {
            return self.note(source, "\(itemPath): not a restore job (no id or snapshotId); skipped")
        }
        var renamed = item
        if let members = item.orderedMembers {
            // Flex jobs name their cluster `instanceName`; the fixture format's one job record says `clusterName`.
            renamed = .orderedObject(members.map { $0.0 == "instanceName" ? ("clusterName", $0.1) : $0 })
        }
        guard var members = self.members(of: renamed, allowed: Self.jobFields, at: itemPath, source: source) else {
            return
        }
        members["projectId"] = members["projectId"] ?? .string(key.projectId)
        members["clusterName"] = members["clusterName"] ?? .string(key.name)
        guard case .string(let projectId) = members["projectId"], case .string(let name) = members["clusterName"],
            case .string(let id) = members["id"]
        else { return self.note(source, "\(itemPath): projectId, clusterName and id must be strings; skipped") }
        let cluster = ClusterKey(projectId: projectId, name: name)
        if cluster != key {
            self.note(
                source,
                "\(itemPath): the job names cluster \(name) of project \(projectId), not the path's; kept under its own"
            )
            self.clusters[cluster] = self.clusters[cluster] ?? self.clusters[key]
        }
        let record = Record(members: members, progress: Self.progress(members))
        if let existing = self.jobs[id], existing.record.progress > record.progress { return }
        self.jobs[id] = (cluster, record)
    }

    private mutating func addSnapshot(_ item: JSONValue, at itemPath: String, in key: ClusterKey, source: String) {
        guard item["snapshotId"] == nil, item["id"]?.stringValue != nil else {
            return self.note(source, "\(itemPath): not a snapshot (no id, or a restore job's snapshotId); skipped")
        }
        guard let members = self.members(of: item, allowed: Self.snapshotFields, at: itemPath, source: source),
            case .string(let id) = members["id"]
        else { return }
        let record = Record(members: members, progress: Self.progress(members))
        if let existing = self.snapshots[key]?[id], existing.progress > record.progress { return }
        self.snapshots[key, default: [:]][id] = record
    }

    /// The members the fixture format takes; `links` (derived when served) is dropped quietly, anything else
    /// with a note.
    private mutating func members(
        of item: JSONValue, allowed: Set<String>, at itemPath: String, source: String
    ) -> [String: JSONValue]? {
        guard let fields = item.orderedMembers else {
            self.note(source, "\(itemPath): not an object; skipped")
            return nil
        }
        var members: [String: JSONValue] = [:]
        for (name, value) in fields where name != "links" {
            guard allowed.contains(name) else {
                self.note(source, "\(itemPath).\(name): not a field of the fixture format; dropped")
                continue
            }
            members[name] = value
        }
        return members
    }

    private static func progress(_ members: [String: JSONValue]) -> Int {
        guard case .string(let status) = members["status"] else { return 0 }
        switch status {
        case "QUEUED": return 1
        case "RUNNING": return 2
        case "COMPLETED", "FAILED": return 3
        default: return 0
        }
    }

    /// The tier of a cluster description: `replicationSpecs[].regionConfigs[]` (API 2023-02-01 on) or the older
    /// `providerSettings`; Flex when the provider is `FLEX`, else the electable instance size.
    static func tier(ofClusterDescription body: JSONValue) -> String? {
        let configs = (body["replicationSpecs"]?.arrayValue ?? []).flatMap { $0["regionConfigs"]?.arrayValue ?? [] }
        for config in configs {
            if config["providerName"]?.stringValue == "FLEX" { return ClusterTiers.flex }
            if let size = config["electableSpecs"]?["instanceSize"]?.stringValue { return size }
        }
        if let settings = body["providerSettings"] {
            if settings["providerName"]?.stringValue == "FLEX" { return ClusterTiers.flex }
            return settings["instanceSizeName"]?.stringValue
        }
        return nil
    }

    // MARK: The document

    mutating func outcome() -> RecordingImport.Outcome {
        let clusters = self.resolvedClusters()
        let projectIds = Set(clusters.map(\.projectId)).union(self.projects.keys).sorted()
        let knownOrgs = Set(self.projects.values.compactMap(\.orgId)).union(self.organizations.keys)
        // Projects whose organization no recording named go into one made-up organization, with an id derived
        // from them so that importing the same recordings twice gives the same document.
        var synthetic: String?
        if projectIds.contains(where: { self.projects[$0]?.orgId == nil }) {
            if knownOrgs.count == 1 {
                synthetic = knownOrgs.first
            } else {
                synthetic = String(MD5.hex("atlas-mock import " + projectIds.joined(separator: ",")).prefix(24))
                self.note("import", "no recording names the projects' organization; created organization \(synthetic!)")
            }
        }
        var organizations = self.organizations
        for orgId in knownOrgs.union(synthetic.map { [$0] } ?? []) where organizations[orgId] == nil {
            organizations[orgId] = "Imported organization \(orgId)"
        }
        let projects: [JSONValue] = projectIds.map { id in
            .object([
                "id": .string(id), "name": .string(self.projects[id]?.name ?? "imported-project-\(id)"),
                "orgId": .string(self.projects[id]?.orgId ?? synthetic!),
            ])
        }
        let jobs = self.jobs.sorted {
            ($0.value.cluster.projectId, $0.value.cluster.name, $0.key) < (
                $1.value.cluster.projectId, $1.value.cluster.name, $1.key
            )
        }.map { JSONValue.object($0.value.record.members) }
        // Snapshot ids are unique across clusters; a second cluster claiming one would make the document fail.
        var snapshotOwners: [String: ClusterKey] = [:]
        var snapshotGroups: [JSONValue] = []
        for key in self.snapshots.keys.sorted(by: { ($0.projectId, $0.name) < ($1.projectId, $1.name) }) {
            var records: [JSONValue] = []
            for (id, record) in self.snapshots[key]!.sorted(by: { $0.key < $1.key }) {
                if let owner = snapshotOwners[id] {
                    self.note(
                        "import",
                        "snapshot \(id) is listed for clusters \(owner.name) and \(key.name); kept under \(owner.name)")
                    continue
                }
                snapshotOwners[id] = key
                records.append(.object(record.members))
            }
            snapshotGroups.append(
                .object([
                    "projectId": .string(key.projectId), "clusterName": .string(key.name), "snapshots": .array(records),
                ]))
        }
        var document: [String: JSONValue] = [
            "organizations": .array(
                organizations.sorted { $0.key < $1.key }.map {
                    .object(["id": .string($0.key), "name": .string($0.value)])
                }),
            "projects": .array(projects),
            "clusters": .array(clusters.map(\.json)),
        ]
        if !jobs.isEmpty { document["tenantRestoreJobs"] = .array(jobs) }
        if !snapshotGroups.isEmpty { document["tenantSnapshots"] = .array(snapshotGroups) }
        let snapshotCount = snapshotOwners.count
        let summary =
            "\(organizations.count) organizations, \(projects.count) projects, \(clusters.count) clusters, "
            + "\(jobs.count) restore jobs, \(snapshotCount) snapshots; \(self.notes.count) notes"
        return RecordingImport.Outcome(
            document: JSONWriter.encode(.object(document), style: .pretty) + [UInt8(ascii: "\n")], notes: self.notes,
            summary: summary)
    }

    struct ResolvedCluster {
        var projectId: String
        var name: String
        var tier: String
        var origin: FlexOrigin?

        var json: JSONValue {
            var members: [String: JSONValue] = [
                "projectId": .string(self.projectId), "name": .string(self.name), "tier": .string(self.tier),
            ]
            if let origin = self.origin { members["flexOrigin"] = .string(origin.rawValue) }
            return .object(members)
        }
    }

    /// Every cluster the recordings refer to, typed from what they showed of it.
    private mutating func resolvedClusters() -> [ResolvedCluster] {
        var resolved: [ResolvedCluster] = []
        let keys = Set(self.clusters.keys).union(self.jobs.values.map(\.cluster)).union(self.snapshots.keys)
        for key in keys.sorted(by: { ($0.projectId, $0.name) < ($1.projectId, $1.name) }) {
            let evidence = self.clusters[key] ?? ClusterEvidence()
            let label = "cluster \(key.name) of project \(key.projectId)"
            var tier: String
            if let described = evidence.describedTier {
                tier = described
            } else if evidence.flexBackups || evidence.clusterAPIRefuses {
                tier = ClusterTiers.flex
            } else if evidence.tenantBackups {
                tier = "M2"
                self.note(
                    "import",
                    "\(label): tier assumed M2 (the recordings show shared-tier backups; M2 and M5 behave alike)")
            } else {
                tier = "M10"
                self.note("import", "\(label): tier assumed M10 (the Flex API refused it as non-Flex)")
            }
            guard
                tier == ClusterTiers.flex || ClusterTiers.shared.contains(tier) || ClusterTiers.dedicated.contains(tier)
            else {
                self.note(
                    "import", "\(label): instance size \(tier) is not a tier the fixture format knows; assumed M10")
                tier = "M10"
                resolved.append(ResolvedCluster(projectId: key.projectId, name: key.name, tier: tier, origin: nil))
                continue
            }
            var origin: FlexOrigin?
            if tier == ClusterTiers.flex {
                // Served by the cluster API only if created through it or migrated from M2/M5; shared-tier backup
                // history means it was an M2/M5.
                origin =
                    evidence.clusterAPIRefuses
                    ? .flexAPI
                    : evidence.tenantBackups
                        ? .migratedFromShared : evidence.clusterAPIServes ? .createCluster : .flexAPI
            }
            resolved.append(ResolvedCluster(projectId: key.projectId, name: key.name, tier: tier, origin: origin))
        }
        return resolved
    }
}
