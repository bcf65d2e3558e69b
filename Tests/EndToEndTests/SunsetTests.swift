import AtlasMockTestSupport
import Foundation
import Testing

/// `--enforce-sunset` and `--sunset-date`: the deprecated tenant endpoints answer 410 once the clock passes the
/// sunset, and the clock can be moved across it.
@Suite("Sunset over the wire", .timeLimit(.minutes(1)))
struct SunsetTests {
    private static let goneBody =
        #"{"detail":"Version 2023-01-01 of api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/restores is no longer available.","error":410,"errorCode":"VERSION_GONE","parameters":["2023-01-01","api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/restores"],"reason":"Gone"}"#

    /// The default clock is now, which is after 2026-01-22.
    @Test(arguments: [HTTPProtocol.http1, .http2])
    func enforcedSunsetAnswers410(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock(["--enforce-sunset"]) { server in
            let gone = try await Client.curl(
                protocolChoice, "GET", server.url + Atlas.restores("Cluster0"), Atlas.readOnlyKey + ["--header", Atlas.seedAccept])
            expectAtlasError(gone, status: 410, body: Self.goneBody, deprecated: true)
        }
    }

    @Test(arguments: [HTTPProtocol.http1, .http2])
    func laterSunsetDateServesAgain(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock(["--enforce-sunset", "--sunset-date", "2030-01-01"]) { server in
            let served = try await Client.curl(
                protocolChoice, "GET", server.url + Atlas.restores("Cluster0"), Atlas.readOnlyKey + ["--header", Atlas.seedAccept])
            #expect(served.status == 200, "\(served)")
            #expect(served.header("Sunset") == "Tue, 1 Jan 2030 00:00:00 GMT")
            #expect(served.header("Deprecation") == Atlas.deprecation)
            #expect(try served.json()["totalCount"] as? Int == 6)
        }
    }

    @Test func clockMovedAcrossTheSunset() async throws {
        try await withAtlasMock(["--enforce-sunset", "--clock", "2026-01-21T23:59:00Z", "--freeze-clock"]) { server in
            let list = server.url + Atlas.restores("Cluster0")
            let before = try await tenantGet(list)
            #expect(before.status == 200, "\(before)")

            let clock = try await admin("GET", server.url + "/__admin/clock")
            #expect(clock.body == #"{"frozen":true,"now":"2026-01-21T23:59:00Z"}"# + "\n")
            let moved = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":120}"#)
            #expect(moved.status == 200, "\(moved)")
            #expect(moved.body == #"{"frozen":true,"now":"2026-01-22T00:01:00Z"}"# + "\n")

            let after = try await tenantGet(list)
            expectAtlasError(after, status: 410, body: Self.goneBody, deprecated: true)

            let back = try await admin("PUT", server.url + "/__admin/clock", #"{"now":"2026-01-01T00:00:00Z"}"#)
            #expect(back.body == #"{"frozen":true,"now":"2026-01-01T00:00:00Z"}"# + "\n")
            #expect(try await tenantGet(list).status == 200)

            let invalid = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":"soon"}"#)
            #expect(invalid.status == 400, "\(invalid)")
        }
    }
}
