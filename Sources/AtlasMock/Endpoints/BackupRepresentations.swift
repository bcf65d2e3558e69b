/// The JSON shapes of restore jobs and snapshots, in each API's field names. Absent values are omitted.
extension RestoreJob {
    /// `TenantRestore`, with the `self` link Atlas documents for entities.
    func tenantJSON(selfURL: String) -> JSONValue {
        var members = self.commonMembers
        members["clusterName"] = .string(self.clusterName)
        members["links"] = .array([.object(["href": .string(selfURL), "rel": .string("self")])])
        return .object(members)
    }

    /// `FlexBackupRestoreJob20241113`: `instanceName` instead of `clusterName`, and no `links` (real Flex items
    /// carry none).
    var flexJSON: JSONValue {
        var members = self.commonMembers
        members["instanceName"] = .string(self.clusterName)
        return .object(members)
    }

    private var commonMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "id": .string(self.id),
            "projectId": .string(self.projectId),
            "snapshotId": .string(self.snapshotId),
        ]
        members["deliveryType"] = self.deliveryType.map { .string($0.rawValue) }
        members["status"] = self.status.map { .string($0.rawValue) }
        members["targetDeploymentItemName"] = self.targetDeploymentItemName.map { .string($0) }
        members["targetProjectId"] = self.targetProjectId.map { .string($0) }
        members["restoreScheduledDate"] = self.restoreScheduledDate.map { .string(AtlasDate.format($0)) }
        members["restoreFinishedDate"] = self.restoreFinishedDate.map { .string(AtlasDate.format($0)) }
        members["snapshotFinishedDate"] = self.snapshotFinishedDate.map { .string(AtlasDate.format($0)) }
        members["expirationDate"] = self.expirationDate.map { .string(AtlasDate.format($0)) }
        members["snapshotUrl"] = self.snapshotUrl.map { .string($0) }
        return members
    }
}

extension TenantSnapshot {
    /// `BackupTenantSnapshot`, with the `self` link Atlas documents for entities.
    func tenantJSON(selfURL: String) -> JSONValue {
        var members = self.members
        members["links"] = .array([.object(["href": .string(selfURL), "rel": .string("self")])])
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
        let page = self.atlas.store.read {
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
        guard let job = self.atlas.store.read({ $0.restoreJobs[key]?.first { $0.id == id } }) else {
            throw .api(.tenantRestoreNotFound, .string(id), .string(cluster.name))
        }
        return job.resolved(at: self.now)
    }

    /// The snapshot `snapshotId` names in `cluster`.
    func snapshot(in cluster: Cluster) throws(AtlasFailure) -> TenantSnapshot {
        let id = self.parameter("snapshotId")
        guard Identifiers.isObjectID(id) else { throw .api(.invalidSnapshotID, .string(id)) }
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        guard let snapshot = self.atlas.store.read({ $0.snapshots[key]?.first { $0.id == id } }) else {
            throw .api(.tenantSnapshotNotFound, .string(id), .string(cluster.name))
        }
        return snapshot
    }
}
