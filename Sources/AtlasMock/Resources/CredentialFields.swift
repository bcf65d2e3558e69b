/// Organization and project roles held by an API key or a service account.
public struct RoleAssignments: Sendable, Equatable {
    /// Org-level roles such as `ORG_OWNER`, `ORG_READ_ONLY`, `ORG_MEMBER`.
    public var orgRoles: [String]
    /// Project id → project roles such as `GROUP_READ_ONLY`, `GROUP_OWNER`.
    public var projectRoles: [String: [String]]
}

/// One entry of Atlas's role list: `{orgId, roleName}` for the credential's organization, `{groupId, roleName}`
/// for a project.
private struct RoleEntry: Sendable {
    var orgId: String?
    var groupId: String?
    var roleName = ""

    static let schema = ResourceSchema<RoleEntry>(
        "roles", blank: { RoleEntry() },
        fields: [
            .optional("groupId", \.groupId, .reference, "a project the credential's organization owns"),
            .optional("orgId", \.orgId, .objectID, "the credential's own organization"),
            .required("roleName", \.roleName, .string, "a role of that project or organization"),
        ])
}

/// The fields API keys and service accounts share: their roles and their API access list.
enum CredentialFields {
    /// `roles`, read after the credential's `orgId` (declared before it), which org roles must name.
    static func roles<Credential>(
        _ keyPath: WritableKeyPath<Credential, RoleAssignments> & Sendable,
        orgId: KeyPath<Credential, String> & Sendable
    ) -> ResourceField<Credential> {
        let entries = FieldCodec.array(of: .record(RoleEntry.schema, type: "role"))
        return ResourceField(
            name: "roles", utf8: Array("roles".utf8), type: "array of `{orgId|groupId, roleName}`", required: true,
            readOnly: false,
            summary: "Atlas's role list: `{\"orgId\", \"roleName\"}` with an organization role of the credential's own "
                + "organization, or `{\"groupId\", \"roleName\"}` with a project role of a project it owns",
            decode: { reader, credential, diagnostics, path throws(JSONSyntaxError) in
                guard let list = try entries.decode(&reader, &diagnostics, path) else { return false }
                var roles = RoleAssignments(orgRoles: [], projectRoles: [:])
                var valid = true
                let credentialOrg = credential[keyPath: orgId]
                for (index, entry) in list.enumerated() {
                    let rolePath = path.element(index)
                    switch (entry.orgId, entry.groupId) {
                    case (let org?, nil):
                        if !credentialOrg.isEmpty, org != credentialOrg {
                            diagnostics.error(
                                rolePath.member("orgId"), "\"\(org)\" is not the credential's organization \"\(credentialOrg)\"")
                        } else if !AtlasRoles.organization.contains(entry.roleName) {
                            diagnostics.error(
                                rolePath.member("roleName"),
                                "\"\(entry.roleName)\" is not an organization role (expected one of: \(AtlasRoles.organization.joined(separator: ", ")))")
                        } else {
                            roles.orgRoles.append(entry.roleName)
                            continue
                        }
                    case (nil, let group?):
                        if AtlasRoles.project.contains(entry.roleName) {
                            roles.projectRoles[group, default: []].append(entry.roleName)
                            continue
                        }
                        diagnostics.error(
                            rolePath.member("roleName"),
                            "\"\(entry.roleName)\" is not a project role (expected one of: \(AtlasRoles.project.joined(separator: ", ")))")
                    default:
                        diagnostics.error(rolePath, "a role needs exactly one of orgId or groupId")
                    }
                    valid = false
                }
                credential[keyPath: keyPath] = roles
                return valid
            },
            encode: { credential in
                let roles = credential[keyPath: keyPath]
                let org = credential[keyPath: orgId]
                let organization = roles.orgRoles.map {
                    JSONValue.object(["orgId": .string(org), "roleName": .string($0)])
                }
                let projects = roles.projectRoles.keys.sorted().flatMap { projectId in
                    roles.projectRoles[projectId]!.map {
                        JSONValue.object(["groupId": .string(projectId), "roleName": .string($0)])
                    }
                }
                return .array(organization + projects)
            })
    }

    /// `accessList`: `{ipAddress}` or `{cidrBlock}` entries; absent or empty admits every address.
    static func accessList<Credential>(_ keyPath: WritableKeyPath<Credential, [AccessListEntry]> & Sendable)
        -> ResourceField<Credential>
    {
        let entries = FieldCodec.array(of: .record(AccessListItem.schema, type: "access list entry"))
        return ResourceField(
            name: "accessList", utf8: Array("accessList".utf8), type: "array of `{ipAddress}` or `{cidrBlock}`",
            required: false, readOnly: false,
            summary: "IPv4 or IPv6 addresses and CIDR blocks the credential may call from; absent or empty admits every address",
            decode: { reader, credential, diagnostics, path throws(JSONSyntaxError) in
                guard let list = try entries.decode(&reader, &diagnostics, path) else { return false }
                var valid = true
                var parsed: [AccessListEntry] = []
                for (index, item) in list.enumerated() {
                    let entryPath = path.element(index)
                    switch (item.ipAddress, item.cidrBlock) {
                    case (let address?, nil):
                        if !address.contains("/"), let entry = AccessListEntry(address) {
                            parsed.append(entry)
                            continue
                        }
                        diagnostics.error(entryPath.member("ipAddress"), "\"\(address)\" is not an IP address")
                    case (nil, let block?):
                        if block.contains("/"), let entry = AccessListEntry(block) {
                            parsed.append(entry)
                            continue
                        }
                        diagnostics.error(entryPath.member("cidrBlock"), "\"\(block)\" is not a CIDR block")
                    default:
                        diagnostics.error(entryPath, "an access list entry needs exactly one of ipAddress or cidrBlock")
                    }
                    valid = false
                }
                credential[keyPath: keyPath] = parsed
                return valid
            },
            encode: { credential in
                .array(
                    credential[keyPath: keyPath].map {
                        $0.description.contains("/")
                            ? .object(["cidrBlock": .string($0.description)])
                            : .object(["ipAddress": .string($0.description)])
                    })
            })
    }
}

private struct AccessListItem: Sendable {
    var cidrBlock: String?
    var ipAddress: String?

    static let schema = ResourceSchema<AccessListItem>(
        "accessList", blank: { AccessListItem() },
        fields: [
            .optional("cidrBlock", \.cidrBlock, .string, "a CIDR block"),
            .optional("ipAddress", \.ipAddress, .string, "one address"),
        ])
}
