import ArgumentParser

/// `atlas-mock`: serves by default; `health` and `validate-fixtures` are for container checks and users' CI.
struct AtlasMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas-mock",
        abstract: "A fake MongoDB Atlas Administration API (projects, clusters, backups) for integration tests.",
        discussion: "Every serve option can also be set by the environment variable named in its help.",
        subcommands: [ServeCommand.self, HealthCommand.self, ValidateFixturesCommand.self, ImportCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Whether `arguments` (the program's name dropped) run `serve`: no subcommand named, or `serve` itself.
    static func mayServe(_ arguments: ArraySlice<String>) -> Bool {
        guard let first = arguments.first, !first.hasPrefix("-") else { return true }
        return first == ServeCommand.configuration.commandName
    }
}
