import AtlasMockHTTP
import FoundationEssentials

/// A cluster of any tier: its tier decides which backup API serves it, and everything the clusters and Flex APIs
/// show of it. Fixtures may name only project, name and tier; the rest has defaults (a stable id derived from
/// both, IDLE since `Cluster.fixtureCreateDate`, AWS `US_EAST_1`, the current MongoDB version, no daily snapshots).
public struct Cluster: Sendable, Equatable {
    public var projectId: String
    public var name: String
    /// `M0`, `M2`, `M5`, `FLEX` or a dedicated size (`ClusterTiers`).
    public var tier: String
    /// How a Flex cluster came to be; nil for every other tier.
    public var flexOrigin: FlexOrigin?
    public var id: String
    public var createDate: Date
    /// `8.0.29`; the major version (`8.0`) is derived.
    public var mongoDBVersion: String
    /// `AWS`, `GCP` or `AZURE`: where a tenant or Flex cluster really runs (a dedicated one's provider).
    public var backingProviderName: String
    public var regionName: String
    /// `M0`, `M2` or `M5` for clusters the clusters API shows in TENANT form: shared-tier clusters, and Flex
    /// clusters created through `createCluster` or migrated from M2/M5 (which keep their old size there).
    public var tenantInstanceSize: String?
    public var tags: [ResourceTag]
    public var terminationProtectionEnabled: Bool
    public var lifecycle: ClusterLifecycle
    /// What a dedicated cluster was asked to be (replication specs and echoed settings).
    public var dedicated: DedicatedTopology?
    /// A tenantUpgrade under way (not kept by `/__admin/state`).
    public var upgrade: PendingUpgrade?
    /// Seconds each of this cluster's transitions takes, overriding `ClusterTransitionTimes`.
    public var transitionSeconds: Int?
    /// Whether the daily snapshot schedule runs for it (clusters created through the API; fixtures opt in).
    public var dailySnapshots: Bool

    public init(projectId: String, name: String, kind: ClusterKind) {
        self.projectId = projectId
        self.name = name
        self.tier = kind.tierName
        if case .flex(let origin) = kind { self.flexOrigin = origin }
        self.id = ""
        self.createDate = Self.fixtureCreateDate
        self.mongoDBVersion = Self.currentMongoDBVersion
        self.backingProviderName = "AWS"
        self.regionName = "US_EAST_1"
        self.tags = []
        self.terminationProtectionEnabled = false
        self.lifecycle = .resting(.idle)
        self.dailySnapshots = false
        self.fillDefaults()
    }

    /// The `createDate` of clusters (and `created` of projects) whose fixture gives none (inferred: a date before the
    /// M2/M5 migration; it is the long-lived e2e Flex cluster's real creation date).
    static let fixtureCreateDate = AtlasDate.parse("2024-12-19T17:05:10Z")!
    /// The 8.0 patch Atlas ran in 2026-08 (recorded).
    static let currentMongoDBVersion = "8.0.29"

    /// What fixtures leave out: an id derived from project and name (its timestamp is `createDate`'s), the TENANT
    /// size the clusters API shows, a dedicated cluster's single region of three nodes.
    mutating func fillDefaults() {
        if self.id.isEmpty {
            let prefix = UInt32(truncatingIfNeeded: Int(self.createDate.timeIntervalSince1970)).zeroPadded(8, radix: 16)
            self.id = DerivedID.make(from: prefix, salt: self.projectId + "/" + self.name)
        }
        switch self.kind {
        case .shared(let tier): self.tenantInstanceSize = tier
        case .flex(.flexAPI): self.tenantInstanceSize = nil
        case .flex: if self.tenantInstanceSize == nil { self.tenantInstanceSize = "M2" }
        case .dedicated(let tier):
            self.tenantInstanceSize = nil
            if self.dedicated == nil {
                self.dedicated = DedicatedTopology.single(
                    instanceSize: tier, providerName: self.backingProviderName, regionName: self.regionName,
                    clusterId: self.id)
            }
        }
    }
}

/// How a Flex cluster came to be, which decides whether the tenant (cluster) API may serve it.
public enum FlexOrigin: String, Sendable, CaseIterable {
    /// Created through `createCluster` with an M2/M5 size: served by the tenant endpoints until the sunset.
    case createCluster
    /// A former M2/M5 cluster migrated to Flex: served by the tenant endpoints until the sunset.
    case migratedFromShared
    /// Created through the Flex API: the cluster API refuses it (`CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`).
    case flexAPI
}

/// A cluster's tier, which decides which backup API serves it.
public enum ClusterKind: Sendable, Equatable {
    /// M0, M2 or M5 ("tenant"); only M2 and M5 have backups.
    case shared(tier: String)
    case flex(origin: FlexOrigin)
    /// M10 and above.
    case dedicated(tier: String)

    /// The tier name as fixtures write it: `M0`, `M2`, `M5`, `FLEX`, `M10`…
    public var tierName: String {
        switch self {
        case .shared(let tier), .dedicated(let tier): return tier
        case .flex: return "FLEX"
        }
    }
}

extension Cluster {
    public var kind: ClusterKind {
        get {
            if self.tier == ClusterTiers.flex { return .flex(origin: self.flexOrigin ?? .flexAPI) }
            return ClusterTiers.shared.contains(self.tier) ? .shared(tier: self.tier) : .dedicated(tier: self.tier)
        }
        set {
            self.tier = newValue.tierName
            if case .flex(let origin) = newValue { self.flexOrigin = origin } else { self.flexOrigin = nil }
        }
    }

    private static let allTiers = ClusterTiers.shared + [ClusterTiers.flex] + ClusterTiers.dedicated

    /// `instanceSize` in fixtures: only Flex clusters shown in TENANT form have one of their own (a shared-tier
    /// cluster's is its tier).
    var flexTenantInstanceSize: String? {
        get { self.kind == .flex(origin: .createCluster) || self.kind == .flex(origin: .migratedFromShared) ? self.tenantInstanceSize : nil }
        set { self.tenantInstanceSize = newValue }
    }

    static let schema = ResourceSchema<Cluster>(
        "clusters", blank: { Cluster(projectId: "", name: "", kind: .shared(tier: "M0")) },
        fields: [
            .required("projectId", \.projectId, .reference, "the project it belongs to (must exist)"),
            .required("name", \.name, .clusterName, "unique within its project"),
            .optional(
                "flexOrigin", \.flexOrigin, .enumeration,
                "required for `FLEX`, forbidden otherwise: `createCluster` and `migratedFromShared` clusters are served "
                    + "by the tenant endpoints until the sunset, `flexAPI` clusters get 400 "
                    + "`CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API`"),
            .required(
                "tier",
                \.tier,
                FieldCodec.string.checked(type: "tier") { tier in
                    allTiers.contains(tier)
                        ? nil : "\"\(tier)\" is not a tier (expected one of: \(allTiers.joined(separator: ", ")))"
                },
                "`M0`, `M2`, `M5` (shared), `FLEX`, or a dedicated size (`M10` … `M700`, `R40` … `R700`, "
                    + "`M40_NVME` … `M400_NVME`)"),
            .defaulted("id", \.id, .objectID, "its id; default: derived from project and name"),
            .defaulted("createDate", \.createDate, .date, "default `2024-12-19T17:05:10Z`; daily snapshots are taken at its time of day"),
            .defaulted(
                "stateName", \.lifecycle, ClusterLifecycle.restingCodec,
                "`IDLE` (default), `CREATING`, `UPDATING`, `DELETING` or `REPAIRING`, kept until the API changes it"),
            .optional(
                "transition", \.transitionRecord, .record(ClusterTransitionRecord.schema, type: "object"),
                "a transition under way, `{\"state\": CREATING|UPDATING|DELETING, \"started\", \"seconds\", \"throughUpdating\"?}` "
                    + "(what `/__admin/state` writes for a cluster caught mid-change)"),
            .defaulted("mongoDBVersion", \.mongoDBVersion, .string, "default `8.0.29`"),
            .defaulted(
                "backingProviderName", \.backingProviderName,
                FieldCodec.string.checked(type: "`AWS`\\|`GCP`\\|`AZURE`") {
                    ["AWS", "GCP", "AZURE"].contains($0) ? nil : "\"\($0)\" is not one of AWS, GCP, AZURE"
                }, "the cloud it runs on; default `AWS`"),
            .defaulted("regionName", \.regionName, .string, "default `US_EAST_1`"),
            .optional(
                "instanceSize", \.flexTenantInstanceSize,
                FieldCodec.string.checked(type: "`M0`\\|`M2`\\|`M5`") {
                    ClusterTiers.shared.contains($0) ? nil : "\"\($0)\" is not one of M0, M2, M5"
                },
                "for `createCluster` and `migratedFromShared` Flex clusters: the size the clusters API shows (default `M2`)"),
            .defaulted("tags", \.tags, ResourceTag.list, "`[{key, value}]`, default none"),
            .defaulted("terminationProtectionEnabled", \.terminationProtectionEnabled, .bool, "default false"),
            .defaulted(
                "dailySnapshots", \.dailySnapshots, .bool,
                "Flex and M2/M5 only: take a snapshot every 24 h from `createDate`, keeping 8 (default false; true for "
                    + "clusters created through the API)"),
            .optional(
                "transitionSeconds", \.transitionSeconds, .integer(in: 0...86_400),
                "seconds each create, update or delete of it takes (default: `--cluster-transitions` for its kind)"),
        ],
        check: { cluster, present, diagnostics, path in
            // An invalid tier was reported by its field; nothing more can be said of its origin.
            guard allTiers.contains(cluster.tier) else { return false }
            if cluster.tier == ClusterTiers.flex {
                guard cluster.flexOrigin != nil else {
                    if !present("flexOrigin") {
                        diagnostics.error(path.member("flexOrigin"), "missing required field (FLEX clusters need flexOrigin)")
                    }
                    return false
                }
            } else if present("flexOrigin") {
                diagnostics.error(path.member("flexOrigin"), "only FLEX clusters have a flexOrigin")
            }
            if present("instanceSize"), !(cluster.kind == .flex(origin: .createCluster) || cluster.kind == .flex(origin: .migratedFromShared)) {
                diagnostics.error(path.member("instanceSize"), "only createCluster and migratedFromShared FLEX clusters have an instanceSize")
            }
            if !present("id") { cluster.id = "" }
            if !present("instanceSize") { cluster.tenantInstanceSize = nil }
            cluster.fillDefaults()
            return true
        })
}
