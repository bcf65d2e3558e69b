/// The shared-tier (M2/M5) restore-job operations, API version 2023-01-01, deprecated in favour of Flex.
enum TenantRestoreEndpoints {
    static func register(in router: inout Router) {
        router.add(
            "GET", "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/restores",
            Operation(name: "listSharedClusterBackupRestoreJobs", versions: [.v2023_01_01], deprecated: true, run: Self.list))
    }

    /// `listSharedClusterBackupRestoreJobs`: a newest-first page of the cluster's jobs. The spec declares no
    /// paging parameters here, but Atlas answers with the paging envelope; atlas-mock honours them like other lists.
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .readOnly)
        let cluster = try context.tenantCluster(in: project)
        let pagination = try Pagination(context.query)
        let key = ClusterKey(projectId: project.id, name: cluster.name)
        let page = context.atlas.store.read {
            ($0.restoreJobs[key] ?? []).newestFirstPage(pageNumber: pagination.pageNum, itemsPerPage: pagination.itemsPerPage)
        }
        let results = page.items.map { $0.tenantJSON(selfURL: context.resourceURL + "/" + $0.id) }
        return .list([
            "links": pagination.links(resourceURL: context.resourceURL, query: context.query, totalCount: page.totalCount),
            "results": .array(results),
            // Atlas still sends `totalCount` (as 0) when `includeCount=false`.
            "totalCount": .int(pagination.includeCount ? page.totalCount : 0),
        ])
    }
}
