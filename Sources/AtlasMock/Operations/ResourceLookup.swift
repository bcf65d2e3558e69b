/// The path checks every backup operation starts with, in Atlas's order: the project id's form, the project's
/// existence, the caller's rights on it, then the cluster and whether this API serves its kind.
extension OperationContext {
    func project(access: ProjectAccess) throws(AtlasFailure) -> Project {
        let groupId = self.parameter("groupId")
        guard Identifiers.isObjectID(groupId) else { throw .api(.invalidGroupID, .string(groupId)) }
        guard let project = self.store.read({ $0.projects[groupId] }) else {
            throw .api(.groupNotFound, .string(groupId))
        }
        try self.principal.authorize(access, on: project)
        return project
    }

    /// The cluster named by `parameterName`, which the tenant (cluster) API serves: M2/M5, and Flex clusters
    /// created through `createCluster` or migrated from M2/M5.
    func tenantCluster(in project: Project, parameterName: String = "clusterName") throws(AtlasFailure) -> Cluster {
        let cluster = try self.cluster(in: project, parameterName: parameterName)
        switch cluster.kind {
        case .shared(let tier) where tier != "M0": return cluster
        case .flex(.createCluster), .flex(.migratedFromShared): return cluster
        case .flex(.flexAPI): throw .api(.cannotUseFlexClusterInClusterAPI, .string(cluster.name))
        case .shared, .dedicated:
            // Atlas's answer here was never recorded; a validation error naming the cluster is inferred.
            throw .api(
                .validationError,
                .string("Cluster \(cluster.name) is a \(cluster.kind.tierName) cluster; only M2/M5 clusters have shared-tier backups"))
        }
    }

    func cluster(in project: Project, parameterName: String) throws(AtlasFailure) -> Cluster {
        let name = self.parameter(parameterName)
        guard Identifiers.isClusterName(name) else { throw .api(.invalidPathParameter, .string(parameterName)) }
        let now = self.now
        guard let cluster = self.store.read({ $0.cluster(ClusterKey(projectId: project.id, name: name), at: now) }) else {
            throw .api(.clusterNotFound, .string(name), .string(project.id))
        }
        return cluster
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

    /// An oldest-first page of one cluster's snapshots: those loaded and its daily ones (`AtlasState+Clusters`).
    func snapshotPage(of cluster: Cluster, render: (TenantSnapshot) -> JSONValue) throws(AtlasFailure) -> OperationResult {
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let now = self.now
        return try self.list({ pagination in
            // Oldest first (`scheduledTime` ascending) in every recorded Flex list; tenant lists were never
            // recorded and come from the same backend.
            self.store.read { $0.snapshots(of: key, at: now).inOrderPage(pagination) }
        }, render: render)
    }

    /// The snapshot `snapshotId` names in `cluster`.
    func snapshot(in cluster: Cluster) throws(AtlasFailure) -> TenantSnapshot {
        let id = self.parameter("snapshotId")
        guard Identifiers.isObjectID(id) else { throw .api(.invalidSnapshotID, .string(id)) }
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let now = self.now
        guard let snapshot = self.store.read({ $0.snapshots(of: key, at: now).first { $0.id == id } }) else {
            throw .api(.tenantSnapshotNotFound, .string(id), .string(cluster.name))
        }
        return snapshot
    }
}
