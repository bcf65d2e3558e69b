/// The role names Atlas accepts for API keys and service accounts (`roleName` in their `roles`), as the Admin API
/// enumerates them.
enum AtlasRoles {
    static let organization: [String] = [
        "ORG_OWNER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN", "ORG_BILLING_READ_ONLY", "ORG_READ_ONLY", "ORG_MEMBER",
    ]

    static let project: [String] = [
        "GROUP_OWNER", "GROUP_BACKUP_MANAGER", "GROUP_BACKUP_EXPORT_OPERATOR", "GROUP_BACKUP_RECOVERY_OPERATOR",
        "GROUP_CLUSTER_MANAGER", "GROUP_DATA_ACCESS_ADMIN",
        "GROUP_DATA_ACCESS_READ_ONLY", "GROUP_DATA_ACCESS_READ_WRITE", "GROUP_DATABASE_ACCESS_ADMIN",
        "GROUP_OBSERVABILITY_VIEWER", "GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR", "GROUP_STREAM_PROCESSING_OWNER",
    ]
}
