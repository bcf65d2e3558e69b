import FoundationEssentials

/// The Flex clusters API (`/groups/{groupId}/flexClusters…`, version 2024-11-13): every Flex cluster, whichever
/// API made it; other kinds answer 400 `CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API`.
enum FlexClusterOperations {
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .readOnly)
        let now = context.now
        let flex = context.store.read { $0.clusters(inProject: project.id, at: now) }.filter(\.kind.isFlex)
        return try context.list({ flex.inOrderPage($0) }, render: { FlexClusterRepresentation.json($0, at: now) })
    }

    /// `createGroupFlexCluster`: 201 CREATING, `tags` only when sent.
    static func create(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .owner)
        let request = try ClusterRequests.flexCreate(try ClusterRequestSchemas.flexCreate.check(context.request.body))
        var cluster = context.newCluster(named: request.name, in: project, kind: .flex(origin: .flexAPI))
        cluster.backingProviderName = request.backingProviderName
        cluster.regionName = request.regionName
        cluster.tags = request.tags ?? []
        cluster.terminationProtectionEnabled = request.terminationProtectionEnabled
        try context.insert(cluster, duplicateKind: "cluster or serverless instance")
        return .entity(FlexClusterRepresentation.json(cluster, at: context.now, omitTags: request.tags == nil), status: .created)
    }

    static func get(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .readOnly))
        return .entity(FlexClusterRepresentation.json(cluster, at: context.now))
    }

    /// `updateGroupFlexCluster`: tags and termination protection; UPDATING for one Flex transition.
    static func update(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .owner))
        try OperationContext.checkNotDeleting(cluster)
        let current = FlexClusterRepresentation.json(cluster, at: context.now)
        let body = try ClusterRequestSchemas.flexUpdate.check(context.request.body, current: current)
        let now = context.now
        let duration = context.transitionDuration(for: cluster.kind, cluster: cluster)
        let updated = try context.update(cluster) { (stored) throws(AtlasFailure) in
            try OperationContext.checkNotDeleting(stored)
            if let tags = ClusterRequests.tags(in: body) { stored.tags = tags }
            if let protection = body["terminationProtectionEnabled"]?.boolValue {
                stored.terminationProtectionEnabled = protection
            }
            stored.lifecycle = .transition(.updating, started: now, duration: duration)
        }
        return .entity(FlexClusterRepresentation.json(updated, at: now))
    }

    /// `deleteGroupFlexCluster`: 204 with the version's `Content-Type` and no body (recorded), then DELETING until
    /// gone. Termination protection refuses it with the clusters API's code (inferred).
    static func delete(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .owner))
        try context.startDeletion(of: cluster)
        return OperationResult(body: .empty, status: .noContent)
    }

    /// `tenantGroupFlexClusterUpgrade`: a Flex cluster becomes dedicated (the target in `replicationSpecs`); the
    /// answer is its Flex description in UPDATING, and halfway through it takes a new id (as tenantUpgrade does).
    static func tenantUpgrade(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .clusterManager)
        let body = try ClusterRequestSchemas.flexTenantUpgrade.check(context.request.body)
        let name = body["name"]?.stringValue ?? ""
        let cluster = try context.cluster(named: name, in: project)
        guard cluster.kind.isFlex else { throw .api(.cannotUseNonFlexClusterInFlexAPI, .string(name)) }
        try OperationContext.checkNotDeleting(cluster)
        let newId = Identifiers.makeObjectID(timestamp: Int(context.creationInstant.timeIntervalSince1970))
        guard let specs = body["replicationSpecs"]?.arrayValue, !specs.isEmpty else {
            throw .api(.missingAttribute, .string("replicationSpecs"))
        }
        let target = try ClusterRequests.target(specs: specs, members: body, view: .current, clusterId: newId)
        guard case .dedicated = target else { throw .api(.invalidProvider, .string("TENANT")) }
        let updated = try ClusterOperations.startUpgrade(
            of: cluster, to: target, newId: newId, body: body, context: context)
        return .entity(FlexClusterRepresentation.json(updated, at: context.now))
    }
}

extension ClusterKind {
    var isFlex: Bool {
        if case .flex = self { return true }
        return false
    }
}
