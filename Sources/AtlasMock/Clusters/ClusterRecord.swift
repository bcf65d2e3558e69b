import FoundationEssentials

/// A `{key, value}` tag on a project or cluster (`ResourceTag`: both 1–255 characters).
public struct ResourceTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    var json: JSONValue { .object(["key": .string(self.key), "value": .string(self.value)]) }
}

/// The hardware of one node type in a region (`electableSpecs`, `readOnlySpecs`, `analyticsSpecs`). Numbers keep
/// the literal the client sent, so they are echoed as sent (`10` stays `10`, `10.0` stays `10.0`).
public struct HardwareSpec: Sendable, Equatable {
    public var instanceSize: String
    public var nodeCount: Int?
    public var diskSizeGB: String?
    public var diskIOPS: Int?
    public var ebsVolumeType: String?
}

/// One region of a dedicated cluster's replication spec (`AWSRegionConfig20240805` and its Azure/GCP siblings).
public struct RegionConfig: Sendable, Equatable {
    public var providerName: String
    public var regionName: String
    public var priority: Int
    public var electableSpecs: HardwareSpec?
    public var readOnlySpecs: HardwareSpec?
    public var analyticsSpecs: HardwareSpec?
    /// `autoScaling` / `analyticsAutoScaling` exactly as sent.
    var autoScaling: JSONValue?
    var analyticsAutoScaling: JSONValue?
}

/// One zone (shard group) of a dedicated cluster.
public struct ReplicationSpec: Sendable, Equatable {
    public var id: String
    public var zoneId: String
    public var zoneName: String
    public var numShards: Int
    public var regionConfigs: [RegionConfig]
}

/// What a dedicated cluster was asked to be: its topology, and the other writable settings it echoes.
public struct DedicatedTopology: Sendable, Equatable {
    public var clusterType: String
    public var replicationSpecs: [ReplicationSpec]
    /// Other writable top-level members of the create or update body (`backupEnabled`, `pitEnabled`, `labels`, …),
    /// echoed over the defaults.
    var settings: [String: JSONValue]

    /// The instance size of the first electable region: the cluster's tier.
    var instanceSize: String {
        self.replicationSpecs.first?.regionConfigs.first { $0.electableSpecs != nil }?.electableSpecs?.instanceSize
            ?? "M10"
    }
}

/// A tenantUpgrade under way: halfway through its transition the cluster turns into `target` (Atlas answers the
/// old description in UPDATING for a while, then a new `id` and `createDate` for a dedicated target).
public struct PendingUpgrade: Sendable, Equatable {
    public var kind: ClusterKind
    public var newId: String
    /// The request instant, which becomes a dedicated target's `createDate`.
    public var requested: Date
    public var dedicated: DedicatedTopology?
    public var tags: [ResourceTag]?
}

/// Everything atlas-mock keeps about one cluster, of any kind, for the clusters and Flex APIs and the backups.
public struct ClusterRecord: Sendable, Equatable {
    public var projectId: String
    public var name: String
    public var kind: ClusterKind
    public var id: String
    public var createDate: Date
    /// `8.0.29`; the major version (`8.0`) is derived.
    public var mongoDBVersion: String
    /// `AWS`, `GCP` or `AZURE`: where a tenant or Flex cluster really runs.
    public var backingProviderName: String
    public var regionName: String
    /// `M0`, `M2` or `M5` for clusters the clusters API shows in TENANT form: shared-tier clusters, and Flex
    /// clusters created through `createCluster` or migrated from M2/M5 (which keep their old size there).
    public var tenantInstanceSize: String?
    public var tags: [ResourceTag]
    public var terminationProtectionEnabled: Bool
    public var lifecycle: ClusterLifecycle
    public var dedicated: DedicatedTopology?
    public var upgrade: PendingUpgrade?
    /// Seconds each of this cluster's transitions takes, overriding `ClusterTransitionTimes` (fixtures).
    public var transitionSeconds: TimeInterval?

    /// The cluster as it stands at `now`: an upgrade past its halfway point has replaced the old cluster; nil once a
    /// deletion has finished.
    func resolved(at now: Date) -> ClusterRecord? {
        guard self.lifecycle.state(at: now) != nil else { return nil }
        guard let upgrade = self.upgrade, self.lifecycle.transition == .updating,
            now >= self.lifecycle.started.addingTimeInterval(self.lifecycle.duration / 2)
        else { return self }
        var record = self
        record.kind = upgrade.kind
        record.id = upgrade.newId
        record.dedicated = upgrade.dedicated
        if let tags = upgrade.tags { record.tags = tags }
        switch upgrade.kind {
        case .dedicated:
            record.createDate = upgrade.requested
            record.tenantInstanceSize = nil
        case .flex:
            record.tenantInstanceSize = nil
        case .shared(let tier):
            record.tenantInstanceSize = tier
        }
        record.upgrade = nil
        return record
    }

    /// `stateName` at `now` (call on a resolved record).
    func state(at now: Date) -> ClusterState { self.lifecycle.state(at: now) ?? .deleting }

    /// A finished upgrade folded into the record: what the store keeps once the transition is over.
    func settled(at now: Date) -> ClusterRecord? {
        guard var record = self.resolved(at: now) else { return nil }
        if !record.lifecycle.isMoving(at: now), record.lifecycle.transition != .deleting {
            record.lifecycle = .resting(record.lifecycle.state(at: now) ?? .idle)
        }
        return record
    }

    /// Whether the clusters API shows this cluster in TENANT form (M0/M2/M5 sizes, `providerName` TENANT).
    var isTenantForm: Bool {
        switch self.kind {
        case .shared: return true
        case .flex(.createCluster), .flex(.migratedFromShared): return true
        case .flex(.flexAPI), .dedicated: return false
        }
    }

    /// The MongoDB major version, `8.0` for `8.0.29`.
    var mongoDBMajorVersion: String {
        self.mongoDBVersion.split(separator: ".").prefix(2).joined(separator: ".")
    }

    /// Whether connection strings beyond `standardSrv` exist yet: only once the cluster has first been IDLE.
    func hasStandardConnectionString(at now: Date) -> Bool {
        guard case .creating = self.lifecycle.transition else { return true }
        return !self.lifecycle.isMoving(at: now)
    }

    /// Whether Atlas takes daily snapshots of it: Flex clusters and M2/M5.
    var hasDailySnapshots: Bool {
        switch self.kind {
        case .flex: return true
        case .shared(let tier): return tier != "M0"
        case .dedicated: return false
        }
    }
}
