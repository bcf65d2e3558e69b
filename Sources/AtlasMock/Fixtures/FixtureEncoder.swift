import FoundationEssentials

/// Writes fixtures in the fixture format (what `GET /__admin/state` answers), so a dump loads back unchanged.
enum FixtureEncoder {
    static func encode(_ fixtures: Fixtures) -> JSONValue {
        let dataset = fixtures.dataset
        var groups: [(key: ClusterKey, snapshots: [TenantSnapshot])] = []
        for snapshot in dataset.snapshots {
            let key = ClusterKey(projectId: snapshot.projectId, name: snapshot.clusterName)
            if groups.last?.key == key {
                groups[groups.count - 1].snapshots.append(snapshot)
            } else {
                groups.append((key, [snapshot]))
            }
        }
        return .object([
            "organizations": .array(
                dataset.organizations.map { .object(["id": .string($0.id), "name": .string($0.name)]) }),
            "projects": .array(
                dataset.projects.map {
                    .object(["id": .string($0.id), "name": .string($0.name), "orgId": .string($0.orgId)])
                }),
            "clusters": .array(dataset.clusters.map(Self.cluster)),
            "tenantSnapshots": .array(
                groups.map {
                    .object([
                        "projectId": .string($0.key.projectId), "clusterName": .string($0.key.name),
                        "snapshots": .array($0.snapshots.map(Self.snapshot)),
                    ])
                }),
            "tenantRestoreJobs": .array(dataset.restoreJobs.map(Self.restoreJob)),
            "apiKeys": .array(
                dataset.apiKeys.map {
                    .compactObject([
                        "publicKey": .string($0.publicKey), "privateKey": .string($0.privateKey),
                        "orgId": .string($0.orgId), "description": $0.description.map { .string($0) },
                        "roles": Self.roles($0.roles, orgId: $0.orgId), "accessList": Self.accessList($0.accessList),
                    ])
                }),
            "serviceAccounts": .array(
                dataset.serviceAccounts.map {
                    .compactObject([
                        "clientId": .string($0.clientId), "clientSecret": .string($0.clientSecret),
                        "orgId": .string($0.orgId), "name": $0.name.map { .string($0) },
                        "roles": Self.roles($0.roles, orgId: $0.orgId), "accessList": Self.accessList($0.accessList),
                    ])
                }),
            "faults": .array(fixtures.faults.map(Self.fault)),
        ])
    }

    private static func cluster(_ cluster: Cluster) -> JSONValue {
        var members: [String: JSONValue] = [
            "projectId": .string(cluster.projectId), "name": .string(cluster.name),
            "tier": .string(cluster.kind.tierName),
        ]
        if case .flex(let origin) = cluster.kind { members["flexOrigin"] = .string(origin.rawValue) }
        return .object(members)
    }

    private static func date(_ date: Date?) -> JSONValue? { date.map { .string(AtlasDate.format($0)) } }

    private static func snapshot(_ snapshot: TenantSnapshot) -> JSONValue {
        .compactObject([
            "id": .string(snapshot.id), "status": snapshot.status.map { .string($0.rawValue) },
            "mongoDBVersion": snapshot.mongoDBVersion.map { .string($0) },
            "scheduledTime": Self.date(snapshot.scheduledTime), "startTime": Self.date(snapshot.startTime),
            "finishTime": Self.date(snapshot.finishTime), "expiration": Self.date(snapshot.expiration),
        ])
    }

    private static func restoreJob(_ job: RestoreJob) -> JSONValue {
        .compactObject([
            "id": .string(job.id), "projectId": .string(job.projectId), "clusterName": .string(job.clusterName),
            "snapshotId": .string(job.snapshotId), "deliveryType": job.deliveryType.map { .string($0.rawValue) },
            "status": job.status.map { .string($0.rawValue) },
            "targetDeploymentItemName": job.targetDeploymentItemName.map { .string($0) },
            "targetProjectId": job.targetProjectId.map { .string($0) },
            "restoreScheduledDate": Self.date(job.restoreScheduledDate),
            "restoreFinishedDate": Self.date(job.restoreFinishedDate),
            "snapshotFinishedDate": Self.date(job.snapshotFinishedDate),
            "expirationDate": Self.date(job.expirationDate), "snapshotUrl": job.snapshotUrl.map { .string($0) },
        ])
    }

    private static func roles(_ roles: RoleAssignments, orgId: String) -> JSONValue {
        let organization = roles.orgRoles.map { JSONValue.object(["orgId": .string(orgId), "roleName": .string($0)]) }
        let projects = roles.projectRoles.keys.sorted().flatMap { projectId in
            roles.projectRoles[projectId]!.map {
                JSONValue.object(["groupId": .string(projectId), "roleName": .string($0)])
            }
        }
        return .array(organization + projects)
    }

    private static func accessList(_ entries: [AccessListEntry]) -> JSONValue {
        .array(
            entries.map {
                $0.description.contains("/")
                    ? .object(["cidrBlock": .string($0.description)]) : .object(["ipAddress": .string($0.description)])
            })
    }

    static func fault(_ rule: FaultRule) -> JSONValue {
        var members: [String: JSONValue?] = [
            "id": .string(rule.id), "method": rule.method.map { .string($0) }, "path": .string(rule.path),
            "principal": rule.principal.map { .string($0) }, "times": rule.times.map { .int($0) },
        ]
        switch rule.action {
        case .error(let code, let parameters):
            members["errorCode"] = .string(code.rawValue)
            members["parameters"] = parameters.map { .array($0.map(\.json)) }
            if code.status == 429 {
                members["retryAfterSeconds"] = .int(rule.retryAfterSeconds)
                members["rateLimit"] = .int(rule.rateLimit)
            }
        case .dropConnection: members["dropConnection"] = .bool(true)
        case .failRestoreJobs: members["failRestoreJobs"] = .bool(true)
        case .proceed: break
        }
        if let delay = rule.delay {
            members["delayMs"] = .int(delay.lowerBound)
            if delay.upperBound != delay.lowerBound { members["delayMaxMs"] = .int(delay.upperBound) }
        }
        if rule.percentage != 100 { members["percentage"] = .int(rule.percentage) }
        return .compactObject(members)
    }
}
