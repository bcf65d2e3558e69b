/// An OAuth 2.0 service account (client credentials → Bearer tokens).
public struct ServiceAccount: Sendable, Equatable {
    public var clientId: String
    public var clientSecret: String
    public var orgId: String
    public var name: String?
    public var roles: RoleAssignments
    public var accessList: [AccessListEntry]
}

extension ServiceAccount {
    static let schema = ResourceSchema<ServiceAccount>(
        "serviceAccounts",
        blank: {
            ServiceAccount(
                clientId: "", clientSecret: "", orgId: "", name: nil,
                roles: RoleAssignments(orgRoles: [], projectRoles: [:]), accessList: [])
        },
        fields: [
            .required(
                "clientId", \.clientId,
                FieldCodec.string.checked {
                    $0.isEmpty || $0.contains(":") ? "must be non-empty, without ':' (it is the Basic auth user name)" : nil
                }, "the OAuth client id (unique)"),
            .required("clientSecret", \.clientSecret, .string, "the OAuth client secret"),
            .required("orgId", \.orgId, .objectID, "the organization that owns the account (must exist)"),
            .optional("name", \.name, .string, "free text"),
            CredentialFields.roles(\.roles, orgId: \.orgId),
            CredentialFields.accessList(\.accessList),
        ])
}
