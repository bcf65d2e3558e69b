import AtlasMockTestSupport
import Foundation
import Testing

/// The M2/M5 → Flex migration walked over the clock with the sunset enforced, and bad input to the new operations.
@Suite("Cluster migration and bad input over the wire", .timeLimit(.minutes(2)))
struct ClusterMigrationAndInputTests {
    typealias Flows = ClusterFlowTests

    /// Before the migration, between it and the cutoff, after the cutoff: the same restore job ids through both
    /// backup APIs until the tenant one answers 410.
    @Test func theMigrationStoryOverTheClock() async throws {
        let arguments = [
            "--clock", "2025-03-01T00:00:00Z", "--freeze-clock", "--enforce-sunset", "--shared-tier-migration", "2025-04-02",
        ]
        try await withAtlasMock(arguments) { server in
            let tenant = Atlas.restores("Cluster0")
            let flex = Atlas.flexRestoreJobs("Cluster0")
            func ids(_ response: ClientResponse) throws -> [String] {
                try #require(try response.json()["results"] as? [[String: Any]], "\(response)").compactMap { $0["id"] as? String }
            }
            let before = try await Flows.call(server, "GET", tenant, Atlas.tenantAccept, key: Atlas.readOnlyKey)
            #expect(try ids(before) == Atlas.cluster0JobIds)
            let flexBefore = try await Flows.call(server, "GET", flex, key: Atlas.readOnlyKey)
            #expect(flexBefore.status == 400 && flexBefore.header("X-Error-Code") == "CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API")
            let m2 = try await Flows.call(server, "GET", Flows.group + "/clusters/Cluster0", Flows.v20240805, key: Atlas.readOnlyKey)
            #expect(m2.body.contains(#""electableSpecs":{"effectiveInstanceSize":"M2","instanceSize":"M2","diskSizeGB":2.0}"#), "\(m2)")

            // 2025-04-02: Cluster0 is a Flex cluster now, with the same id and jobs.
            try await Flows.advance(server, 33 * 86_400)
            let flexAfter = try await Flows.call(server, "GET", flex, key: Atlas.readOnlyKey)
            #expect(try ids(flexAfter) == Atlas.cluster0JobIds)
            let tenantAfter = try await Flows.call(server, "GET", tenant, Atlas.tenantAccept, key: Atlas.readOnlyKey)
            #expect(try ids(tenantAfter) == Atlas.cluster0JobIds)
            let migrated = try await Flows.call(server, "GET", Flows.group + "/flexClusters/Cluster0", key: Atlas.readOnlyKey)
            #expect(try migrated.json()["id"] as? String == (try m2.json()["id"] as? String), "\(migrated)")
            let stillTenantForm = try await Flows.call(server, "GET", Flows.group + "/clusters/Cluster0", Flows.v20240805, key: Atlas.readOnlyKey)
            #expect(stillTenantForm.body.contains(#""effectiveInstanceSize":"FLEX","instanceSize":"M2""#), "\(stillTenantForm)")

            // 2026-01-22: the tenant endpoints are gone; the Flex ones serve on; the clusters API lets Flex go.
            let cutoff = try await admin("PUT", server.url + "/__admin/clock", #"{"now":"2026-01-22T00:00:00Z"}"#)
            #expect(cutoff.status == 200)
            let gone = try await Flows.call(server, "GET", tenant, Atlas.tenantAccept, key: Atlas.readOnlyKey)
            #expect(gone.status == 410 && gone.header("X-Error-Code") == "VERSION_GONE", "\(gone)")
            let flexLater = try await Flows.call(server, "GET", flex, key: Atlas.readOnlyKey)
            #expect(try ids(flexLater) == Atlas.cluster0JobIds)
            let onClusters = try await Flows.call(server, "GET", Flows.group + "/clusters/Cluster0", Flows.v20240805, key: Atlas.readOnlyKey)
            #expect(onClusters.body == Flows.flexClusterAPIError("Cluster0"))
            let m5 = try await Flows.call(
                server, "POST", Flows.group + "/clusters", Flows.v20241023,
                Flows.m0Body("late-m5").replacing(#""instanceSize":"M0""#, with: #""instanceSize":"M5""#))
            #expect(m5.status == 400 && m5.header("X-Error-Code") == "VALIDATION_ERROR", "\(m5)")
        }
    }

    @Test func theAdminRouteMigratesAtOnce() async throws {
        try await withAtlasMock(Flows.arguments) { server in
            let migrated = try await admin("POST", server.url + "/__admin/shared-tier-migration")
            #expect(migrated.status == 200, "\(migrated)")
            #expect(
                migrated.body
                    == #"{"migrated":["32b6e34b3d91647abb20e7b8/Cluster0","32b6e34b3d91647abb20e7b8/Cluster1","32b6e34b3d91647abb20e7b8/Faulty0","6a1f0c9e2b7d4a3c5e8f1b21/OtherCluster0"]}"# + "\n")
            let state = try await admin("GET", server.url + "/__admin/state")
            #expect(state.body.contains(#""flexOrigin":"migratedFromShared","id":"#))
            let flex = try await Flows.call(server, "GET", Atlas.flexRestoreJobs("Cluster0"), key: Atlas.readOnlyKey)
            #expect(flex.status == 200, "\(flex)")
        }
    }

    @Test(arguments: [
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"},"colour":"red"}"#,
         #"{"detail":"Invalid attribute colour specified.","error":400,"errorCode":"INVALID_ATTRIBUTE","parameters":["colour"],"reason":"Bad Request"}"#),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1","providerName":"TENANT"}}"#,
         #"{"detail":"The attribute providerSettings.providerName is read-only and cannot be changed by the user.","error":400,"errorCode":"ATTRIBUTE_READ_ONLY","parameters":["providerSettings.providerName"],"reason":"Bad Request"}"#),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"},"stateName":"IDLE"}"#,
         #"{"detail":"Invalid attribute stateName specified.","error":400,"errorCode":"INVALID_ATTRIBUTE","parameters":["stateName"],"reason":"Bad Request"}"#),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"},"tags":"env"}"#,
         #"{"detail":"Received JSON for the tags attribute does not match expected format.","error":400,"errorCode":"INVALID_JSON_ATTRIBUTE","parameters":["tags"],"reason":"Bad Request"}"#),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"ORACLE","regionName":"US_EAST_1"}}"#,
         #"{"detail":"An invalid enumeration value ORACLE was specified.","error":400,"errorCode":"INVALID_ENUM_VALUE","parameters":["ORACLE"],"reason":"Bad Request"}"#),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"GCP","regionName":"US_EAST_1"}}"#,
         #"{"detail":"No region US_EAST_1 exists for provider GCP.","error":400,"errorCode":"INVALID_REGION","parameters":["US_EAST_1","GCP"],"reason":"Bad Request"}"#),
        (#"{"name":"f_1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#,
         #"{"detail":"The cluster name f_1 is invalid. The name can only contain ASCII letters, numbers, and hyphens.","error":400,"errorCode":"CLUSTER_NAME_INVALID","parameters":["f_1"],"reason":"Bad Request"}"#),
        (#"{"name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#,
         #"{"detail":"Cluster name aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa is limited to 64 characters.","error":400,"errorCode":"CLUSTER_NAME_TOO_LONG","parameters":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",64],"reason":"Bad Request"}"#),
        (#"{"providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#,
         #"{"detail":"The required attribute name was not specified.","error":400,"errorCode":"MISSING_ATTRIBUTE","parameters":["name"],"reason":"Bad Request"}"#),
        (#"{"name":"#,
         #"{"detail":"Received JSON is malformed.","error":400,"errorCode":"MALFORMED_JSON","parameters":[],"reason":"Bad Request"}"#),
    ])
    func badFlexCreateBodies(body: String, expected: String) async throws {
        try await withAtlasMock(Flows.arguments) { server in
            let response = try await Flows.call(server, "POST", Flows.group + "/flexClusters", Atlas.flexAccept, body)
            expectAtlasError(response, status: 400, body: expected, deprecated: false)
        }
    }

    @Test func badClusterAndProjectBodiesAndRoles() async throws {
        try await withAtlasMock(Flows.arguments) { server in
            let unknownProvider = try await Flows.call(
                server, "POST", Flows.group + "/clusters", Flows.v20241023,
                #"{"name":"d1","replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M10"},"providerName":"IBM","regionName":"US_EAST_1"}]}]}"#)
            expectAtlasError(
                unknownProvider, status: 400,
                body: #"{"detail":"No provider IBM exists.","error":400,"errorCode":"INVALID_PROVIDER","parameters":["IBM"],"reason":"Bad Request"}"#,
                deprecated: false)
            let readOnly = try await Flows.call(
                server, "POST", Flows.group + "/clusters", Flows.v20241023, Flows.m0Body("m0x"), key: Atlas.readOnlyKey)
            #expect(readOnly.status == 401 && readOnly.header("X-Error-Code") == "USER_UNAUTHORIZED", "\(readOnly)")
            let flexByReader = try await Flows.call(
                server, "POST", Flows.group + "/flexClusters", Atlas.flexAccept, Flows.flexBody("fx"), key: Atlas.readOnlyKey)
            #expect(flexByReader.status == 401)
            let badGroup = try await Flows.call(
                server, "POST", "/api/atlas/v2/groups", Atlas.tenantAccept, #"{"name":"a/b","orgId":"5f1d2c3b4a5e6f7081928374"}"#)
            expectAtlasError(
                badGroup, status: 400,
                body: #"{"detail":"An invalid group name \"a/b\" was specified.","error":400,"errorCode":"INVALID_GROUP_NAME","parameters":["a/b"],"reason":"Bad Request"}"#,
                deprecated: false)
            let changedReadOnly = try await Flows.call(
                server, "POST", "/api/atlas/v2/groups", Atlas.tenantAccept,
                #"{"clusterCount":3,"name":"p","orgId":"5f1d2c3b4a5e6f7081928374"}"#)
            #expect(changedReadOnly.status == 400 && changedReadOnly.header("X-Error-Code") == "ATTRIBUTE_READ_ONLY")
            let tenantPatch = try await Flows.call(
                server, "PATCH", Flows.group + "/clusters/Cluster0", Flows.v20241023, #"{"paused":true}"#)
            expectAtlasError(
                tenantPatch, status: 400,
                body: #"{"detail":"Cannot update a M0/Flex cluster through the public API.","error":400,"errorCode":"TENANT_CLUSTER_UPDATE_UNSUPPORTED","parameters":[],"reason":"Bad Request"}"#,
                deprecated: false)
            let closeWithClusters = try await Flows.call(server, "DELETE", Flows.group, Atlas.tenantAccept)
            #expect(closeWithClusters.status == 409 && closeWithClusters.header("X-Error-Code") == "CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS")
        }
    }

    /// A dedicated cluster: update → UPDATING; termination protection refuses the delete; update while deleting.
    @Test func dedicatedClusterUpdateProtectionAndDeletion() async throws {
        try await withAtlasMock(Flows.arguments) { server in
            let path = Flows.group + "/clusters"
            let body = #"{"name":"d1","clusterType":"REPLICASET","terminationProtectionEnabled":true,"replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M10","nodeCount":3},"priority":7,"providerName":"AWS","regionName":"US_EAST_1"}],"zoneName":"Zone 1"}]}"#
            let created = try await Flows.call(server, "POST", path, Flows.v20241023, body)
            #expect(created.status == 201 && created.body.contains(#""electableSpecs":{"diskIOPS":3000,"diskSizeGB":10.0,"ebsVolumeType":"STANDARD","instanceSize":"M10","nodeCount":3}"#), "\(created)")
            try await Flows.advance(server, 30)
            let protected = try await Flows.call(server, "DELETE", path + "/d1", Flows.v20230201)
            expectAtlasError(
                protected, status: 400,
                body: #"{"detail":"Cannot terminate a cluster when termination protection is enabled. Disable termination protection and try again.","error":400,"errorCode":"CANNOT_TERMINATE_CLUSTER_WHEN_TERMINATION_PROTECTION_ENABLED","parameters":["Cannot terminate cluster d1 in group 32b6e34b3d91647abb20e7b8 because termination protection is enabled. Disable termination protection and try again."],"reason":"Bad Request"}"#,
                deprecated: false)
            let updated = try await Flows.call(server, "PATCH", path + "/d1", Flows.v20241023, #"{"terminationProtectionEnabled":false,"pitEnabled":true}"#)
            #expect(try updated.json()["stateName"] as? String == "UPDATING" && (try updated.json()["pitEnabled"] as? Bool) == true, "\(updated)")
            let deleted = try await Flows.call(server, "DELETE", path + "/d1", Flows.v20230201)
            #expect(deleted.status == 202, "\(deleted)")
            let late = try await Flows.call(server, "PATCH", path + "/d1", Flows.v20241023, #"{"pitEnabled":false}"#)
            expectAtlasError(
                late, status: 400,
                body: #"{"detail":"Reason: This cluster is currently being deleted, cannot update.","error":400,"errorCode":"ATLAS_GENERAL_ERROR","parameters":["This cluster is currently being deleted, cannot update"],"reason":"Bad Request"}"#,
                deprecated: false)
        }
    }

    /// Two creates of one name at once, through both APIs: exactly one 201, the other `DUPLICATE_CLUSTER_NAME`.
    @Test func concurrentCreatesOfOneNameMakeOneCluster() async throws {
        try await withAtlasMock(Flows.arguments) { server in
            let base = server.url
            func create(_ path: String, _ accept: String, _ body: String) async throws -> ClientResponse {
                try await Client.curl(
                    .http1, "POST", base + path,
                    Atlas.ownerKey + ["--header", accept, "--header", "Content-Type: application/json", "--data", body])
            }
            for round in 0..<5 {
                let name = "race-\(round)"
                async let flex = create(Flows.group + "/flexClusters", Atlas.flexAccept, Flows.flexBody(name))
                async let tenant = create(Flows.group + "/clusters", Flows.v20241023, Flows.m0Body(name))
                let statuses = try await [flex.status, tenant.status].sorted()
                #expect(statuses == [201, 400], "round \(round)")
                let failed = try await [flex, tenant].first { $0.status == 400 }
                #expect(failed?.header("X-Error-Code") == "DUPLICATE_CLUSTER_NAME")
                if let created = try await [flex, tenant].first(where: { $0.status == 201 }), created.body.contains("TENANT") {
                    // One M0 per project: delete it so the next round's M0 may be made.
                    try await Flows.advance(server, 10)
                    _ = try await Flows.call(server, "DELETE", Flows.group + "/clusters/" + name, Flows.v20230201)
                    try await Flows.advance(server, 10)
                }
            }
        }
    }
}
