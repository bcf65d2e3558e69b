import FoundationEssentials

/// An Atlas organization: owns projects, API keys and service accounts.
public struct Organization: Sendable, Equatable {
    public var id: String
    public var name: String
}

/// A project ("group" in the API's paths).
public struct Project: Sendable, Equatable {
    public var id: String
    public var name: String
    public var orgId: String
    /// `created` in the `Group` JSON; fixtures without one get `Cluster.fixtureCreateDate`.
    public var created: Date
    public var tags: [ResourceTag]

    public init(id: String, name: String, orgId: String, created: Date? = nil, tags: [ResourceTag] = []) {
        self.id = id
        self.name = name
        self.orgId = orgId
        self.created = created ?? Cluster.fixtureCreateDate
        self.tags = tags
    }
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

/// The phases Atlas reports for restore jobs and snapshots (spec enum).
public enum BackupStatus: String, Sendable, CaseIterable {
    case pending = "PENDING"
    case queued = "QUEUED"
    case running = "RUNNING"
    case failed = "FAILED"
    case completed = "COMPLETED"
}

public enum DeliveryType: String, Sendable, CaseIterable {
    case restore = "RESTORE"
    case download = "DOWNLOAD"
}

/// A shared-tier or Flex snapshot (`BackupTenantSnapshot` / `FlexBackupSnapshot20241113`).
public struct TenantSnapshot: Sendable, Equatable {
    public var id: String
    public var projectId: String
    public var clusterName: String
    public var status: BackupStatus?
    public var mongoDBVersion: String?
    public var scheduledTime: Date?
    public var startTime: Date?
    public var finishTime: Date?
    public var expiration: Date?
}

/// A restore or download job (`TenantRestore` / `FlexBackupRestoreJob20241113`); one record serves both APIs.
public struct RestoreJob: Sendable, Equatable {
    public var id: String
    public var projectId: String
    public var clusterName: String
    public var snapshotId: String
    public var deliveryType: DeliveryType?
    public var status: BackupStatus?
    public var targetDeploymentItemName: String?
    public var targetProjectId: String?
    public var restoreScheduledDate: Date?
    public var restoreFinishedDate: Date?
    public var snapshotFinishedDate: Date?
    public var expirationDate: Date?
    public var snapshotUrl: String?
    /// Set on jobs created through the API: their status follows this timeline on the mock clock. Jobs loaded
    /// from fixtures have none and keep the status they were given.
    public var timeline: RestoreTimeline? = nil
}

/// Organization and project roles held by an API key or a service account.
public struct RoleAssignments: Sendable, Equatable {
    /// Org-level roles such as `ORG_OWNER`, `ORG_READ_ONLY`, `ORG_MEMBER`.
    public var orgRoles: [String]
    /// Project id → project roles such as `GROUP_READ_ONLY`, `GROUP_OWNER`.
    public var projectRoles: [String: [String]]
}

/// A programmatic API key (HTTP Digest: public key as user name, private key as password).
public struct APIKey: Sendable, Equatable {
    public var publicKey: String
    public var privateKey: String
    public var orgId: String
    public var description: String?
    public var roles: RoleAssignments
    public var accessList: [AccessListEntry]
}

/// An OAuth 2.0 service account (client credentials → Bearer tokens).
public struct ServiceAccount: Sendable, Equatable {
    public var clientId: String
    public var clientSecret: String
    public var orgId: String
    public var name: String?
    public var roles: RoleAssignments
    public var accessList: [AccessListEntry]
}
