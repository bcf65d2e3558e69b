import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import Testing

@testable import AtlasMock

@Suite struct ClockAndSunsetTests {
    @Test func setsFreezesAdvancesAndUnfreezes() async throws {
        let atlas = TestSupport.defaultAtlas()
        let set = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"now":"2026-01-21T23:59:00Z","frozen":true}"#)
        #expect(TestSupport.text(set) == #"{"frozen":true,"now":"2026-01-21T23:59:00Z"}"# + "\n")
        let advanced = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"advanceSeconds":120}"#)
        #expect(TestSupport.text(advanced) == #"{"frozen":true,"now":"2026-01-22T00:01:00Z"}"# + "\n")
        let running = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"frozen":false}"#)
        #expect(TestSupport.json(running)["frozen"] as? Bool == false)
        let now = try #require(AtlasDate.parse(TestSupport.json(running)["now"] as? String ?? ""))
        #expect(abs(now.timeIntervalSince(AtlasDate.parse("2026-01-22T00:01:00Z")!)) < 5)
        let bad = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"now":"yesterday"}"#)
        #expect(bad?.head.status.code == 400)
        #expect(TestSupport.json(bad)["errors"] as? [String] == ["PUT /__admin/clock: $.now: \"yesterday\" is not an RFC 3339 date-time"])
    }

    @Test func crossingTheSunsetTurnsTheTenantListInto410() async throws {
        let atlas = TestSupport.defaultAtlas { $0.deprecation.enforceSunset = true }
        let path = Atlas.restores("Cluster0")
        _ = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"now":"2026-01-21T23:59:59Z","frozen":true}"#)
        #expect(await TestSupport.digestResponse(atlas, path)?.head.status.code == 200)

        _ = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"advanceSeconds":1}"#)
        let gone = try #require(await TestSupport.digestResponse(atlas, path))
        #expect(gone.head.status.code == 410)
        let resource = String(path.dropFirst())
        #expect(
            TestSupport.text(gone)
                == #"{"detail":"Version 2023-01-01 of \#(resource) is no longer available.","error":410,"errorCode":"VERSION_GONE","parameters":["2023-01-01","\#(resource)"],"reason":"Gone"}"#)

        _ = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"advanceSeconds":-1}"#)
        #expect(await TestSupport.digestResponse(atlas, path)?.head.status.code == 200)
        _ = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"now":"2026-03-01T00:00:00Z"}"#)
        #expect(await TestSupport.digestResponse(atlas, path)?.head.status.code == 410)
        _ = await TestSupport.admin(atlas, .post, "/__admin/reset")
        #expect(await TestSupport.digestResponse(atlas, path)?.head.status.code == 410, "the real clock is past the sunset too")
    }
}
