/// What fixtures describe: the data atlas-mock serves and the fault rules active from the start.
public struct Fixtures: Sendable, Equatable {
    public var dataset: AtlasDataset
    public var faults: [FaultRule]

    public init(dataset: AtlasDataset = AtlasDataset(), faults: [FaultRule] = []) {
        self.dataset = dataset
        self.faults = faults
    }

    /// The default dataset compiled into the binary (`fixtures/default/*.json`): the demo organization, project,
    /// clusters, restore jobs and credentials the README's examples use.
    public static let `default`: Fixtures = {
        do {
            return try FixtureLoader.load(
                sources: DefaultFixtures.files.map { ("default/" + $0.name, $0.json) })
        } catch {
            // A test loads these files from disk on every run, so this cannot fire in a build whose tests passed.
            fatalError("The embedded default fixtures are invalid:\n\(error)")
        }
    }()
}

extension Fixtures {
    /// These fixtures in the fixture format (what `GET /__admin/state` answers), so a dump loads back unchanged.
    var json: JSONValue {
        let dataset = self.dataset
        var groups: [SnapshotGroup] = []
        for snapshot in dataset.snapshots {
            if let last = groups.last, last.projectId == snapshot.projectId, last.clusterName == snapshot.clusterName {
                groups[groups.count - 1].snapshots.records.append(snapshot)
            } else {
                groups.append(
                    SnapshotGroup(
                        projectId: snapshot.projectId, clusterName: snapshot.clusterName,
                        snapshots: LocatedRecords(records: [snapshot])))
            }
        }
        return .object([
            "organizations": .array(dataset.organizations.map(Organization.schema.encode)),
            "projects": .array(dataset.projects.map(Project.schema.encode)),
            "clusters": .array(dataset.clusters.map(Cluster.schema.encode)),
            "tenantSnapshots": .array(groups.map(SnapshotGroup.schema.encode)),
            "tenantRestoreJobs": .array(dataset.restoreJobs.map(RestoreJob.schema.encode)),
            "apiKeys": .array(dataset.apiKeys.map(APIKey.schema.encode)),
            "serviceAccounts": .array(dataset.serviceAccounts.map(ServiceAccount.schema.encode)),
            "faults": .array(self.faults.map(\.json)),
        ])
    }
}
