import FoundationEssentials

/// The fixture format's collections (see `fixtures/FORMAT.md`), one decoding function each.
extension FixtureDecoder {
    private enum RootField: Int, FixtureField {
        case organizations, projects, clusters, tenantRestoreJobs, tenantSnapshots, apiKeys, serviceAccounts, faults
        static let names = FixtureFieldNames(Self.self)
    }

    /// A whole Atlas list response (`listSharedClusterBackupRestoreJobs`), pasted as is.
    private enum ListResponseField: Int, FixtureField {
        case links, results, totalCount
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func decodeRoot(_ root: FixtureJSON) {
        if case .object(let members) = root, members.contains(where: { self.text($0.key) == "results" }) {
            guard let fields = self.fields(root, at: "$", as: ListResponseField.self) else { return }
            _ = self.array(fields[.links], "$.links")
            _ = self.integer(fields[.totalCount], "$.totalCount", in: 0...Int.max)
            self.each(fields[.results], "$.results", required: true) { $0.restoreJob($1, $2) }
            return
        }
        guard let fields = self.fields(root, at: "$", as: RootField.self) else { return }
        self.each(fields[.organizations], "$.organizations") { $0.organization($1, $2) }
        self.each(fields[.projects], "$.projects") { $0.project($1, $2) }
        self.each(fields[.clusters], "$.clusters") { $0.cluster($1, $2) }
        self.each(fields[.tenantRestoreJobs], "$.tenantRestoreJobs") { $0.restoreJob($1, $2) }
        self.each(fields[.tenantSnapshots], "$.tenantSnapshots") { $0.snapshotGroup($1, $2) }
        self.each(fields[.apiKeys], "$.apiKeys") { $0.apiKey($1, $2) }
        self.each(fields[.serviceAccounts], "$.serviceAccounts") { $0.serviceAccount($1, $2) }
        self.each(fields[.faults], "$.faults") { $0.fault($1, $2) }
    }

    /// Decodes every element of the array at `path` with `body(self, element, elementPath)`.
    mutating func each(
        _ value: FixtureJSON?, _ path: String, required: Bool = false,
        _ body: (inout FixtureDecoder, FixtureJSON, String) -> Void
    ) {
        guard let elements = self.array(value, path, required: required) else { return }
        for (index, element) in elements.enumerated() {
            body(&self, element, "\(path)[\(index)]")
        }
    }

    // MARK: Organizations, projects, clusters

    private enum OrganizationField: Int, FixtureField {
        case id, name
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func organization(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: OrganizationField.self) else { return }
        let id = self.objectID(fields[.id], path + ".id", required: true)
        let name = self.string(fields[.name], path + ".name", required: true)
        guard let id, let name else { return }
        self.document.organizations.append((Organization(id: id, name: name), self.location(path)))
    }

    private enum ProjectField: Int, FixtureField {
        case id, name, orgId
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func project(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: ProjectField.self) else { return }
        let id = self.objectID(fields[.id], path + ".id", required: true)
        let name = self.string(fields[.name], path + ".name", required: true)
        let orgId = self.objectID(fields[.orgId], path + ".orgId", required: true)
        guard let id, let name, let orgId else { return }
        self.document.projects.append((Project(id: id, name: name, orgId: orgId), self.location(path)))
    }

    private enum ClusterField: Int, FixtureField {
        case flexOrigin, name, projectId, tier
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func cluster(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: ClusterField.self) else { return }
        let projectId = self.objectID(fields[.projectId], path + ".projectId", required: true)
        let name = self.clusterName(fields[.name], path + ".name", required: true)
        let origin = self.enumeration(fields[.flexOrigin], path + ".flexOrigin", as: FlexOrigin.self)
        guard let tier = self.string(fields[.tier], path + ".tier", required: true) else { return }
        let kind: ClusterKind
        if tier == ClusterTiers.flex {
            guard let origin else {
                if fields[.flexOrigin] == nil {
                    self.error(path + ".flexOrigin", "missing required field (FLEX clusters need flexOrigin)")
                }
                return
            }
            kind = .flex(origin: origin)
        } else {
            if fields[.flexOrigin] != nil { self.error(path + ".flexOrigin", "only FLEX clusters have a flexOrigin") }
            if ClusterTiers.shared.contains(tier) {
                kind = .shared(tier: tier)
            } else if ClusterTiers.dedicated.contains(tier) {
                kind = .dedicated(tier: tier)
            } else {
                self.error(
                    path + ".tier",
                    "\"\(tier)\" is not a tier (expected one of: \((ClusterTiers.shared + [ClusterTiers.flex] + ClusterTiers.dedicated).joined(separator: ", ")))"
                )
                return
            }
        }
        guard let projectId, let name else { return }
        self.document.clusters.append((Cluster(projectId: projectId, name: name, kind: kind), self.location(path)))
    }

    // MARK: Backups

    /// `TenantRestore` exactly as Atlas returns it; `links` is accepted and ignored (it is derived when served).
    private enum RestoreJobField: Int, FixtureField {
        case clusterName, deliveryType, expirationDate, id, links, projectId, restoreFinishedDate,
            restoreScheduledDate, snapshotFinishedDate, snapshotId, snapshotUrl, status, targetDeploymentItemName,
            targetProjectId
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func restoreJob(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: RestoreJobField.self) else { return }
        let id = self.objectID(fields[.id], path + ".id", required: true)
        let projectId = self.objectID(fields[.projectId], path + ".projectId", required: true)
        let clusterName = self.clusterName(fields[.clusterName], path + ".clusterName", required: true)
        let snapshotId = self.objectID(fields[.snapshotId], path + ".snapshotId", required: true)
        _ = self.array(fields[.links], path + ".links")
        var target = self.string(fields[.targetDeploymentItemName], path + ".targetDeploymentItemName")
        if let name = target, !Identifiers.isDeploymentItemName(name) {
            self.error(path + ".targetDeploymentItemName", "\"\(name)\" does not match ^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$")
            target = nil
        }
        let job = RestoreJob(
            id: id ?? "", projectId: projectId ?? "", clusterName: clusterName ?? "", snapshotId: snapshotId ?? "",
            deliveryType: self.enumeration(fields[.deliveryType], path + ".deliveryType", as: DeliveryType.self),
            status: self.enumeration(fields[.status], path + ".status", as: BackupStatus.self),
            targetDeploymentItemName: target,
            targetProjectId: self.objectID(fields[.targetProjectId], path + ".targetProjectId"),
            restoreScheduledDate: self.date(fields[.restoreScheduledDate], path + ".restoreScheduledDate"),
            restoreFinishedDate: self.date(fields[.restoreFinishedDate], path + ".restoreFinishedDate"),
            snapshotFinishedDate: self.date(fields[.snapshotFinishedDate], path + ".snapshotFinishedDate"),
            expirationDate: self.date(fields[.expirationDate], path + ".expirationDate"),
            snapshotUrl: self.string(fields[.snapshotUrl], path + ".snapshotUrl"))
        guard id != nil, projectId != nil, clusterName != nil, snapshotId != nil else { return }
        self.document.restoreJobs.append((job, self.location(path)))
    }

    /// Atlas's snapshot objects do not name their cluster, so fixtures group them under one.
    private enum SnapshotGroupField: Int, FixtureField {
        case clusterName, projectId, snapshots
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func snapshotGroup(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: SnapshotGroupField.self) else { return }
        let projectId = self.objectID(fields[.projectId], path + ".projectId", required: true)
        let clusterName = self.clusterName(fields[.clusterName], path + ".clusterName", required: true)
        self.each(fields[.snapshots], path + ".snapshots", required: true) { decoder, element, elementPath in
            decoder.snapshot(element, elementPath, projectId: projectId, clusterName: clusterName)
        }
    }

    /// `BackupTenantSnapshot` exactly as Atlas returns it; `links` is accepted and ignored.
    private enum SnapshotField: Int, FixtureField {
        case expiration, finishTime, id, links, mongoDBVersion, scheduledTime, startTime, status
        static let names = FixtureFieldNames(Self.self)
    }

    private mutating func snapshot(_ value: FixtureJSON, _ path: String, projectId: String?, clusterName: String?) {
        guard let fields = self.fields(value, at: path, as: SnapshotField.self) else { return }
        let id = self.objectID(fields[.id], path + ".id", required: true)
        _ = self.array(fields[.links], path + ".links")
        let snapshot = TenantSnapshot(
            id: id ?? "", projectId: projectId ?? "", clusterName: clusterName ?? "",
            status: self.enumeration(fields[.status], path + ".status", as: BackupStatus.self),
            mongoDBVersion: self.string(fields[.mongoDBVersion], path + ".mongoDBVersion"),
            scheduledTime: self.date(fields[.scheduledTime], path + ".scheduledTime"),
            startTime: self.date(fields[.startTime], path + ".startTime"),
            finishTime: self.date(fields[.finishTime], path + ".finishTime"),
            expiration: self.date(fields[.expiration], path + ".expiration"))
        guard id != nil, projectId != nil, clusterName != nil else { return }
        // The group's path names the cluster in errors about the snapshot's references.
        self.document.snapshots.append((snapshot, self.location(path)))
    }

    // MARK: Credentials

    private enum APIKeyField: Int, FixtureField {
        case accessList, description, orgId, privateKey, publicKey, roles
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func apiKey(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: APIKeyField.self) else { return }
        let publicKey = self.string(fields[.publicKey], path + ".publicKey", required: true)
        let privateKey = self.string(fields[.privateKey], path + ".privateKey", required: true)
        let orgId = self.objectID(fields[.orgId], path + ".orgId", required: true)
        let description = self.string(fields[.description], path + ".description")
        let roles = self.roles(fields[.roles], path + ".roles", orgId: orgId)
        let accessList = self.accessList(fields[.accessList], path + ".accessList")
        if let publicKey, publicKey.isEmpty || publicKey.contains(":") || publicKey.contains("\"") {
            self.error(path + ".publicKey", "must be non-empty, without ':' or '\"' (it is the Digest user name)")
            return
        }
        guard let publicKey, let privateKey, let orgId, let roles, let accessList else { return }
        self.document.apiKeys.append(
            (
                APIKey(
                    publicKey: publicKey, privateKey: privateKey, orgId: orgId, description: description, roles: roles,
                    accessList: accessList), self.location(path)
            ))
    }

    private enum ServiceAccountField: Int, FixtureField {
        case accessList, clientId, clientSecret, name, orgId, roles
        static let names = FixtureFieldNames(Self.self)
    }

    mutating func serviceAccount(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: ServiceAccountField.self) else { return }
        let clientId = self.string(fields[.clientId], path + ".clientId", required: true)
        let clientSecret = self.string(fields[.clientSecret], path + ".clientSecret", required: true)
        let orgId = self.objectID(fields[.orgId], path + ".orgId", required: true)
        let name = self.string(fields[.name], path + ".name")
        let roles = self.roles(fields[.roles], path + ".roles", orgId: orgId)
        let accessList = self.accessList(fields[.accessList], path + ".accessList")
        if let clientId, clientId.isEmpty || clientId.contains(":") {
            self.error(path + ".clientId", "must be non-empty, without ':' (it is the Basic auth user name)")
            return
        }
        guard let clientId, let clientSecret, let orgId, let roles, let accessList else { return }
        self.document.serviceAccounts.append(
            (
                ServiceAccount(
                    clientId: clientId, clientSecret: clientSecret, orgId: orgId, name: name, roles: roles,
                    accessList: accessList), self.location(path)
            ))
    }

    private enum RoleField: Int, FixtureField {
        case groupId, orgId, roleName
        static let names = FixtureFieldNames(Self.self)
    }

    /// Atlas's role list: `{orgId, roleName}` for the credential's own organization, `{groupId, roleName}` for a
    /// project. Project ids are checked to exist by the validator.
    private mutating func roles(_ value: FixtureJSON?, _ path: String, orgId: String?) -> RoleAssignments? {
        var roles = RoleAssignments(orgRoles: [], projectRoles: [:])
        var valid = true
        self.each(value, path, required: true) { decoder, element, rolePath in
            guard let fields = decoder.fields(element, at: rolePath, as: RoleField.self) else {
                valid = false
                return
            }
            let roleName = decoder.string(fields[.roleName], rolePath + ".roleName", required: true)
            switch (fields[.orgId], fields[.groupId]) {
            case (let org?, nil):
                guard let roleOrg = decoder.objectID(org, rolePath + ".orgId"), let roleName else { break }
                if let orgId, roleOrg != orgId {
                    decoder.error(rolePath + ".orgId", "\"\(roleOrg)\" is not the credential's organization \"\(orgId)\"")
                } else if !AtlasRoles.organization.contains(roleName) {
                    decoder.error(
                        rolePath + ".roleName",
                        "\"\(roleName)\" is not an organization role (expected one of: \(AtlasRoles.organization.joined(separator: ", ")))")
                } else {
                    roles.orgRoles.append(roleName)
                    return
                }
            case (nil, let group?):
                guard let groupId = decoder.objectID(group, rolePath + ".groupId"), let roleName else { break }
                if AtlasRoles.project.contains(roleName) {
                    roles.projectRoles[groupId, default: []].append(roleName)
                    return
                }
                decoder.error(
                    rolePath + ".roleName",
                    "\"\(roleName)\" is not a project role (expected one of: \(AtlasRoles.project.joined(separator: ", ")))")
            default:
                decoder.error(rolePath, "a role needs exactly one of orgId or groupId")
            }
            valid = false
        }
        return valid && value != nil ? roles : nil
    }

    private enum AccessListField: Int, FixtureField {
        case cidrBlock, ipAddress
        static let names = FixtureFieldNames(Self.self)
    }

    /// Atlas's access list entries: `{ipAddress}` or `{cidrBlock}`. Absent means no restriction.
    private mutating func accessList(_ value: FixtureJSON?, _ path: String) -> [AccessListEntry]? {
        guard value != nil else { return [] }
        var entries: [AccessListEntry] = []
        var valid = true
        self.each(value, path) { decoder, element, entryPath in
            guard let fields = decoder.fields(element, at: entryPath, as: AccessListField.self) else {
                valid = false
                return
            }
            switch (fields[.ipAddress], fields[.cidrBlock]) {
            case (let address?, nil):
                guard let text = decoder.string(address, entryPath + ".ipAddress") else { break }
                if !text.contains("/"), let entry = AccessListEntry(text) {
                    entries.append(entry)
                    return
                }
                decoder.error(entryPath + ".ipAddress", "\"\(text)\" is not an IP address")
            case (nil, let block?):
                guard let text = decoder.string(block, entryPath + ".cidrBlock") else { break }
                if text.contains("/"), let entry = AccessListEntry(text) {
                    entries.append(entry)
                    return
                }
                decoder.error(entryPath + ".cidrBlock", "\"\(text)\" is not a CIDR block")
            default:
                decoder.error(entryPath, "an access list entry needs exactly one of ipAddress or cidrBlock")
            }
            valid = false
        }
        return valid ? entries : nil
    }
}
