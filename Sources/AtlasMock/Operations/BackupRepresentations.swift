/// The JSON shapes of restore jobs and snapshots, in each API's field names. Absent values are omitted.
extension RestoreJob {
    /// `TenantRestore`, with the `self` link Atlas documents for entities.
    func tenantJSON(selfURL: String) -> JSONValue {
        .orderedObject(self.members(nameKey: "clusterName", selfURL: selfURL))
    }

    /// `FlexBackupRestoreJob20241113`: `instanceName` instead of `clusterName`, and no `links` (real Flex items
    /// carry none).
    var flexJSON: JSONValue { .orderedObject(self.members(nameKey: "instanceName", selfURL: nil)) }

    /// The members in alphabetical order, built as a list: lists of 100 jobs are the hot path, and a dictionary
    /// that the writer then sorts cost a measurable share of each request.
    private func members(nameKey: String, selfURL: String?) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        members.reserveCapacity(15)
        func add(_ key: String, _ value: String?) {
            if let value { members.append((key, .string(value))) }
        }
        if nameKey == "clusterName" { add("clusterName", self.clusterName) }
        add("deliveryType", self.deliveryType?.rawValue)
        add("expirationDate", self.expirationDate.map(AtlasDate.format))
        add("id", self.id)
        if nameKey == "instanceName" { add("instanceName", self.clusterName) }
        if let selfURL { members.append(("links", .selfLink(selfURL))) }
        add("projectId", self.projectId)
        add("restoreFinishedDate", self.restoreFinishedDate.map(AtlasDate.format))
        add("restoreScheduledDate", self.restoreScheduledDate.map(AtlasDate.format))
        add("snapshotFinishedDate", self.snapshotFinishedDate.map(AtlasDate.format))
        add("snapshotId", self.snapshotId)
        add("snapshotUrl", self.snapshotUrl)
        add("status", self.status?.rawValue)
        add("targetDeploymentItemName", self.targetDeploymentItemName)
        add("targetProjectId", self.targetProjectId)
        return members
    }
}

extension JSONValue {
    /// `[{"href": url, "rel": "self"}]`, the `links` of an entity.
    static func selfLink(_ url: String) -> JSONValue {
        .array([.orderedObject([("href", .string(url)), ("rel", .string("self"))])])
    }
}

extension TenantSnapshot {
    /// `BackupTenantSnapshot`, with the `self` link Atlas documents for entities.
    func tenantJSON(selfURL: String) -> JSONValue {
        var members = self.members
        members["links"] = .selfLink(selfURL)
        return .object(members)
    }

    /// `FlexBackupSnapshot20241113`: the same fields, without `links` (real Flex items carry none).
    var flexJSON: JSONValue { .object(self.members) }

    private var members: [String: JSONValue] {
        var members: [String: JSONValue] = ["id": .string(self.id)]
        members["status"] = self.status.map { .string($0.rawValue) }
        members["mongoDBVersion"] = self.mongoDBVersion.map { .string($0) }
        members["scheduledTime"] = self.scheduledTime.map { .string(AtlasDate.format($0)) }
        members["startTime"] = self.startTime.map { .string(AtlasDate.format($0)) }
        members["finishTime"] = self.finishTime.map { .string(AtlasDate.format($0)) }
        members["expiration"] = self.expiration.map { .string(AtlasDate.format($0)) }
        return members
    }
}

extension OperationContext {
    /// A newest-first page of one cluster's jobs or snapshots as a list object.
    func listPage<Item>(
        of items: KeyPath<AtlasState, [ClusterKey: [Item]]>, cluster: Cluster, render: (Item) -> JSONValue
    ) throws(AtlasFailure) -> OperationResult {
        let pagination = try Pagination(self.query)
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let page = self.store.read {
            ($0[keyPath: items][key] ?? []).newestFirstPage(pageNumber: pagination.pageNum, itemsPerPage: pagination.itemsPerPage)
        }
        return .list([
            "links": pagination.links(resourceURL: self.resourceURL, query: self.query, totalCount: page.totalCount),
            "results": .array(page.items.map(render)),
            // Atlas still sends `totalCount` (as 0) when `includeCount=false`.
            "totalCount": .int(pagination.includeCount ? page.totalCount : 0),
        ])
    }

    /// The job `parameterName` names in `cluster`, as it stands now.
    func restoreJob(in cluster: Cluster, parameterName: String) throws(AtlasFailure) -> RestoreJob {
        let id = self.parameter(parameterName)
        guard Identifiers.isObjectID(id) else { throw .api(.invalidJobID, .string(id)) }
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        guard let job = self.store.read({ $0.restoreJobs[key]?.first { $0.id == id } }) else {
            throw .api(.tenantRestoreNotFound, .string(id), .string(cluster.name))
        }
        return job.resolved(at: self.now)
    }

    /// The snapshot `snapshotId` names in `cluster`.
    func snapshot(in cluster: Cluster) throws(AtlasFailure) -> TenantSnapshot {
        let id = self.parameter("snapshotId")
        guard Identifiers.isObjectID(id) else { throw .api(.invalidSnapshotID, .string(id)) }
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        guard let snapshot = self.store.read({ $0.snapshots[key]?.first { $0.id == id } }) else {
            throw .api(.tenantSnapshotNotFound, .string(id), .string(cluster.name))
        }
        return snapshot
    }
}
