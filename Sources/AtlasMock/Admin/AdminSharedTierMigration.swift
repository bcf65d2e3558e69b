import AtlasMockHTTP

/// `POST /__admin/shared-tier-migration`: runs the M2/M5 → Flex migration now, whatever `--shared-tier-migration`
/// says, and answers `{"migrated": ["<projectId>/<name>", …]}` (the clusters it changed, in name order).
struct AdminSharedTierMigration: Sendable {
    let services: AdminServices

    func run(_ request: AdminRequest) -> HTTPServerResponse {
        let migrated = self.services.operations.withLock { _ in
            self.services.store.write { state -> [String] in
                let before = state.clusters
                state.migrateSharedTier()
                return before.filter { state.clusters[$0.key]?.kind != $0.value.kind }
                    .map { "\($0.key.projectId)/\($0.key.name)" }.sorted()
            }
        }
        return .adminJSON(200, .object(["migrated": .array(migrated.map { .string($0) })]))
    }
}
