/// The field tables of `fixtures/FORMAT.md`, written from the resource declarations (a test keeps the file equal
/// to them, so the documentation cannot drift from what the loader accepts).
enum FixtureFormat {
    static let beginMarker = "<!-- field tables: generated from Sources/AtlasMock/Resources; FixtureFormatTests checks them -->"
    static let endMarker = "<!-- end of generated field tables -->"

    static var fieldTables: String {
        let tables = [
            FixtureDocument.schema.documentation,
            Organization.schema.documentation,
            Project.schema.documentation,
            Cluster.schema.documentation,
            RestoreJob.schema.documentation,
            SnapshotGroup.schema.documentation,
            TenantSnapshot.schema.documentation,
            APIKey.schema.documentation,
            ServiceAccount.schema.documentation,
            FaultRule.schema.documentation,
        ]
        return ([Self.beginMarker] + tables + [Self.endMarker]).joined(separator: "\n\n")
    }
}
