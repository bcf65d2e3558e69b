/// A project ("group" in the API's paths).
public struct Project: Sendable, Equatable {
    public var id: String
    public var name: String
    public var orgId: String
}

extension Project {
    static let schema = ResourceSchema<Project>(
        "projects", blank: { Project(id: "", name: "", orgId: "") },
        fields: [
            .required("id", \.id, .objectID, "the project (group) id"),
            .required("name", \.name, .string, "its name"),
            .required("orgId", \.orgId, .reference, "the organization it belongs to (must exist)"),
        ])
}
