import ArgumentParser
import AtlasMock
import FoundationEssentials

/// Runs the same checks as start-up without serving, for users' CI.
struct ValidateFixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-fixtures",
        abstract: "Check fixture files or directories; exit 0 if they load, 2 with every error listed if not.")

    @Argument(help: "Fixture files or directories of *.json, loaded in the order given.")
    var paths: [String]

    func validate() throws {
        if self.paths.isEmpty { throw ValidationError("name at least one fixture file or directory") }
    }

    func run() throws {
        do {
            let fixtures = try FixtureLoader.load(paths: self.paths)
            let dataset = fixtures.dataset
            print(
                "ok: \(dataset.organizations.count) organizations, \(dataset.projects.count) projects, "
                    + "\(dataset.clusters.count) clusters, \(dataset.snapshots.count) snapshots, "
                    + "\(dataset.restoreJobs.count) restore jobs, \(dataset.apiKeys.count) API keys, "
                    + "\(dataset.serviceAccounts.count) service accounts, \(fixtures.faults.count) fault rules")
        } catch {
            for problem in error.errors { StandardStreams.error("\(problem)\n") }
            StandardStreams.error("\(error.errors.count) fixture error(s)\n")
            throw ExitCode(2)
        }
    }
}
