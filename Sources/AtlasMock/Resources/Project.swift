import FoundationEssentials

/// A project ("group" in the API's paths).
public struct Project: Sendable, Equatable {
    public var id: String
    public var name: String
    public var orgId: String
    /// `created` in the `Group` JSON; fixtures without one get `Cluster.fixtureCreateDate`.
    public var created: Date
    public var tags: [ResourceTag]

    public init(id: String, name: String, orgId: String, created: Date? = nil, tags: [ResourceTag] = []) {
        self.id = id
        self.name = name
        self.orgId = orgId
        self.created = created ?? Cluster.fixtureCreateDate
        self.tags = tags
    }
}

extension Project {
    static let schema = ResourceSchema<Project>(
        "projects", blank: { Project(id: "", name: "", orgId: "") },
        fields: [
            .required("id", \.id, .objectID, "the project (group) id"),
            .required(
                "name", \.name, .deploymentItemName,
                "its name: 1–64 letters, digits and `-_.(),:&@+'` (no spaces)"),
            .required("orgId", \.orgId, .reference, "the organization it belongs to (must exist)"),
            .defaulted("created", \.created, .date, "when it was created; default `2024-12-19T17:05:10Z`"),
            .defaulted("tags", \.tags, ResourceTag.list, "`[{key, value}]`, default none"),
        ])
}
