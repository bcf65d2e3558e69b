/// An Atlas organization: owns projects, API keys and service accounts.
public struct Organization: Sendable, Equatable {
    public var id: String
    public var name: String
}

extension Organization {
    static let schema = ResourceSchema<Organization>(
        "organizations", blank: { Organization(id: "", name: "") },
        fields: [
            .required("id", \.id, .objectID, "the organization id"),
            .required("name", \.name, .string, "its name"),
        ])
}
