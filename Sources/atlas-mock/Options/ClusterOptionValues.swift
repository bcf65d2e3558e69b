import AtlasMock

/// `--cluster-transitions`: seconds per create/update/delete for each cluster kind, `flex=6,tenant=8,dedicated=30`
/// (kinds left out keep their defaults).
struct ClusterTransitions: OptionValue {
    static let expected = "kind=seconds pairs like flex=6,tenant=8,dedicated=30 (kinds: flex, tenant, dedicated)"
    let text: String

    static func parse(_ text: String) -> ClusterTransitionTimes? { try? ClusterTransitionTimes(parsing: text) }

    static func describe(_ setting: ClusterTransitionTimes) -> String { setting.description }
}

/// `--shared-tier-migration`: `off`, or the date (`YYYY-MM-DD`) or instant (RFC 3339) at which M2/M5 clusters
/// become Flex clusters.
struct SharedTierMigrationDate: OptionValue {
    static let expected = "off, a date YYYY-MM-DD or an RFC 3339 instant"
    let text: String

    static func parse(_ text: String) -> SharedTierMigration? { SharedTierMigration(parsing: text) }

    static func describe(_ setting: SharedTierMigration) -> String { setting.description }
}
