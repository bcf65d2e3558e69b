import AtlasMockTestSupport
import Foundation
import Testing

/// Fault rules added through `POST /__admin/faults`, as curl sees each kind.
@Suite("Fault injection over the wire", .timeLimit(.minutes(1)))
struct FaultInjectionTests {
    private func listCluster1(_ server: AtlasMockProcess, _ protocolChoice: HTTPProtocol = .http1) async throws
        -> ClientResponse
    {
        try await tenantGet(server.url + Atlas.restores("Cluster1"), protocolChoice)
    }

    @Test(arguments: [HTTPProtocol.http1, .http2])
    func errorFaultAnswersTheCatalogBodyThenExpires(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock { server in
            let added = try await admin(
                "POST", server.url + "/__admin/faults",
                #"{"id":"boom","path":"/api/atlas/v2/groups/*/clusters/Cluster1/**","errorCode":"UNEXPECTED_ERROR","times":1}"#)
            #expect(added.status == 201, "\(added)")
            expectAtlasError(
                try await self.listCluster1(server, protocolChoice), status: 500,
                body: #"{"detail":"Unexpected error.","error":500,"errorCode":"UNEXPECTED_ERROR","parameters":[],"reason":"Internal Server Error"}"#,
                deprecated: false)
            #expect(try await self.listCluster1(server, protocolChoice).status == 200)
            let journal = try await admin("GET", server.url + "/__admin/requests?status=500")
            let entries = try #require(try journal.json()["requests"] as? [[String: Any]])
            #expect(entries.map { $0["fault"] as? String } == ["boom"])
        }
    }

    @Test func rateLimitFaultSendsRetryAfter() async throws {
        try await withAtlasMock { server in
            _ = try await admin(
                "POST", server.url + "/__admin/faults",
                #"{"path":"/api/atlas/v2/groups/*/clusters/Cluster1/**","errorCode":"RATE_LIMITED_TOKEN_BUCKET","retryAfterSeconds":7,"times":1}"#)
            let limited = try await self.listCluster1(server)
            #expect(limited.status == 429, "\(limited)")
            #expect(limited.header("Retry-After") == "7")
            #expect(limited.header("RateLimit-Limit") == "1200")
            #expect(limited.header("RateLimit-Remaining") == "0")
            #expect(limited.header("X-Error-Code") == "RATE_LIMITED_TOKEN_BUCKET")
            let json = try limited.json()
            #expect(json["errorCode"] as? String == "RATE_LIMITED_TOKEN_BUCKET")
            #expect(json["error"] as? Int == 429)
        }
    }

    @Test func droppedConnectionIsAnEmptyReply() async throws {
        try await withAtlasMock { server in
            _ = try await admin(
                "POST", server.url + "/__admin/faults",
                #"{"id":"drop","path":"/api/atlas/v2/groups/*/clusters/Cluster1/**","dropConnection":true,"times":1}"#)
            // A Bearer request goes out on a fresh connection: curl retries a request whose reused connection
            // died, which would hide the drop behind the Digest retry.
            let token = try await Client.serviceAccountToken(server.url)
            let dropped = try await Client.curl(
                .http1, "GET", server.url + Atlas.restores("Cluster1"),
                ["--header", "Authorization: Bearer \(token)", "--header", Atlas.tenantAccept])
            // 52: "Empty reply from server"; 56: the connection was reset while receiving.
            #expect([52, 56].contains(dropped.exitCode), "\(dropped)")
            #expect(dropped.status == 0, "\(dropped)")
            #expect(try await self.listCluster1(server).status == 200)
            let journal = try await admin("GET", server.url + "/__admin/requests?pathPrefix=" + Atlas.restores("Cluster1"))
            let entries = try #require(try journal.json()["requests"] as? [[String: Any]])
            let droppedEntry = try #require(entries.first { $0["fault"] as? String == "drop" }, "\(journal)")
            #expect(droppedEntry["dropped"] as? Bool == true)
            #expect(droppedEntry["status"] == nil)
        }
    }

    /// The delay is observable; only a lower bound is checked, never how fast the rest is.
    @Test func delayFaultHoldsTheAnswer() async throws {
        try await withAtlasMock { server in
            _ = try await admin(
                "POST", server.url + "/__admin/faults",
                #"{"id":"slow","path":"/api/atlas/v2/groups/*/clusters/Cluster1/**","delayMs":300,"times":1}"#)
            let started = Date()
            let delayed = try await self.listCluster1(server)
            #expect(Date().timeIntervalSince(started) >= 0.3)
            #expect(delayed.status == 200, "\(delayed)")
            #expect(try delayed.json()["totalCount"] as? Int == 0)
        }
    }

    @Test func faultsAreListedAndRemoved() async throws {
        try await withAtlasMock { server in
            let listed = try await admin("GET", server.url + "/__admin/faults")
            let rules = try #require(try listed.json()["faults"] as? [[String: Any]])
            #expect(rules.map { $0["id"] as? String } == ["faulty0-unexpected-error"])

            let removed = try await admin("DELETE", server.url + "/__admin/faults/faulty0-unexpected-error")
            #expect(removed.status == 200, "\(removed)")
            let faulty = try await tenantGet(server.url + Atlas.restores("Faulty0"))
            #expect(faulty.status == 200, "\(faulty)")

            let unknown = try await admin("DELETE", server.url + "/__admin/faults/nope")
            #expect(unknown.status == 404)
            #expect(unknown.body == #"{"error":"no fault with id \"nope\""}"# + "\n")

            let invalid = try await admin("POST", server.url + "/__admin/faults", #"{"path":"/x"}"#)
            #expect(invalid.status == 400, "\(invalid)")
        }
    }
}
