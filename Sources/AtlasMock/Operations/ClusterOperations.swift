import FoundationEssentials

/// The clusters API (`/groups/{groupId}/clusters…`), every media version: M0/M2/M5 in TENANT form, dedicated
/// clusters echoing what was asked, Flex clusters made by `createCluster` or migrated until the cutoff.
enum ClusterOperations {
    /// `listGroupClusters`: dedicated and tenant clusters, in creation order; Flex-API clusters are omitted.
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .readOnly)
        _ = try context.query.bool("includeDeletedWithRetainedBackups", default: false)
        let now = context.now
        let served = context.store.read { $0.clusters(inProject: project.id, at: now) }.filter(context.isServedByClustersAPI)
        return try context.list({ served.inOrderPage($0) }, render: { Self.json($0, context) })
    }

    static func get(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .readOnly)
        return .entity(Self.json(try context.clustersAPICluster(in: project), context))
    }

    /// `createGroupCluster`: 201 CREATING. TENANT M0 makes a tenant cluster (one per project); TENANT M2/M5 makes a
    /// Flex cluster (origin `createCluster`), refused after the enforced cutoff; anything else is dedicated.
    static func create(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .clusterManager)
        let view = context.clusterView
        let body = try ClusterRequestSchemas.cluster(view, create: true).check(context.request.body)
        let id = Identifiers.makeObjectID(timestamp: Int(context.creationInstant.timeIntervalSince1970))
        let request = try ClusterRequests.clusterCreate(body, view: view, clusterId: id)
        var cluster: Cluster
        switch request.target {
        case .tenant(let size, let backing, let region):
            if size == "M0" {
                cluster = context.newCluster(named: request.name, in: project, kind: .shared(tier: "M0"))
            } else {
                if context.isPastSharedTierCutoff {
                    // Atlas's answer after 2026-01-22 is unrecorded (inferred).
                    throw .api(.validationError, .string("Instance size \(size) is no longer supported; create a Flex cluster instead"))
                }
                cluster = context.newCluster(named: request.name, in: project, kind: .flex(origin: .createCluster))
            }
            cluster.tenantInstanceSize = size
            cluster.backingProviderName = backing
            cluster.regionName = region
        case .flex:
            throw .api(.invalidProvider, .string("FLEX"))
        case .dedicated(let topology, let region):
            cluster = context.newCluster(named: request.name, in: project, kind: .dedicated(tier: topology.instanceSize))
            cluster.dedicated = topology
            cluster.regionName = region
            cluster.backingProviderName = topology.replicationSpecs[0].regionConfigs[0].providerName
        }
        cluster.id = id
        cluster.tags = request.tags ?? []
        cluster.terminationProtectionEnabled = request.terminationProtectionEnabled
        let isM0 = cluster.kind == .shared(tier: "M0")
        let now = context.now
        try context.insert(cluster, duplicateKind: "cluster") { (state) throws(AtlasFailure) in
            if isM0, state.clusters(inProject: project.id, at: now).contains(where: { $0.kind == .shared(tier: "M0") }) {
                // "You can deploy only one M0 cluster per project" (docs); the error code is inferred.
                throw .api(.validationError, .string("There can only be one M0 cluster per project"))
            }
        }
        return .entity(Self.json(cluster, context, omitTags: request.tags == nil), status: .created)
    }

    /// `updateGroupCluster`: a dedicated cluster takes the new settings and goes UPDATING; M0 and Flex clusters
    /// cannot be changed here (`TENANT_CLUSTER_UPDATE_UNSUPPORTED`).
    static func update(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .clusterManager)
        let cluster = try context.clustersAPICluster(in: project)
        try OperationContext.checkNotDeleting(cluster)
        guard cluster.kind.isDedicated else { throw .api(.tenantClusterUpdateUnsupported) }
        let view = context.clusterView
        let current = Self.json(cluster, context)
        let body = try ClusterRequestSchemas.cluster(view, create: false).check(context.request.body, current: current)
        if let name = body["name"]?.stringValue, name != cluster.name { throw .api(.invalidAttribute, .string("name")) }
        var target: DedicatedTopology?
        if let specs = body["replicationSpecs"]?.arrayValue, !specs.isEmpty {
            guard case .dedicated(var topology, _) = try ClusterRequests.target(
                specs: specs, members: body, view: view, clusterId: cluster.id)
            else { throw .api(.invalidProvider, .string("TENANT")) }
            // Zones keep their ids across updates.
            for index in topology.replicationSpecs.indices {
                guard let old = cluster.dedicated?.replicationSpecs, index < old.count else { continue }
                topology.replicationSpecs[index].id = old[index].id
                topology.replicationSpecs[index].zoneId = old[index].zoneId
            }
            target = topology
        }
        let now = context.now
        let duration = context.transitionDuration(for: cluster.kind, cluster: cluster)
        let updated = try context.update(cluster) { (stored) throws(AtlasFailure) in
            try OperationContext.checkNotDeleting(stored)
            var topology = target ?? stored.dedicated ?? DedicatedTopology.single(
                instanceSize: stored.kind.tierName, providerName: "AWS", regionName: stored.regionName, clusterId: stored.id)
            if let type = body["clusterType"]?.stringValue { topology.clusterType = type }
            topology.settings.merge(ClusterRequests.settings(in: body)) { _, new in new }
            stored.dedicated = topology
            stored.kind = .dedicated(tier: topology.instanceSize)
            if let tags = ClusterRequests.tags(in: body) { stored.tags = tags }
            if let protection = body["terminationProtectionEnabled"]?.boolValue {
                stored.terminationProtectionEnabled = protection
            }
            stored.lifecycle = .transition(.updating, started: now, duration: duration)
        }
        return .entity(Self.json(updated, context))
    }

    /// `deleteGroupCluster`: 202 `{}`, then DELETING until gone. `retainBackups` is accepted and has no effect:
    /// it concerns dedicated clusters' cloud backups, which atlas-mock does not serve, and M2/M5/Flex backups go
    /// with their cluster.
    static func delete(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        _ = try context.query.bool("retainBackups", default: false)
        let project = try context.project(access: .owner)
        try context.startDeletion(of: try context.clustersAPICluster(in: project))
        return .entity(.object([:]), status: .accepted)
    }

    /// `upgradeGroupClusterTenantUpgrade` (also on `/api/atlas/v1.0`): an M0 — or until the cutoff an M2/M5 Flex
    /// cluster — becomes dedicated or Flex. The answer is the old description in UPDATING; halfway through the
    /// transition a dedicated target takes a new `id` and `createDate` (as recorded), a Flex target leaves the
    /// clusters API.
    static func tenantUpgrade(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .clusterManager)
        let body = try ClusterRequestSchemas.tenantUpgrade.check(context.request.body)
        let name = body["name"]?.stringValue ?? ""
        let cluster = try context.cluster(named: name, in: project)
        try context.checkServedByClustersAPI(cluster)
        try OperationContext.checkNotDeleting(cluster)
        guard cluster.isTenantForm, cluster.kind == .shared(tier: "M0") || !context.isPastSharedTierCutoff else {
            throw .api(.validationError, .string("Cluster \(name) is not a shared-tier cluster"))
        }
        let newId = Identifiers.makeObjectID(timestamp: Int(context.creationInstant.timeIntervalSince1970))
        let target = try ClusterRequests.legacyTarget(body, clusterId: newId)
        let updated = try Self.startUpgrade(of: cluster, to: target, newId: newId, body: body, context: context)
        return .entity(ClusterRepresentation.json(updated, view: .legacy, at: context.now, baseURL: context.baseURL))
    }

    /// Puts `cluster` in `UPDATING` towards `target` (both tenantUpgrade paths), and returns it as stored.
    static func startUpgrade(
        of cluster: Cluster, to target: ClusterRequests.Target, newId: String, body: [String: JSONValue],
        context: OperationContext
    ) throws(AtlasFailure) -> Cluster {
        let upgrade = try Self.upgrade(to: target, newId: newId, tags: ClusterRequests.tags(in: body), context: context)
        let now = context.now
        let duration = context.transitionDuration(for: upgrade.kind)
        return try context.update(cluster) { (stored) throws(AtlasFailure) in
            try OperationContext.checkNotDeleting(stored)
            stored.upgrade = upgrade
            stored.lifecycle = .transition(.updating, started: now, duration: duration)
        }
    }

    /// What a tenantUpgrade turns a cluster into.
    private static func upgrade(
        to target: ClusterRequests.Target, newId: String, tags: [ResourceTag]?, context: OperationContext
    ) throws(AtlasFailure) -> PendingUpgrade {
        switch target {
        case .dedicated(let topology, _):
            return PendingUpgrade(
                kind: .dedicated(tier: topology.instanceSize), newId: newId, requested: context.creationInstant,
                dedicated: topology, tags: tags)
        case .flex:
            return PendingUpgrade(kind: .flex(origin: .flexAPI), newId: newId, requested: context.creationInstant,
                dedicated: nil, tags: tags)
        case .tenant(let size, _, _):
            throw .api(.invalidEnumValue, .string(size))
        }
    }

    static func json(_ cluster: Cluster, _ context: OperationContext, omitTags: Bool = false) -> JSONValue {
        ClusterRepresentation.json(
            cluster, view: context.clusterView, at: context.now, baseURL: context.baseURL, omitTags: omitTags)
    }
}

extension OperationContext {
    /// The cluster called `name` in `project` (a name from a request body rather than the path).
    func cluster(named name: String, in project: Project) throws(AtlasFailure) -> Cluster {
        let now = self.now
        guard let cluster = self.store.read({ $0.cluster(ClusterKey(projectId: project.id, name: name), at: now) }) else {
            throw .api(.clusterNotFound, .string(name), .string(project.id))
        }
        return cluster
    }
}

extension ClusterKind {
    var isDedicated: Bool {
        if case .dedicated = self { return true }
        return false
    }
}
