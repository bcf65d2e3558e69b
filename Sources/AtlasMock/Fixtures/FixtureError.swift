/// One problem in a fixture: the file (or admin request) it came from, the JSON path of the offending value
/// (`$.tenantRestoreJobs[3].status`) and what is wrong with it.
public struct FixtureError: Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var path: String
    public var message: String

    public init(source: String, path: String, message: String) {
        self.source = source
        self.path = path
        self.message = message
    }

    /// `fixtures/x.json: $.clusters[0].tier: "M3" is not a tier …`
    public var description: String { "\(self.source): \(self.path): \(self.message)" }
}

/// Every problem found in a set of fixtures. Loading reports them all at once and loads nothing.
public struct FixtureErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [FixtureError]

    public init(_ errors: [FixtureError]) {
        self.errors = errors
    }

    public var description: String {
        let heading = self.errors.count == 1 ? "1 fixture error" : "\(self.errors.count) fixture errors"
        return ([heading + ":"] + self.errors.map { "  " + $0.description }).joined(separator: "\n")
    }
}
