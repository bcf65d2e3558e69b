/// The catalog of Atlas error codes atlas-mock answers with: status, reason phrase and detail template, as
/// Atlas documents them (`api-errors` reference) or as recorded from real Atlas. Every `ApiError` body the
/// server writes comes from here; handlers name a code and its parameters, never a literal message.
///
/// `%s` in a template is replaced by the parameters in order.
public enum AtlasErrorCode: String, Sendable, CaseIterable {
    case invalidGroupID = "INVALID_GROUP_ID"
    case invalidPathParameter = "INVALID_PATH_PARAMETER"
    case invalidQueryParameter = "INVALID_QUERY_PARAMETER"
    case groupNotFound = "GROUP_NOT_FOUND"
    case notInGroup = "NOT_IN_GROUP"
    case clusterNotFound = "CLUSTER_NOT_FOUND"
    case cannotUseFlexClusterInClusterAPI = "CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API"
    case cannotUseNonFlexClusterInFlexAPI = "CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API"
    case tenantRestoreNotFound = "TENANT_RESTORE_NOT_FOUND"
    case tenantSnapshotNotFound = "TENANT_SNAPSHOT_NOT_FOUND"
    case invalidJobID = "INVALID_JOB_ID"
    case invalidSnapshotID = "INVALID_SNAPSHOT_ID"
    case tenantRestoreDestinationUnavailable = "TENANT_RESTORE_DESTINATION_UNAVAILABLE"
    case cannotDownloadSnapshotConcurrently = "CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY"
    case atlasClusterRestoreInProgress = "ATLAS_CLUSTER_RESTORE_IN_PROGRESS"
    case cannotStartRestoreJobForDeletedSnapshot = "CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT"
    case userUnauthorized = "USER_UNAUTHORIZED"
    case ipAddressNotOnAccessList = "IP_ADDRESS_NOT_ON_ACCESS_LIST"
    case accessForbidden = "ACCESS_FORBIDDEN"
    case malformedJSON = "MALFORMED_JSON"
    case invalidJSON = "INVALID_JSON"
    case invalidJSONAttribute = "INVALID_JSON_ATTRIBUTE"
    case missingAttribute = "MISSING_ATTRIBUTE"
    case invalidAttribute = "INVALID_ATTRIBUTE"
    case attributeReadOnly = "ATTRIBUTE_READ_ONLY"
    case validationError = "VALIDATION_ERROR"
    case resourceNotFound = "RESOURCE_NOT_FOUND"
    case invalidVersionDate = "INVALID_VERSION_DATE"
    case versionGone = "VERSION_GONE"
    case rateLimitedTokenBucket = "RATE_LIMITED_TOKEN_BUCKET"
    case rateLimited = "RATE_LIMITED"
    case serviceUnavailable = "SERVICE_UNAVAILABLE"
    case unexpectedError = "UNEXPECTED_ERROR"
    // Projects, clusters and Flex clusters (ATLAS-CLUSTERS.md §5).
    case groupAlreadyExists = "GROUP_ALREADY_EXISTS"
    case groupNameNotFound = "GROUP_NAME_NOT_FOUND"
    case invalidGroupName = "INVALID_GROUP_NAME"
    case cannotCloseGroupActiveAtlasClusters = "CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS"
    case notOrgGroupCreator = "NOT_ORG_GROUP_CREATOR"
    case maxGroupsPerOrgExceeded = "MAX_GROUPS_PER_ORG_EXCEEDED"
    case duplicateClusterName = "DUPLICATE_CLUSTER_NAME"
    case cannotTerminateProtectedCluster = "CANNOT_TERMINATE_CLUSTER_WHEN_TERMINATION_PROTECTION_ENABLED"
    case clusterAlreadyRequestedDeletion = "CLUSTER_ALREADY_REQUESTED_DELETION"
    case atlasGeneralError = "ATLAS_GENERAL_ERROR"
    case tenantClusterUpdateUnsupported = "TENANT_CLUSTER_UPDATE_UNSUPPORTED"
    case clusterNameInvalid = "CLUSTER_NAME_INVALID"
    case clusterNameTooLong = "CLUSTER_NAME_TOO_LONG"
    case invalidRegion = "INVALID_REGION"
    case invalidProvider = "INVALID_PROVIDER"
    case invalidEnumValue = "INVALID_ENUM_VALUE"

    public var status: Int {
        switch self {
        case .invalidPathParameter, .invalidQueryParameter, .cannotUseFlexClusterInClusterAPI,
            .cannotUseNonFlexClusterInFlexAPI, .malformedJSON, .invalidJSON,
            .invalidJSONAttribute, .missingAttribute, .invalidAttribute, .attributeReadOnly, .validationError,
            .tenantRestoreDestinationUnavailable, .cannotDownloadSnapshotConcurrently, .invalidGroupName,
            .maxGroupsPerOrgExceeded, .duplicateClusterName, .cannotTerminateProtectedCluster,
            .clusterAlreadyRequestedDeletion, .atlasGeneralError, .tenantClusterUpdateUnsupported, .clusterNameInvalid,
            .clusterNameTooLong, .invalidRegion, .invalidProvider, .invalidEnumValue:
            return 400
        case .notInGroup, .userUnauthorized, .notOrgGroupCreator: return 401
        case .ipAddressNotOnAccessList, .accessForbidden: return 403
        case .invalidGroupID, .groupNotFound, .clusterNotFound, .tenantRestoreNotFound, .tenantSnapshotNotFound,
            .resourceNotFound, .invalidJobID, .invalidSnapshotID, .groupNameNotFound:
            return 404
        case .atlasClusterRestoreInProgress, .cannotStartRestoreJobForDeletedSnapshot, .groupAlreadyExists,
            .cannotCloseGroupActiveAtlasClusters:
            return 409
        case .invalidVersionDate: return 406
        case .versionGone: return 410
        case .rateLimitedTokenBucket, .rateLimited: return 429
        case .unexpectedError: return 500
        case .serviceUnavailable: return 503
        }
    }

    public var detailTemplate: String {
        switch self {
        case .invalidGroupID: return "An invalid group ID %s was specified."
        case .invalidPathParameter: return "Invalid path parameter %s specified."
        case .invalidQueryParameter: return "Invalid query parameter %s specified."
        case .groupNotFound: return "No group with ID %s exists."
        case .notInGroup: return "The current user is not in the group, or the group does not exist."
        case .clusterNotFound: return "No cluster named %s exists in group %s."
        case .cannotUseFlexClusterInClusterAPI: return "Flex cluster %s cannot be used in the Cluster API."
        case .cannotUseNonFlexClusterInFlexAPI: return "Cannot use non-flex cluster %s in the flex API."
        case .tenantRestoreNotFound: return "No M2/M5 restore with ID %s exists for cluster %s."
        case .tenantSnapshotNotFound: return "No M2/M5 snapshot with ID %s exists for cluster %s."
        case .invalidJobID: return "An invalid restore job ID %s was specified."
        case .invalidSnapshotID: return "An invalid snapshot ID %s was specified."
        // The four details below are not quoted anywhere public; the wording is atlas-mock's (README: inferred).
        case .tenantRestoreDestinationUnavailable:
            return "Cluster %s cannot receive a restore; the target must be an existing cluster of tier M2 or greater that is not being created or deleted."
        case .cannotDownloadSnapshotConcurrently: return "A download of snapshot %s is already in progress."
        case .atlasClusterRestoreInProgress: return "A restore into cluster %s is already in progress."
        case .cannotStartRestoreJobForDeletedSnapshot: return "Cannot start a restore job for deleted snapshot %s."
        case .userUnauthorized: return "Current user is not authorized to perform this action."
        case .ipAddressNotOnAccessList: return "IP address %s is not allowed to access this resource."
        case .accessForbidden: return "Access to this resource is forbidden for current user."
        case .malformedJSON: return "Received JSON is malformed."
        case .invalidJSON: return "Received JSON does not match expected format."
        case .invalidJSONAttribute: return "Received JSON for the %s attribute does not match expected format."
        case .missingAttribute: return "The required attribute %s was not specified."
        case .invalidAttribute: return "Invalid attribute %s specified."
        case .attributeReadOnly: return "The attribute %s is read-only and cannot be changed by the user."
        case .validationError: return "The request content produced the validation error: %s."
        case .resourceNotFound: return "Cannot find resource %s."
        case .invalidVersionDate: return "Invalid accept header or version date."
        case .versionGone: return "Version %s of %s is no longer available."
        case .rateLimitedTokenBucket:
            return "Rate limit exceeded for %s. Please retry after %s seconds. Request capacity: %s. Refill rate: %s per %s seconds."
        case .rateLimited: return "Resource %s is limited to %s requests every %s minutes."
        case .serviceUnavailable: return "Service unavailable."
        case .unexpectedError: return "Unexpected error."
        case .groupAlreadyExists: return "A group with name \"%s\" already exists."
        case .groupNameNotFound: return "No group with name \"%s\" exists."
        case .invalidGroupName: return "An invalid group name \"%s\" was specified."
        case .cannotCloseGroupActiveAtlasClusters:
            return "Cannot close group while it has active clusters; please terminate all clusters."
        case .notOrgGroupCreator:
            return "The currently logged in user does not have the group creator role in organization %s."
        case .maxGroupsPerOrgExceeded:
            return "Maximum number of groups per organization (%s) in %s exceeded while trying to add group."
        // `["cluster or serverless instance", name, groupId]` from the Flex API (recorded), `["cluster", …]` otherwise.
        case .duplicateClusterName: return "A %s named %s is already present in group %s."
        // The one parameter is the whole sentence naming the cluster and project (recorded).
        case .cannotTerminateProtectedCluster:
            return "Cannot terminate a cluster when termination protection is enabled. Disable termination protection and try again."
        case .clusterAlreadyRequestedDeletion: return "The cluster %s has already been requested for deletion."
        case .atlasGeneralError: return "Reason: %s."
        case .tenantClusterUpdateUnsupported: return "Cannot update a M0/Flex cluster through the public API."
        case .clusterNameInvalid:
            return "The cluster name %s is invalid. The name can only contain ASCII letters, numbers, and hyphens."
        case .clusterNameTooLong: return "Cluster name %s is limited to %s characters."
        case .invalidRegion: return "No region %s exists for provider %s."
        case .invalidProvider: return "No provider %s exists."
        case .invalidEnumValue: return "An invalid enumeration value %s was specified."
        }
    }

    /// The HTTP reason phrase Atlas puts in `reason`.
    public var reason: String { Self.reasonPhrase(for: self.status) }

    static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Error"
        }
    }
}
