/// A programmatic API key (HTTP Digest: public key as user name, private key as password).
public struct APIKey: Sendable, Equatable {
    public var publicKey: String
    public var privateKey: String
    public var orgId: String
    public var description: String?
    public var roles: RoleAssignments
    public var accessList: [AccessListEntry]
}

extension APIKey {
    static let schema = ResourceSchema<APIKey>(
        "apiKeys",
        blank: {
            APIKey(
                publicKey: "", privateKey: "", orgId: "", description: nil,
                roles: RoleAssignments(orgRoles: [], projectRoles: [:]), accessList: [])
        },
        fields: [
            .required(
                "publicKey", \.publicKey,
                FieldCodec.string.checked {
                    $0.isEmpty || $0.contains(":") || $0.contains("\"")
                        ? "must be non-empty, without ':' or '\"' (it is the Digest user name)" : nil
                }, "the Digest user name (unique)"),
            .required("privateKey", \.privateKey, .string, "the Digest password"),
            .required("orgId", \.orgId, .objectID, "the organization that owns the key (must exist)"),
            .optional("description", \.description, .string, "free text"),
            CredentialFields.roles(\.roles, orgId: \.orgId),
            CredentialFields.accessList(\.accessList),
        ])
}
