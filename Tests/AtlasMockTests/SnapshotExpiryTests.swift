import AtlasMockHTTP
import Foundation
import Testing

@testable import AtlasMock

/// Restores from snapshots past their `expiration`: a listed snapshot still exists in Atlas (it deletes expired
/// ones), so the mock accepts it; a `FAILED` one has no data and is refused.
@Suite struct SnapshotExpiryTests {
    static let tenant = "/api/atlas/v2/groups/\(TestData.projectId)/clusters/Cluster0/backup/tenant"

    static func restore(_ atlas: FakeAtlas, snapshot: String) -> HTTPServerResponse {
        atlas.sendDigest(
            Self.tenant + "/restore", method: .post, user: "owner", password: "owner-secret",
            body: #"{"snapshotId":"\#(snapshot)","targetDeploymentItemName":"Target0"}"#)
    }

    @Test func aListedSnapshotPastItsExpirationIsRestorable() {
        // 65c…01 was scheduled 2026-11-25 and expired 8 days later; the clock stands a year on.
        let atlas = TestData.atlas(jobCount: 0) { $0.clock = .frozen(TestData.date("2027-11-28T12:00:00Z")) }
        #expect(Self.restore(atlas, snapshot: "65c000000000000000000001").head.status == .ok)
    }

    @Test func aFailedSnapshotIsRefused() throws {
        let atlas = TestData.atlas(jobCount: 0) { $0.clock = .frozen(TestData.now) }
        let refused = Self.restore(atlas, snapshot: "65c000000000000000000002")
        #expect(refused.head.status.code == 409)
        #expect(try refused.json()["errorCode"] as? String == "CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT")
    }
}
