/// The default fixture files, byte for byte, in name order. `Fixtures/default` links to `fixtures/default`, and
/// SwiftPM compiles each file in (`embedInCode`) under a name it derives from the file's (a leading digit becomes
/// `_`), so the JSON there is the one source. `DefaultFixturesTests` checks this list names every file.
enum DefaultFixtures {
    static let files: [(name: String, json: [UInt8])] = [
        ("10-organizations.json", PackageResources._0_organizations_json),
        ("20-clusters.json", PackageResources._0_clusters_json),
        ("30-backups.json", PackageResources._0_backups_json),
        ("40-credentials.json", PackageResources._0_credentials_json),
        ("50-faults.json", PackageResources._0_faults_json),
    ]
}
