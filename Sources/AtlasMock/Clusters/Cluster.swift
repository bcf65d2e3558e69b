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

    /// One zone with one region of three electable nodes: what a dedicated fixture cluster or a tenantUpgrade gets.
    static func single(instanceSize: String, providerName: String, regionName: String, clusterId: String) -> Self {
        let electable = HardwareSpec(instanceSize: instanceSize, nodeCount: 3, diskSizeGB: nil, diskIOPS: nil, ebsVolumeType: nil)
        let region = RegionConfig(
            providerName: providerName, regionName: regionName, priority: 7, electableSpecs: electable, readOnlySpecs: nil,
            analyticsSpecs: nil, autoScaling: nil, analyticsAutoScaling: nil)
        let spec = ReplicationSpec(
            id: DerivedID.make(from: clusterId, salt: "replicationSpec0"), zoneId: DerivedID.make(from: clusterId, salt: "zone0"),
            zoneName: "Zone 1", numShards: 1, regionConfigs: [region])
        return DedicatedTopology(clusterType: "REPLICASET", replicationSpecs: [spec], settings: [:])
    }

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
public struct Cluster: Sendable, Equatable {
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
    /// Whether the daily snapshot schedule runs for it (clusters created through the API; fixtures opt in).
    public var dailySnapshots: Bool

    /// Defaults for a cluster that fixtures name only by project, name and kind: a stable id derived from both,
    /// IDLE since `Cluster.fixtureCreateDate`, AWS `US_EAST_1`, the current MongoDB version, no schedule.
    public init(projectId: String, name: String, kind: ClusterKind) {
        self.projectId = projectId
        self.name = name
        self.kind = kind
        self.id = DerivedID.make(from: Self.fixtureIDPrefix, salt: projectId + "/" + name)
        self.createDate = Self.fixtureCreateDate
        self.mongoDBVersion = Self.currentMongoDBVersion
        self.backingProviderName = "AWS"
        self.regionName = "US_EAST_1"
        switch kind {
        case .shared(let tier): self.tenantInstanceSize = tier
        case .flex(.flexAPI), .dedicated: self.tenantInstanceSize = nil
        case .flex: self.tenantInstanceSize = "M2"
        }
        self.tags = []
        self.terminationProtectionEnabled = false
        self.lifecycle = .resting(.idle)
        if case .dedicated(let tier) = kind {
            self.dedicated = DedicatedTopology.single(instanceSize: tier, providerName: "AWS", regionName: "US_EAST_1", clusterId: self.id)
        } else {
            self.dedicated = nil
        }
        self.upgrade = nil
        self.transitionSeconds = nil
        self.dailySnapshots = false
    }

    /// The `createDate` of clusters whose fixture gives none (inferred: some date before the M2/M5 migration).
    static let fixtureCreateDate = AtlasDate.parse("2024-12-19T17:05:10Z")!
    /// What fixture clusters' ids derive from: its first 8 hex digits (the ObjectId timestamp) are
    /// `fixtureCreateDate`'s.
    private static let fixtureIDPrefix = UInt32(Self.fixtureCreateDate.timeIntervalSince1970).zeroPadded(8, radix: 16)
    /// The 8.0 patch Atlas ran in 2026-08 (recorded).
    static let currentMongoDBVersion = "8.0.29"

    /// The cluster as it stands at `now`: an upgrade past its halfway point has replaced the old cluster; nil once a
    /// deletion has finished.
    func resolved(at now: Date) -> Cluster? {
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
    func settled(at now: Date) -> Cluster? {
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
        guard self.dailySnapshots else { return false }
        switch self.kind {
        case .flex: return true
        case .shared(let tier): return tier != "M0"
        case .dedicated: return false
        }
    }
}
