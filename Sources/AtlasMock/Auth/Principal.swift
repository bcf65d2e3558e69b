/// Who made a request, once authenticated, with what they may do.
public struct Principal: Sendable, Equatable {
    public enum Identity: Sendable, Equatable {
        case apiKey(publicKey: String)
        case serviceAccount(clientId: String)
        /// `--auth off`: every request acts as an owner of every organization.
        case unrestricted
    }

    public let identity: Identity
    public var orgId: String?
    public var roles: RoleAssignments
    public var accessList: [AccessListEntry]
    /// A short name for logs, the request journal, fault rules and the response cache (`apiKey:abcdefgh`); built
    /// once, since each of those reads it per request.
    public let name: String

    public init(identity: Identity, orgId: String?, roles: RoleAssignments, accessList: [AccessListEntry]) {
        self.identity = identity
        self.orgId = orgId
        self.roles = roles
        self.accessList = accessList
        self.name = switch identity {
        case .apiKey(let key): "apiKey:\(key)"
        case .serviceAccount(let id): "serviceAccount:\(id)"
        case .unrestricted: "unrestricted"
        }
    }

    static let unrestricted = Principal(
        identity: .unrestricted, orgId: nil, roles: RoleAssignments(orgRoles: [], projectRoles: [:]), accessList: [])
}

/// The access an operation needs on a project, in Atlas's role terms.
enum ProjectAccess {
    /// Project Read Only or any higher project role, or an org role that reads every project.
    case readOnly
    /// Project Owner (or Organization Owner).
    case owner
    /// Project Owner or one of the given project roles (the Flex backup operator roles).
    case ownerOr([String])
}

extension Principal {
    /// Checks the caller may act on `project` as `access` requires; Atlas answers a project outside the caller's
    /// organization with 401 `NOT_IN_GROUP` and a missing role with 401 `USER_UNAUTHORIZED`.
    func authorize(_ access: ProjectAccess, on project: Project) throws(AtlasFailure) {
        if case .unrestricted = self.identity { return }
        guard self.orgId == project.orgId else { throw .api(.notInGroup) }
        let orgRoles = Set(self.roles.orgRoles)
        if orgRoles.contains("ORG_OWNER") { return }
        let projectRoles = Set(self.roles.projectRoles[project.id] ?? [])
        switch access {
        case .readOnly:
            if orgRoles.contains("ORG_READ_ONLY") || !projectRoles.isEmpty { return }
        case .owner:
            if projectRoles.contains("GROUP_OWNER") { return }
        case .ownerOr(let others):
            if projectRoles.contains("GROUP_OWNER") || !projectRoles.isDisjoint(with: others) { return }
        }
        throw .api(.userUnauthorized)
    }

    /// Checks the caller's API access list admits `address`; an empty list admits every address.
    func checkAccessList(_ address: String) throws(AtlasFailure) {
        guard !self.accessList.isEmpty, !self.accessList.contains(where: { $0.contains(address) }) else { return }
        throw .api(.ipAddressNotOnAccessList, .string(address))
    }
}
