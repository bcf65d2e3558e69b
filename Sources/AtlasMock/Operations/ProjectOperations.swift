import FoundationEssentials

/// Projects (`Group`): list, create, get, get by name, delete — answers as recorded from Atlas (201 on create,
/// 202 `{}` on delete, though the spec says 200 and 204).
enum ProjectOperations {
    /// "Maximum number of groups per organization (250)" (recorded).
    static let maxProjectsPerOrganization = 250

    /// `listGroups`: the projects the caller can read, oldest first, as list items (only a `self` link, `tags`).
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let principal = context.principal
        let now = context.now
        return try context.list({ pagination in
            context.store.read { state in
                let visible = state.projects.values.filter { principal.canRead($0) }
                    .sorted { ($0.created, $0.id) < ($1.created, $1.id) }
                let page = visible.inOrderPage(pagination)
                return Page(
                    items: page.items.map { ($0, state.clusters(inProject: $0.id, at: now).count) },
                    totalCount: page.totalCount)
            }
        }, render: { Self.json($0.0, clusterCount: $0.1, context: context, form: .listItem) })
    }

    /// `createGroup`: 201 with the new project. The caller needs Organization Owner or Project Creator in the
    /// body's organization; an API key or service account that creates a project becomes its Project Owner.
    static func create(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        if let owner = context.query.value("projectOwnerId"), !Identifiers.isObjectID(owner) {
            throw .api(.invalidQueryParameter, .string("projectOwnerId"))
        }
        let body = try ClusterRequestSchemas.group.check(context.request.body)
        let name = body["name"]?.stringValue ?? ""
        let orgId = body["orgId"]?.stringValue ?? ""
        let tags = ClusterRequests.tags(in: body)
        let principal = context.principal
        guard principal.canCreateProjects(in: orgId) else { throw .api(.notOrgGroupCreator, .string(orgId)) }
        let created = Date(timeIntervalSince1970: context.now.timeIntervalSince1970.rounded(.down))
        let project = Project(
            id: Identifiers.makeObjectID(timestamp: Int(created.timeIntervalSince1970)), name: name, orgId: orgId,
            created: created, tags: tags ?? [])
        try context.store.write { state throws(AtlasFailure) in
            guard state.organizations[orgId] != nil else { throw .api(.notOrgGroupCreator, .string(orgId)) }
            let siblings = state.projects.values.filter { $0.orgId == orgId }
            // Checked under the write lock, so two concurrent creates of one name cannot both pass.
            if siblings.contains(where: { $0.name == name }) { throw .api(.groupAlreadyExists, .string(name)) }
            if siblings.count >= Self.maxProjectsPerOrganization {
                throw .api(.maxGroupsPerOrgExceeded, .string(String(Self.maxProjectsPerOrganization)), .string(orgId))
            }
            state.projects[project.id] = project
            state.grantProjectOwner(on: project.id, to: principal)
        }
        return .entity(
            Self.json(project, clusterCount: 0, context: context, form: .created(tagsSent: tags != nil)),
            status: .created)
    }

    /// `getGroup`.
    static func get(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .readOnly)
        return .entity(Self.json(project, context: context, form: .single))
    }

    /// `getGroupByName`: 404 `GROUP_NAME_NOT_FOUND` when no project of that name exists; one the caller cannot
    /// read answers as any project would (401).
    static func getByName(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let name = context.parameter("groupName")
        guard (1...64).contains(name.count) else { throw .api(.invalidPathParameter, .string("groupName")) }
        let principal = context.principal
        let project = context.store.read { state in
            let named = state.projects.values.filter { $0.name == name }
            // Names are unique within an organization: prefer the caller's own.
            return named.first { $0.orgId == principal.orgId } ?? named.min { $0.id < $1.id }
        }
        guard let project else { throw .api(.groupNameNotFound, .string(name)) }
        try principal.authorize(.readOnly, on: project)
        return .entity(Self.json(project, context: context, form: .single))
    }

    /// `deleteGroup`: 202 `{}`; 409 while any cluster (of any kind, deleting ones included) remains.
    static func delete(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let project = try context.project(access: .owner)
        let now = context.now
        try context.store.write { state throws(AtlasFailure) in
            guard state.clusters(inProject: project.id, at: now).isEmpty else {
                throw .api(.cannotCloseGroupActiveAtlasClusters)
            }
            state.projects[project.id] = nil
            // Roles on it go too, so `/__admin/state` stays loadable (fixtures refuse roles on unknown projects).
            for key in state.apiKeys.keys { state.apiKeys[key]?.roles.projectRoles[project.id] = nil }
            for id in state.serviceAccounts.keys { state.serviceAccounts[id]?.roles.projectRoles[project.id] = nil }
        }
        return .entity(.object([:]), status: .accepted)
    }

    private static func json(
        _ project: Project, clusterCount: Int? = nil, context: OperationContext, form: GroupRepresentation.Form
    ) -> JSONValue {
        let now = context.now
        let count = clusterCount ?? context.store.read { $0.clusters(inProject: project.id, at: now).count }
        return GroupRepresentation.json(
            id: project.id, name: project.name, orgId: project.orgId, created: project.created, tags: project.tags,
            clusterCount: count, baseURL: context.baseURL, form: form)
    }
}

extension Principal {
    /// Whether `listGroups` shows `project`: organization owners and read-only members see every project of
    /// their organization; others the projects they hold a role in.
    func canRead(_ project: Project) -> Bool {
        (try? self.authorize(.readOnly, on: project)) != nil
    }

    /// Organization Owner or Organization Project Creator of `orgId` (`--auth off`: anyone).
    func canCreateProjects(in orgId: String) -> Bool {
        if case .unrestricted = self.identity { return true }
        guard self.orgId == orgId else { return false }
        return !Set(self.roles.orgRoles).isDisjoint(with: ["ORG_OWNER", "ORG_GROUP_CREATOR"])
    }
}

extension AtlasState {
    /// An API key or service account that creates a project is given Project Owner on it (as in Atlas, where the
    /// creator administers what it made).
    mutating func grantProjectOwner(on projectId: String, to principal: Principal) {
        switch principal.identity {
        case .apiKey(let publicKey): self.apiKeys[publicKey]?.roles.projectRoles[projectId, default: []].append("GROUP_OWNER")
        case .serviceAccount(let clientId):
            self.serviceAccounts[clientId]?.roles.projectRoles[projectId, default: []].append("GROUP_OWNER")
        case .unrestricted: break
        }
    }
}
