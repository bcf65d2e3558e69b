/// A cluster of any tier; its tier decides which backup API serves it.
public struct Cluster: Sendable, Equatable {
    public var projectId: String
    public var name: String
    /// `M0`, `M2`, `M5`, `FLEX` or a dedicated size (`ClusterTiers`).
    public var tier: String
    /// How a Flex cluster came to be; nil for every other tier.
    public var flexOrigin: FlexOrigin?
}

/// How a Flex cluster came to be, which decides whether the tenant (cluster) API may serve it.
public enum FlexOrigin: String, Sendable, CaseIterable {
    /// Created through `createCluster` with a FLEX provider: served by the tenant endpoints until the sunset.
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
    public init(projectId: String, name: String, kind: ClusterKind) {
        self.projectId = projectId
        self.name = name
        self.tier = kind.tierName
        if case .flex(let origin) = kind { self.flexOrigin = origin }
    }

    public var kind: ClusterKind {
        if self.tier == ClusterTiers.flex { return .flex(origin: self.flexOrigin ?? .flexAPI) }
        return ClusterTiers.shared.contains(self.tier) ? .shared(tier: self.tier) : .dedicated(tier: self.tier)
    }

    private static let allTiers = ClusterTiers.shared + [ClusterTiers.flex] + ClusterTiers.dedicated

    static let schema = ResourceSchema<Cluster>(
        "clusters", blank: { Cluster(projectId: "", name: "", tier: "", flexOrigin: nil) },
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
        ],
        check: { cluster, present, diagnostics, path in
            // An invalid tier was reported by its field; nothing more can be said of its origin.
            guard allTiers.contains(cluster.tier) else { return false }
            if cluster.tier == ClusterTiers.flex {
                guard cluster.flexOrigin != nil else {
                    if !present("flexOrigin") {
                        diagnostics.error(path + ".flexOrigin", "missing required field (FLEX clusters need flexOrigin)")
                    }
                    return false
                }
            } else if present("flexOrigin") {
                diagnostics.error(path + ".flexOrigin", "only FLEX clusters have a flexOrigin")
            }
            return true
        })
}
