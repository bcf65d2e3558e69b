import FoundationEssentials

/// Atlas's automatic migration of M2/M5 clusters to Flex ("Beginning April 2, 2025, Atlas will automatically
/// migrate all existing M2 and M5 clusters to Flex clusters"): each becomes a Flex cluster of origin
/// `migratedFromShared` and keeps its id, name, createDate, tags, snapshots and restore jobs, which stay keyed by
/// project and name, so both backup APIs go on listing the same ids. The clusters API still shows it in TENANT
/// form with its old size until the cutoff.
///
/// Off by default (`--shared-tier-migration off`), so fixtures' M2/M5 clusters are served as the tenant payloads
/// document them; with a date, the migration runs when the server clock first reaches it.
public enum SharedTierMigration: Sendable, Equatable, CustomStringConvertible {
    case off
    case at(Date)

    /// Parses `off` or a date (`YYYY-MM-DD`, midnight UTC) or an RFC 3339 instant.
    public init?(parsing text: String) {
        if text == "off" {
            self = .off
        } else if let date = AtlasDate.parse(text) ?? AtlasDate.parse(text + "T00:00:00Z") {
            self = .at(date)
        } else {
            return nil
        }
    }

    /// `off`, or the instant (RFC 3339).
    public var description: String {
        switch self {
        case .off: return "off"
        case .at(let date): return AtlasDate.format(date)
        }
    }

    /// Whether the migration is due at `now`.
    func isDue(at now: Date) -> Bool {
        guard case .at(let date) = self else { return false }
        return now >= date
    }

    /// `record` after the migration: M2/M5 become Flex (migrated); every other cluster is unchanged.
    static func migrate(_ record: Cluster) -> Cluster {
        guard case .shared(let tier) = record.kind, tier != "M0" else { return record }
        var migrated = record
        migrated.kind = .flex(origin: .migratedFromShared)
        migrated.tenantInstanceSize = tier
        return migrated
    }
}
