import FoundationEssentials

/// How long each kind of cluster takes for one transition (create, update or upgrade, delete) on the server clock.
/// Real Atlas takes seconds for Flex (median 17.5 s to IDLE, 38 s to 404), about half a minute for an M0 and
/// minutes for dedicated clusters; the defaults keep that order but stay short enough for a test to poll, and
/// `0` makes transitions instant. Set with `--cluster-transitions flex=5,tenant=8,dedicated=30`.
public struct ClusterTransitionTimes: Sendable, Equatable, CustomStringConvertible {
    /// Flex clusters, whichever API created them.
    public var flex: TimeInterval
    /// M0/M2/M5 clusters made through `createCluster` (an M0 passes through UPDATING in the second half).
    public var tenant: TimeInterval
    /// M10 and above.
    public var dedicated: TimeInterval

    public init(flex: TimeInterval = 6, tenant: TimeInterval = 8, dedicated: TimeInterval = 30) {
        self.flex = flex
        self.tenant = tenant
        self.dedicated = dedicated
    }

    /// The kinds as the flag names them.
    public static let kindNames = ["flex", "tenant", "dedicated"]

    /// Parses `kind=seconds[,kind=seconds…]` (kinds from `kindNames`, seconds a non-negative number); kinds left out
    /// keep their defaults. The error names what is wrong.
    public init(parsing text: String) throws(ParseError) {
        self.init()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw ParseError("\"\(item)\" is not kind=seconds") }
            let kind = String(parts[0])
            guard let seconds = TimeInterval(String(parts[1])), seconds >= 0, seconds.isFinite
            else { throw ParseError("\"\(parts[1])\" is not a number of seconds (0 or more) for \(kind)") }
            switch kind {
            case "flex": self.flex = seconds
            case "tenant": self.tenant = seconds
            case "dedicated": self.dedicated = seconds
            default: throw ParseError("unknown cluster kind \"\(kind)\" (expected one of \(Self.kindNames.joined(separator: ", ")))")
            }
        }
    }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The time one transition of a `kind` cluster takes.
    func duration(for kind: ClusterKind) -> TimeInterval {
        switch kind {
        case .flex: return self.flex
        case .shared: return self.tenant
        case .dedicated: return self.dedicated
        }
    }

    /// `flex=6,tenant=8,dedicated=30`, the flag's form.
    public var description: String {
        func seconds(_ value: TimeInterval) -> String {
            value == value.rounded() ? String(Int(value)) : String(value)
        }
        return "flex=\(seconds(self.flex)),tenant=\(seconds(self.tenant)),dedicated=\(seconds(self.dedicated))"
    }
}
