import FoundationEssentials

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
