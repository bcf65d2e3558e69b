/// Checks decoded fixture records against each other and against data already loaded: every reference names an
/// organization, project or cluster that exists (in any source, in any order), and no id is defined twice.
struct FixtureValidator {
    /// Where an id was first defined: a location, or nil for data loaded before.
    private typealias Definitions = [String: FixtureLocation?]
    /// Restore job ids by where they were first defined: a document and a position in its jobs, or nil for data
    /// loaded before. Positions rather than locations, made only for an error: a table of 300,000 full locations
    /// was twice the size, and making a location for every job a third of the time validation took.
    private typealias JobDefinitions = [String: (document: Int, position: Int)?]

    private(set) var errors: [FixtureError] = []

    /// `base` plus the documents' records, or nil (with `errors` set) when anything is wrong.
    mutating func merge(_ documents: [FixtureDocument], onto base: Fixtures) -> Fixtures? {
        // Snapshots and faults are derived views of their documents: worked out once here.
        let resolved = documents.map(Resolved.init)
        var organizations = Definitions()
        var projects = Definitions()
        var projectOrg: [String: String] = [:]
        var clusters = Definitions()
        var snapshots = Definitions()
        var jobs = JobDefinitions()
        var keys = Definitions()
        var accounts = Definitions()
        var faults = Definitions()
        let baseData = base.dataset
        // Ids are checked for uniqueness in tables sized once: a large fixture would otherwise rehash them all
        // every time a table doubles.
        jobs.reserveCapacity(baseData.restoreJobs.count + documents.reduce(0) { $0 + $1.tenantRestoreJobs.records.count })
        snapshots.reserveCapacity(baseData.snapshots.count + resolved.reduce(0) { $0 + $1.snapshots.count })
        for organization in baseData.organizations { organizations[organization.id] = .some(nil) }
        for project in baseData.projects {
            projects[project.id] = .some(nil)
            projectOrg[project.id] = project.orgId
        }
        for cluster in baseData.clusters { clusters[Self.key(cluster.projectId, cluster.name)] = .some(nil) }
        for snapshot in baseData.snapshots { snapshots[snapshot.id] = .some(nil) }
        for job in baseData.restoreJobs { jobs[job.id] = .some(nil) }
        for key in baseData.apiKeys { keys[key.publicKey] = .some(nil) }
        for account in baseData.serviceAccounts { accounts[account.clientId] = .some(nil) }
        for fault in base.faults { faults[fault.id] = .some(nil) }

        // Definitions first, across all documents, so references may point forwards or into other files.
        for (number, document) in resolved.enumerated() {
            for (organization, location) in document.organizations {
                self.define(organization.id, "organization id", at: location, "id", in: &organizations)
            }
            for (project, location) in document.projects {
                self.define(project.id, "project id", at: location, "id", in: &projects)
                projectOrg[project.id] = projectOrg[project.id] ?? project.orgId
            }
            for (cluster, location) in document.clusters {
                self.define(
                    Self.key(cluster.projectId, cluster.name), "cluster \"\(cluster.name)\" in project \(cluster.projectId)",
                    at: location, "name", in: &clusters)
            }
            for (snapshot, location) in document.snapshots {
                self.define(snapshot.id, "snapshot id", at: location, "id", in: &snapshots)
            }
            for position in document.tenantRestoreJobs.records.indices {
                self.define(
                    document.tenantRestoreJobs.records[position].id, "restore job id", at: (number, position), "id",
                    in: &jobs) { resolved[$0.document].tenantRestoreJobs.location(at: $0.position) }
            }
            for (key, location) in document.apiKeys {
                self.define(key.publicKey, "API key", at: location, "publicKey", in: &keys)
            }
            for (account, location) in document.serviceAccounts {
                self.define(account.clientId, "service account", at: location, "clientId", in: &accounts)
            }
            for (fault, location) in document.faults where !fault.id.isEmpty {
                self.define(fault.id, "fault id", at: location, "id", in: &faults)
            }
        }

        for document in resolved {
            for (project, location) in document.projects where organizations[project.orgId] == nil {
                self.errors.append(location.error("orgId", "organization \"\(project.orgId)\" does not exist"))
            }
            for (cluster, location) in document.clusters where projects[cluster.projectId] == nil {
                self.errors.append(location.error("projectId", "project \"\(cluster.projectId)\" does not exist"))
            }
            var reportedGroups: Set<String> = []
            for (snapshot, location) in document.snapshots
            where clusters[Self.key(snapshot.projectId, snapshot.clusterName)] == nil {
                // Snapshots name their cluster through their group: report once, at the group.
                let group = location.path.firstRange(of: ".snapshots[").map { String(location.path[..<$0.lowerBound]) }
                    ?? location.path
                guard reportedGroups.insert(group).inserted else { continue }
                self.errors.append(
                    FixtureLocation(source: location.source, path: group).error(
                        "clusterName", self.missingCluster(snapshot.clusterName, snapshot.projectId, projects)))
            }
            // Jobs come in runs of one cluster: its lookup is reused while the run lasts.
            var lastCluster: (projectId: String, name: String, exists: Bool)?
            let jobs = document.tenantRestoreJobs
            for position in jobs.records.indices {
                let (projectId, clusterName) = (jobs.records[position].projectId, jobs.records[position].clusterName)
                if let last = lastCluster, last.projectId == projectId, last.name == clusterName, last.exists {
                    continue
                }
                let exists = clusters[Self.key(projectId, clusterName)] != nil
                lastCluster = (projectId, clusterName, exists)
                if !exists {
                    self.errors.append(
                        jobs.location(at: position).error(
                            "clusterName", self.missingCluster(clusterName, projectId, projects)))
                }
            }
            for (key, location) in document.apiKeys {
                self.checkCredential(orgId: key.orgId, roles: key.roles, at: location, organizations, projectOrg)
            }
            for (account, location) in document.serviceAccounts {
                self.checkCredential(orgId: account.orgId, roles: account.roles, at: location, organizations, projectOrg)
            }
        }
        guard self.errors.isEmpty else { return nil }

        var merged = base
        for (document, resolved) in zip(documents, resolved) {
            Self.adopt(document.organizations.records, into: &merged.dataset.organizations)
            Self.adopt(document.projects.records, into: &merged.dataset.projects)
            Self.adopt(document.clusters.records, into: &merged.dataset.clusters)
            Self.adopt(resolved.snapshots.map(\.0), into: &merged.dataset.snapshots)
            Self.adopt(document.tenantRestoreJobs.records, into: &merged.dataset.restoreJobs)
            Self.adopt(document.apiKeys.records, into: &merged.dataset.apiKeys)
            Self.adopt(document.serviceAccounts.records, into: &merged.dataset.serviceAccounts)
            Self.adopt(resolved.faults.map(\.0), into: &merged.faults)
        }
        return merged
    }

    private static func key(_ projectId: String, _ name: String) -> String { projectId + "/" + name }

    /// Appends `records`; into an empty array they are taken as they are, sharing storage instead of copying
    /// (the common case of one large file).
    private static func adopt<Record>(_ records: [Record], into array: inout [Record]) {
        if array.isEmpty { array = records } else { array += records }
    }

    private mutating func define(
        _ id: String, _ what: String, at location: FixtureLocation, _ field: String, in definitions: inout Definitions
    ) {
        self.define(id, what, at: location, field, in: &definitions) { $0 }
    }

    /// Notes that `id` is defined at `place`, or reports it as a duplicate of where it was first defined;
    /// `location` says where a place is.
    private mutating func define<Place>(
        _ id: String, _ what: String, at place: Place, _ field: String, in definitions: inout [String: Place?],
        location: (Place) -> FixtureLocation
    ) {
        guard let first = definitions[id] else {
            definitions[id] = .some(place)
            return
        }
        let previous = first.map { "first defined at \(location($0).source) \(location($0).path)" } ?? "already loaded"
        let subject = what.hasPrefix("cluster") ? what : "\(what) \"\(id)\""
        self.errors.append(location(place).error(field, "duplicate \(subject) (\(previous))"))
    }

    private func missingCluster(_ name: String, _ projectId: String, _ projects: Definitions) -> String {
        projects[projectId] == nil
            ? "project \"\(projectId)\" does not exist"
            : "cluster \"\(name)\" does not exist in project \(projectId)"
    }

    private mutating func checkCredential(
        orgId: String, roles: RoleAssignments, at location: FixtureLocation, _ organizations: Definitions,
        _ projectOrg: [String: String]
    ) {
        if organizations[orgId] == nil {
            self.errors.append(location.error("orgId", "organization \"\(orgId)\" does not exist"))
        }
        for projectId in roles.projectRoles.keys.sorted() {
            guard let owner = projectOrg[projectId] else {
                self.errors.append(location.error("roles", "project \"\(projectId)\" does not exist"))
                continue
            }
            if owner != orgId {
                self.errors.append(
                    location.error("roles", "project \"\(projectId)\" belongs to another organization (\(owner))"))
            }
        }
    }

    /// A document's records as `(record, location)` pairs, with its snapshots flattened and its faults built.
    private struct Resolved {
        var organizations: [(Organization, FixtureLocation)]
        var projects: [(Project, FixtureLocation)]
        var clusters: [(Cluster, FixtureLocation)]
        var tenantRestoreJobs: LocatedRecords<RestoreJob>
        var snapshots: [(TenantSnapshot, FixtureLocation)]
        var apiKeys: [(APIKey, FixtureLocation)]
        var serviceAccounts: [(ServiceAccount, FixtureLocation)]
        var faults: [(FaultRule, FixtureLocation)]

        init(_ document: FixtureDocument) {
            self.organizations = Array(document.organizations.pairs)
            self.projects = Array(document.projects.pairs)
            self.clusters = Array(document.clusters.pairs)
            // The large collection stays as it is; its locations are made one at a time, and only for errors.
            self.tenantRestoreJobs = document.tenantRestoreJobs
            self.snapshots = document.snapshots
            self.apiKeys = Array(document.apiKeys.pairs)
            self.serviceAccounts = Array(document.serviceAccounts.pairs)
            self.faults = document.faults
        }
    }
}
