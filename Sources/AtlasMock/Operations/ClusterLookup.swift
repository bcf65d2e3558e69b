import FoundationEssentials

/// What the clusters and Flex cluster operations share: which API serves which kind, the shared-tier cutoff,
/// new clusters' timings, and creation with the name check under the store's lock.
extension OperationContext {
    /// The clusters-API view the resolved version asks for.
    var clusterView: ClusterRepresentation.View {
        if self.version >= .v2024_08_05 { return .current }
        return self.version >= .v2023_02_01 ? .advanced : .legacy
    }

    /// Whether the shared-tier cutoff has passed with enforcement on: M2/M5 creates are refused and the clusters
    /// API serves no Flex cluster any more ("until January 2026").
    var isPastSharedTierCutoff: Bool {
        self.settings.deprecation.enforceSunset && self.now >= self.settings.deprecation.sunset
    }

    /// The cluster `{clusterName}` names, as the clusters API serves it: M0/M2/M5, dedicated, and Flex clusters made
    /// by `createCluster` or migrated from M2/M5 (until the cutoff); Flex-API clusters are refused.
    func clustersAPICluster(in project: Project) throws(AtlasFailure) -> Cluster {
        let cluster = try self.cluster(in: project, parameterName: "clusterName")
        try self.checkServedByClustersAPI(cluster)
        return cluster
    }

    func checkServedByClustersAPI(_ cluster: Cluster) throws(AtlasFailure) {
        guard case .flex(let origin) = cluster.kind else { return }
        if origin == .flexAPI || self.isPastSharedTierCutoff {
            throw .api(.cannotUseFlexClusterInClusterAPI, .string(cluster.name))
        }
    }

    /// Whether `listGroupClusters` includes `cluster` (it omits what the clusters API refuses).
    func isServedByClustersAPI(_ cluster: Cluster) -> Bool {
        (try? self.checkServedByClustersAPI(cluster)) != nil
    }

    /// How long one transition of `kind` takes.
    func transitionDuration(for kind: ClusterKind, cluster: Cluster? = nil) -> TimeInterval {
        cluster?.transitionSeconds.map(TimeInterval.init) ?? self.settings.clusterTransitions.duration(for: kind)
    }

    /// `now` to the second: a new cluster's `createDate` (Atlas's dates have no fraction, and the daily snapshots
    /// are scheduled from it).
    var creationInstant: Date { Date(timeIntervalSince1970: self.now.timeIntervalSince1970.rounded(.down)) }

    /// A fresh cluster of `kind` in CREATING, created now.
    func newCluster(named name: String, in project: Project, kind: ClusterKind) -> Cluster {
        var cluster = Cluster(projectId: project.id, name: name, kind: kind)
        let created = self.creationInstant
        cluster.id = Identifiers.makeObjectID(timestamp: Int(created.timeIntervalSince1970))
        cluster.createDate = created
        cluster.dailySnapshots = true
        cluster.dedicated = nil
        let throughUpdating = kind == .shared(tier: "M0")
        cluster.lifecycle = .transition(
            .creating(throughUpdating: throughUpdating), started: created, duration: self.transitionDuration(for: kind))
        return cluster
    }

    /// Stores a new cluster unless its project already has one of that name (in either API, deleting ones
    /// included); checked under the write lock, so of two concurrent creates exactly one succeeds.
    func insert(_ cluster: Cluster, duplicateKind: String, extraCheck: (AtlasState) throws(AtlasFailure) -> Void = { _ in })
        throws(AtlasFailure)
    {
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let now = self.now
        try self.store.write { state throws(AtlasFailure) in
            if state.cluster(key, at: now) != nil {
                throw .api(.duplicateClusterName, .string(duplicateKind), .string(cluster.name), .string(cluster.projectId))
            }
            try extraCheck(state)
            // A finished deletion's leftovers (the store removes them lazily) must not reach the new cluster.
            state.snapshots[key] = nil
            state.restoreJobs[key] = nil
            state.clusters[key] = cluster
        }
    }

    /// Replaces a stored cluster with `change` applied to its state at `now`, atomically; `change` may refuse.
    func update(_ cluster: Cluster, _ change: (inout Cluster) throws(AtlasFailure) -> Void) throws(AtlasFailure) -> Cluster {
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let now = self.now
        return try self.store.write { state throws(AtlasFailure) -> Cluster in
            guard var current = state.cluster(key, at: now) else {
                throw .api(.clusterNotFound, .string(cluster.name), .string(cluster.projectId))
            }
            try change(&current)
            state.clusters[key] = current
            return current
        }
    }

    /// Starts the deletion of `cluster` (DELETING, then gone): refused when termination protection is on or a
    /// deletion is already under way.
    func startDeletion(of cluster: Cluster) throws(AtlasFailure) {
        let now = self.now
        let duration = self.transitionDuration(for: cluster.kind, cluster: cluster)
        _ = try self.update(cluster) { (current) throws(AtlasFailure) in
            if current.lifecycle.isDeleting { throw .api(.clusterAlreadyRequestedDeletion, .string(current.name)) }
            if current.terminationProtectionEnabled {
                throw .api(
                    .cannotTerminateProtectedCluster,
                    .string(
                        "Cannot terminate cluster \(current.name) in group \(current.projectId) because termination "
                            + "protection is enabled. Disable termination protection and try again."))
            }
            current.upgrade = nil
            current.lifecycle = .transition(.deleting, started: now, duration: duration)
        }
    }

    /// Refuses changes to a cluster that is being deleted (recorded: 400 `ATLAS_GENERAL_ERROR`).
    static func checkNotDeleting(_ cluster: Cluster) throws(AtlasFailure) {
        if cluster.lifecycle.isDeleting {
            throw .api(.atlasGeneralError, .string("This cluster is currently being deleted, cannot update"))
        }
    }
}

extension ProjectAccess {
    /// Project Owner or Project Cluster Manager: creating and upgrading clusters. (The spec names "Project Cluster
    /// Creator" for creates; that role's API name is unknown, and Cluster Manager covers it.)
    static let clusterManager = ProjectAccess.ownerOr(["GROUP_CLUSTER_MANAGER"])
}
