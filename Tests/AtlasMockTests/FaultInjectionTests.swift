import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import AtlasMock

@Suite struct FaultInjectionTests {
    static let cluster0 = Atlas.restores("Cluster0")

    static func addFault(_ atlas: FakeAtlas, _ json: String) async -> HTTPServerResponse? {
        await TestSupport.admin(atlas, .post, "/__admin/faults", body: json)
    }

    @Test(arguments: [
        ("UNEXPECTED_ERROR", 500, #"{"detail":"Unexpected error.","error":500,"errorCode":"UNEXPECTED_ERROR","parameters":[],"reason":"Internal Server Error"}"#),
        ("SERVICE_UNAVAILABLE", 503, #"{"detail":"Service unavailable.","error":503,"errorCode":"SERVICE_UNAVAILABLE","parameters":[],"reason":"Service Unavailable"}"#),
    ])
    func answersACatalogError(code: String, status: Int, body: String) async throws {
        let atlas = TestSupport.defaultAtlas()
        #expect(await Self.addFault(atlas, #"{"path":"/api/atlas/v2/groups/*/clusters/Cluster0/**","errorCode":"\#(code)"}"#)?.head.status.code == 201)
        let response = try #require(await TestSupport.digestResponse(atlas, Self.cluster0))
        #expect(response.head.status.code == status)
        #expect(TestSupport.text(response) == body)
        #expect(response.head.headerFields[HTTPField.Name("X-Error-Code")!] == code)
    }

    /// A `failRestoreJobs` rule lets the create through (200, PENDING) and the job then ends FAILED, not COMPLETED.
    @Test func failRestoreJobsMakesCreatedJobsEndFailed() async throws {
        let atlas = TestSupport.defaultAtlas { $0.clock = .frozen(Date(timeIntervalSince1970: 1_800_000_000)) }
        let create = "/api/atlas/v2/groups/\(Atlas.projectId)/clusters/Cluster0/backup/tenant/restore"
        let rule = #"{"method":"POST","path":"/api/atlas/v2/groups/*/clusters/Cluster0/backup/tenant/restore","failRestoreJobs":true,"times":1}"#
        #expect(await Self.addFault(atlas, rule)?.head.status.code == 201)
        let snapshots = try #require(
            await TestSupport.digestResponse(
                atlas, "/api/atlas/v2/groups/\(Atlas.projectId)/clusters/Cluster0/backup/tenant/snapshots"))
        let snapshot = try #require((TestSupport.json(snapshots)["results"] as? [[String: Any]])?.first?["id"] as? String)
        func restore(into target: String) async throws -> [String: Any] {
            guard
                case .response(let response) = await TestSupport.digest(
                    atlas, .post, create, user: "mockowner", password: "mock-owner-key-0000",
                    body: #"{"snapshotId":"\#(snapshot)","targetDeploymentItemName":"\#(target)"}"#)
            else { throw CancellationError() }
            #expect(response.head.status.code == 200)
            return TestSupport.json(response)
        }
        let failing = try await restore(into: "Dedicated0")
        let normal = try await restore(into: "MigratedFlex0")
        #expect(failing["status"] as? String == "PENDING")
        atlas.clock.advance(by: 60)
        func status(_ job: [String: Any]) async -> String? {
            let id = job["id"] as? String ?? ""
            let response = await TestSupport.digestResponse(atlas, Atlas.restores("Cluster0") + "/" + id)
            return TestSupport.json(response)["status"] as? String
        }
        #expect(await status(failing) == "FAILED")
        #expect(await status(normal) == "COMPLETED")
    }

    @Test func rateLimitCarriesRetryAfterAndRateLimitHeaders() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await Self.addFault(atlas, #"{"path":"/**","errorCode":"RATE_LIMITED_TOKEN_BUCKET","retryAfterSeconds":55,"rateLimit":10}"#)
        let response = try #require(await TestSupport.digestResponse(atlas, Self.cluster0))
        #expect(response.head.status.code == 429)
        #expect(response.head.headerFields[HTTPField.Name("Retry-After")!] == "55")
        #expect(response.head.headerFields[HTTPField.Name("RateLimit-Limit")!] == "10")
        #expect(response.head.headerFields[HTTPField.Name("RateLimit-Remaining")!] == "0")
        let resource = String(Self.cluster0.dropFirst())
        #expect(
            TestSupport.json(response)["detail"] as? String
                == "Rate limit exceeded for \(resource). Please retry after 55 seconds. Request capacity: 10. Refill rate: 10 per 60 seconds.")
    }

    @Test func appliesForTheNextNMatchesOnly() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await Self.addFault(atlas, #"{"method":"GET","path":"/**/restores","errorCode":"UNEXPECTED_ERROR","times":2}"#)
        var statuses: [Int] = []
        for _ in 0..<3 { statuses.append(await TestSupport.digestResponse(atlas, Self.cluster0)?.head.status.code ?? 0) }
        #expect(statuses == [500, 500, 200])
        #expect(atlas.faults.rules == Fixtures.default.faults)
    }

    @Test func matchesOnPrincipal() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await Self.addFault(atlas, #"{"path":"/**","principal":"apiKey:mockowner","errorCode":"UNEXPECTED_ERROR"}"#)
        #expect(await TestSupport.digestResponse(atlas, Self.cluster0)?.head.status.code == 200)
        #expect(
            await TestSupport.digestResponse(atlas, Self.cluster0, user: "mockowner", password: "mock-owner-key-0000")?.head.status.code == 500)
    }

    @Test func percentageZeroIsRejectedAndHundredAlwaysApplies() async throws {
        let atlas = TestSupport.defaultAtlas()
        let rejected = await Self.addFault(atlas, #"{"path":"/**","errorCode":"UNEXPECTED_ERROR","percentage":0}"#)
        #expect(rejected?.head.status.code == 400)
        #expect((TestSupport.json(rejected)["errors"] as? [String]) == ["POST /__admin/faults: $.percentage: 0 is out of range 1...100"])
        _ = await Self.addFault(atlas, #"{"path":"/**","errorCode":"UNEXPECTED_ERROR","percentage":100}"#)
        #expect(await TestSupport.digestResponse(atlas, Self.cluster0)?.head.status.code == 500)
    }

    @Test func dropsTheConnectionAndJournalsIt() async throws {
        let atlas = TestSupport.defaultAtlas()
        let added = await Self.addFault(atlas, #"{"id":"drop","path":"/**","dropConnection":true}"#)
        #expect(TestSupport.text(added) == #"{"faults":[{"dropConnection":true,"id":"drop","path":"/**"}]}"# + "\n")
        let reply = await TestSupport.digest(atlas, .get, Self.cluster0, user: "mockpublic", password: "mock-private-key-0000")
        guard case .dropConnection = reply else {
            Issue.record("expected a dropped connection")
            return
        }
        let last = try #require(atlas.journal.entries.last)
        #expect(last.status == nil && last.fault == "drop")
    }

    @Test(.timeLimit(.minutes(1))) func delaysWithoutBlockingTheCaller() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await Self.addFault(atlas, #"{"path":"/**","delayMs":300}"#)
        let started = Date()
        let response = await TestSupport.digestResponse(atlas, Self.cluster0)
        #expect(response?.head.status.code == 200)
        #expect(Date().timeIntervalSince(started) >= 0.3)

        // `handle` returns long before the delayed reply: the wait is scheduled, not slept on this thread.
        let open = TestSupport.defaultAtlas { $0.authMode = .off }
        _ = await Self.addFault(open, #"{"path":"/**","delayMs":300}"#)
        let replied = Mutex(false)
        let delivered = DispatchSemaphore(value: 0)
        open.handle(TestSupport.request(.get, Self.cluster0, headers: [.accept: Atlas.tenantMediaType])) { _ in
            replied.withLock { $0 = true }
            delivered.signal()
        }
        // Checked against the reply itself rather than a wall-clock bound, which a busy machine can overrun.
        #expect(!replied.withLock { $0 })
        #expect(await Task.detached { delivered.wait(timeout: .now() + 30) }.value == .success)
    }

    @Test func faultsAreListedRemovedOneByOneAndCleared() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await Self.addFault(atlas, #"[{"path":"/a","errorCode":"UNEXPECTED_ERROR"},{"id":"b","path":"/b","delayMs":5,"delayMaxMs":9}]"#)
        let listed = try #require(TestSupport.json(await TestSupport.admin(atlas, .get, "/__admin/faults"))["faults"] as? [[String: Any]])
        #expect(listed.compactMap { $0["id"] as? String } == ["faulty0-unexpected-error", "fault-1", "b"])
        #expect(await Self.addFault(atlas, #"{"id":"b","path":"/c","delayMs":1}"#)?.head.status.code == 409)
        #expect(await TestSupport.admin(atlas, .delete, "/__admin/faults/b")?.head.status.code == 200)
        #expect(await TestSupport.admin(atlas, .delete, "/__admin/faults/b")?.head.status.code == 404)
        #expect(await TestSupport.admin(atlas, .delete, "/__admin/faults")?.head.status.code == 200)
        #expect(atlas.faults.rules.isEmpty)
        #expect(await TestSupport.digestResponse(atlas, Atlas.restores("Faulty0"))?.head.status.code == 200)
    }

    @Test(arguments: [
        ("/api/*/restores", "/api/x/restores", true), ("/api/*/restores", "/api/x/y/restores", false),
        ("/api/**/restores", "/api/x/y/restores", true), ("/api/**", "/api/", true), ("/a?c", "/abc", true),
        ("/a?c", "/a/c", false), ("/exact", "/exact/more", false),
    ])
    func globs(pattern: String, path: String, matches: Bool) {
        #expect(Glob.matches(pattern: pattern, path: path[...]) == matches)
    }
}
