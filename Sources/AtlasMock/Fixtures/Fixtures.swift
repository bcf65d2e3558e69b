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
                sources: DefaultFixtures.files.map { ("default/" + $0.name, Array($0.json.utf8)) })
        } catch {
            // A test loads these files on every run, so this only fires if the generated source was hand-edited.
            fatalError("The embedded default fixtures are invalid:\n\(error)")
        }
    }()
}
