import FoundationEssentials

/// Checked request bodies turned into what the operations act on, with the checks that span fields (a region of
/// its provider, a size of its kind).
enum ClusterRequests {
    /// What a create or upgrade asks a cluster to become.
    enum Target: Equatable {
        /// M0, M2 or M5 on `backingProviderName`.
        case tenant(instanceSize: String, backingProviderName: String, regionName: String)
        /// A Flex cluster (a tenantUpgrade with provider FLEX).
        case flex(backingProviderName: String, regionName: String)
        case dedicated(DedicatedTopology, regionName: String)
    }

    struct FlexCreate: Equatable {
        var name: String
        var backingProviderName: String
        var regionName: String
        /// Nil when the request sent none (the answer then has no `tags` key).
        var tags: [ResourceTag]?
        var terminationProtectionEnabled: Bool
    }

    struct ClusterCreate: Equatable {
        var name: String
        var target: Target
        var tags: [ResourceTag]?
        var terminationProtectionEnabled: Bool
    }

    static func tags(in members: [String: JSONValue]) -> [ResourceTag]? {
        members["tags"]?.arrayValue?.map {
            ResourceTag(key: $0["key"]?.stringValue ?? "", value: $0["value"]?.stringValue ?? "")
        }
    }

    static func flexCreate(_ members: [String: JSONValue]) throws(AtlasFailure) -> FlexCreate {
        let settings = members["providerSettings"]
        let provider = settings?["backingProviderName"]?.stringValue ?? ""
        let region = settings?["regionName"]?.stringValue ?? ""
        try Self.checkRegion(region, of: provider)
        return FlexCreate(
            name: members["name"]?.stringValue ?? "", backingProviderName: provider, regionName: region,
            tags: Self.tags(in: members),
            terminationProtectionEnabled: members["terminationProtectionEnabled"]?.boolValue ?? false)
    }

    /// A createCluster body of `view`'s versions; `clusterId` seeds the ids of the replication specs.
    static func clusterCreate(_ members: [String: JSONValue], view: ClusterRepresentation.View, clusterId: String)
        throws(AtlasFailure) -> ClusterCreate
    {
        let target: Target
        if view == .legacy {
            target = try Self.legacyTarget(members, clusterId: clusterId)
        } else {
            guard let specs = members["replicationSpecs"]?.arrayValue, !specs.isEmpty else {
                throw .api(.missingAttribute, .string("replicationSpecs"))
            }
            target = try Self.target(specs: specs, members: members, view: view, clusterId: clusterId)
        }
        return ClusterCreate(
            name: members["name"]?.stringValue ?? "", target: target, tags: Self.tags(in: members),
            terminationProtectionEnabled: members["terminationProtectionEnabled"]?.boolValue ?? false)
    }

    /// The target of a tenantUpgrade (`providerSettings`: TENANT/FLEX/AWS/GCP/AZURE with a size and region).
    static func legacyTarget(_ members: [String: JSONValue], clusterId: String) throws(AtlasFailure) -> Target {
        guard let settings = members["providerSettings"] else { throw .api(.missingAttribute, .string("providerSettings")) }
        let provider = settings["providerName"]?.stringValue ?? ""
        let size = settings["instanceSizeName"]?.stringValue
        let region = settings["regionName"]?.stringValue ?? ""
        switch provider {
        case "TENANT", "FLEX":
            guard let backing = settings["backingProviderName"]?.stringValue else {
                throw .api(.missingAttribute, .string("providerSettings.backingProviderName"))
            }
            try Self.checkRegion(region, of: backing)
            if provider == "FLEX" { return .flex(backingProviderName: backing, regionName: region) }
            guard let size, ClusterTiers.shared.contains(size) else {
                throw .api(.invalidEnumValue, .string(size ?? ""))
            }
            return .tenant(instanceSize: size, backingProviderName: backing, regionName: region)
        default:
            try Self.checkRegion(region, of: provider)
            guard let size, ClusterTiers.dedicated.contains(size) else {
                throw .api(.invalidEnumValue, .string(size ?? ""))
            }
            let electable = HardwareSpec(
                instanceSize: size, nodeCount: 3, diskSizeGB: members["diskSizeGB"].map(Self.literal),
                diskIOPS: settings["diskIOPS"]?.intValue, ebsVolumeType: settings["volumeType"]?.stringValue)
            let region = RegionConfig(
                providerName: provider, regionName: region, priority: 7, electableSpecs: electable, readOnlySpecs: nil,
                analyticsSpecs: nil, autoScaling: nil, analyticsAutoScaling: nil)
            let spec = ReplicationSpec(
                id: DerivedID.make(from: clusterId, salt: "replicationSpec0"),
                zoneId: DerivedID.make(from: clusterId, salt: "zone0"), zoneName: "Zone 1",
                numShards: members["numShards"]?.intValue ?? 1, regionConfigs: [region])
            let topology = DedicatedTopology(
                clusterType: members["clusterType"]?.stringValue ?? "REPLICASET", replicationSpecs: [spec],
                settings: Self.settings(in: members))
            return .dedicated(topology, regionName: region.regionName)
        }
    }

    /// The target `replicationSpecs` describe: TENANT (one region config) or dedicated.
    static func target(
        specs: [JSONValue], members: [String: JSONValue], view: ClusterRepresentation.View, clusterId: String
    ) throws(AtlasFailure) -> Target {
        let first = specs[0]["regionConfigs"]?.arrayValue?.first
        guard let first else { throw .api(.missingAttribute, .string("replicationSpecs.regionConfigs")) }
        if first["providerName"]?.stringValue == "TENANT" {
            guard let backing = first["backingProviderName"]?.stringValue else {
                throw .api(.missingAttribute, .string("replicationSpecs.regionConfigs.backingProviderName"))
            }
            let region = first["regionName"]?.stringValue ?? ""
            try Self.checkRegion(region, of: backing)
            let size = first["electableSpecs"]?["instanceSize"]?.stringValue ?? ""
            guard ClusterTiers.shared.contains(size) else { throw .api(.invalidEnumValue, .string(size)) }
            return .tenant(instanceSize: size, backingProviderName: backing, regionName: region)
        }
        var replicationSpecs: [ReplicationSpec] = []
        for (index, spec) in specs.enumerated() {
            var regions: [RegionConfig] = []
            for config in spec["regionConfigs"]?.arrayValue ?? [] {
                regions.append(try Self.dedicatedRegion(config, members: members, view: view))
            }
            guard !regions.isEmpty else { throw .api(.missingAttribute, .string("replicationSpecs.regionConfigs")) }
            replicationSpecs.append(
                ReplicationSpec(
                    id: DerivedID.make(from: clusterId, salt: "replicationSpec\(index)"),
                    zoneId: DerivedID.make(from: clusterId, salt: "zone\(index)"),
                    zoneName: spec["zoneName"]?.stringValue ?? "Zone \(index + 1)",
                    numShards: spec["numShards"]?.intValue ?? 1, regionConfigs: regions))
        }
        let topology = DedicatedTopology(
            clusterType: members["clusterType"]?.stringValue ?? "REPLICASET", replicationSpecs: replicationSpecs,
            settings: Self.settings(in: members))
        return .dedicated(topology, regionName: replicationSpecs[0].regionConfigs[0].regionName)
    }

    private static func dedicatedRegion(
        _ config: JSONValue, members: [String: JSONValue], view: ClusterRepresentation.View
    ) throws(AtlasFailure) -> RegionConfig {
        let provider = config["providerName"]?.stringValue ?? ""
        guard provider != "TENANT" else {
            // TENANT mixed with dedicated regions: a multi-tenant cluster has exactly one region.
            throw .api(.invalidProvider, .string(provider))
        }
        let region = config["regionName"]?.stringValue ?? ""
        try Self.checkRegion(region, of: provider)
        // 2023-02-01 puts the disk at the top level; 2024-08-05 in each spec.
        let topDisk = view == .current ? nil : members["diskSizeGB"].map(Self.literal)
        func hardware(_ name: String) throws(AtlasFailure) -> HardwareSpec? {
            guard let spec = config[name] else { return nil }
            let size = spec["instanceSize"]?.stringValue ?? ""
            guard ClusterTiers.dedicated.contains(size) else { throw .api(.invalidEnumValue, .string(size)) }
            return HardwareSpec(
                instanceSize: size, nodeCount: spec["nodeCount"]?.intValue,
                diskSizeGB: spec["diskSizeGB"].map(Self.literal) ?? topDisk, diskIOPS: spec["diskIOPS"]?.intValue,
                ebsVolumeType: spec["ebsVolumeType"]?.stringValue)
        }
        guard let electable = try hardware("electableSpecs") else {
            throw .api(.missingAttribute, .string("replicationSpecs.regionConfigs.electableSpecs"))
        }
        return RegionConfig(
            providerName: provider, regionName: region, priority: config["priority"]?.intValue ?? 7,
            electableSpecs: electable, readOnlySpecs: try hardware("readOnlySpecs"),
            analyticsSpecs: try hardware("analyticsSpecs"), autoScaling: config["autoScaling"],
            analyticsAutoScaling: config["analyticsAutoScaling"])
    }

    /// The members a dedicated cluster echoes as sent (everything the topology and identity fields do not cover).
    static func settings(in members: [String: JSONValue]) -> [String: JSONValue] {
        let covered: Set<String> = [
            "name", "replicationSpecs", "clusterType", "tags", "terminationProtectionEnabled", "providerSettings",
            "numShards", "diskSizeGB", "replicationSpec", "replicationFactor", "autoScaling",
            "deleteAfterCreationHours", "mongoDBVersion", "providerBackupEnabled",
        ]
        return members.filter { !covered.contains($0.key) }
    }

    /// `regionName` must be one of `provider`'s regions.
    static func checkRegion(_ region: String, of provider: String) throws(AtlasFailure) {
        guard let regions = CloudRegions.regions(of: provider) else { throw .api(.invalidProvider, .string(provider)) }
        guard regions.contains(region) else { throw .api(.invalidRegion, .string(region), .string(provider)) }
    }

    private static func literal(_ value: JSONValue) -> String {
        switch value {
        case .number(let literal): return literal
        case .int(let int): return String(int)
        default: return "0"
        }
    }
}
