import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import Testing

@testable import AtlasMock

@Suite struct DefaultFixturesTests {
    @Test func embeddedFilesAreByteIdenticalToFixturesDefault() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/default")
            .standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names == DefaultFixtures.files.map(\.name), "list every file of fixtures/default in DefaultFixtures.swift")
        for file in DefaultFixtures.files {
            let onDisk = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file.name)))
            #expect(onDisk == file.json, "\(file.name) differs from what the binary serves")
        }
    }

    @Test func defaultFilesLoadFromDiskLikeTheEmbeddedCopy() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/default")
            .standardized.path
        let loaded = try FixtureLoader.load(paths: [directory])
        #expect(loaded.dataset == Fixtures.default.dataset)
        #expect(loaded.faults == Fixtures.default.faults)
    }

    @Test func cluster0HasAJobInEveryStatusAndBothDeliveryTypes() throws {
        let jobs = Fixtures.default.dataset.restoreJobs.filter { $0.clusterName == "Cluster0" }
        #expect(Set(jobs.compactMap(\.status)) == Set(BackupStatus.allCases))
        #expect(Set(jobs.compactMap(\.deliveryType)) == Set(DeliveryType.allCases))
        let snapshots = Fixtures.default.dataset.snapshots.filter { $0.clusterName == "Cluster0" }
        for job in jobs {
            let snapshot = try #require(snapshots.first { $0.id == job.snapshotId })
            #expect(job.snapshotFinishedDate == snapshot.finishTime)
            if job.deliveryType == .download {
                #expect(job.snapshotUrl != nil)
                #expect(job.expirationDate == job.restoreScheduledDate?.addingTimeInterval(4 * 3600))
            } else {
                // As created restores get (recorded on Flex: restoreScheduledDate + 6 h).
                #expect(job.expirationDate == job.restoreScheduledDate?.addingTimeInterval(6 * 3600))
            }
        }
        for snapshot in snapshots {
            #expect(snapshot.expiration == snapshot.scheduledTime?.addingTimeInterval(8 * 86_400))
            #expect(snapshot.mongoDBVersion?.hasPrefix("8.0.") == true)
        }
    }

    /// Every documented outcome of GET …/backup/tenant/restores, from the default dataset alone.
    @Test(arguments: [
        ("Cluster0", "mockpublic", "mock-private-key-0000", "127.0.0.1", Atlas.projectId, 200, nil),
        ("MigratedFlex0", "mockpublic", "mock-private-key-0000", "127.0.0.1", Atlas.projectId, 200, nil),
        ("Cluster1", "mdb_sa_id_mock", "", "127.0.0.1", Atlas.projectId, 200, nil),
        ("FlexCluster0", "mockpublic", "mock-private-key-0000", "127.0.0.1", Atlas.projectId, 400, "CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API"),
        ("OtherCluster0", "mockpublic", "mock-private-key-0000", "127.0.0.1", Atlas.otherProjectId, 401, "NOT_IN_GROUP"),
        ("Cluster0", "mocknorole", "mock-norole-key-0000", "127.0.0.1", Atlas.projectId, 401, "USER_UNAUTHORIZED"),
        ("Cluster0", "mockblocked", "mock-blocked-key-0000", "127.0.0.1", Atlas.projectId, 403, "IP_ADDRESS_NOT_ON_ACCESS_LIST"),
        ("Cluster0", "mockblocked", "mock-blocked-key-0000", "203.0.113.9", Atlas.projectId, 200, nil),
        ("NoSuchCluster", "mockpublic", "mock-private-key-0000", "127.0.0.1", Atlas.projectId, 404, "CLUSTER_NOT_FOUND"),
        ("Faulty0", "mockpublic", "mock-private-key-0000", "127.0.0.1", Atlas.projectId, 500, "UNEXPECTED_ERROR"),
        ("Dedicated0", "mockowner", "mock-owner-key-0000", "127.0.0.1", Atlas.projectId, 400, "VALIDATION_ERROR"),
    ] as [(String, String, String, String, String, Int, String?)])
    func documentedOutcome(
        cluster: String, user: String, password: String, remoteAddress: String, project: String, status: Int,
        errorCode: String?
    ) async throws {
        let atlas = TestSupport.defaultAtlas()
        let target = Atlas.restores(cluster, project: project)
        let response: HTTPServerResponse?
        if user.hasPrefix("mdb_sa_") {
            response = try await Self.bearerResponse(atlas, target)
        } else {
            response = await TestSupport.digestResponse(atlas, target, user: user, password: password, remoteAddress: remoteAddress)
        }
        let unwrapped = try #require(response)
        #expect(unwrapped.head.status.code == status)
        let body = TestSupport.json(unwrapped)
        #expect(body["errorCode"] as? String == errorCode)
        if status == 200 {
            let expected = Fixtures.default.dataset.restoreJobs.filter { $0.clusterName == cluster }.count
            #expect(body["totalCount"] as? Int == expected)
        }
    }

    @Test func cluster0ListsSixJobsNewestFirst() async throws {
        let atlas = TestSupport.defaultAtlas()
        let body = TestSupport.json(await TestSupport.digestResponse(atlas, Atlas.restores("Cluster0")))
        let results = try #require(body["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? String } == ["PENDING", "QUEUED", "RUNNING", "FAILED", "COMPLETED", "COMPLETED"])
    }

    static func bearerResponse(_ atlas: FakeAtlas, _ target: String) async throws -> HTTPServerResponse? {
        let basic = Data("mdb_sa_id_mock:mdb_sa_sk_mock".utf8).base64EncodedString()
        let tokenResponse = await TestSupport.response(
            atlas,
            TestSupport.request(
                .post, "/api/oauth/token", headers: [.authorization: "Basic " + basic], body: "grant_type=client_credentials"))
        let token = try #require(TestSupport.json(tokenResponse)["access_token"] as? String)
        return await TestSupport.response(
            atlas,
            TestSupport.request(.get, target, headers: [.authorization: "Bearer " + token, .accept: Atlas.tenantMediaType]))
    }
}
