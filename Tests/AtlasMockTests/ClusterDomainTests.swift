import FoundationEssentials
import Testing

@testable import AtlasMock

/// The clusters domain without a server: lifecycle, snapshot schedule, migration, representations, request bodies.
@Suite struct ClusterDomainTests {
    static let created = AtlasDate.parse("2026-08-10T03:02:59Z")!

    static func flex(_ name: String = "cluster-833", origin: FlexOrigin = .flexAPI, lifecycle: ClusterLifecycle? = nil)
        -> Cluster
    {
        var cluster = Cluster(projectId: "b0123456789abcdef012345b", name: name, kind: .flex(origin: origin))
        cluster.id = "6a793f632c88faeba59ba9d2"
        cluster.createDate = Self.created
        cluster.lifecycle = lifecycle ?? .transition(.creating(throughUpdating: false), started: Self.created, duration: 6)
        cluster.dailySnapshots = true
        return cluster
    }

    static func m0() -> Cluster {
        var record = Self.flex("cluster-251")
        record.kind = .shared(tier: "M0")
        record.tenantInstanceSize = "M0"
        record.projectId = "6a793f6bc0eb9e7a17715892"
        record.id = "6a793f722c88faeba59bba21"
        record.createDate = AtlasDate.parse("2026-08-10T03:03:14Z")!
        record.lifecycle = .transition(.creating(throughUpdating: true), started: record.createDate, duration: 8)
        return record
    }

    static func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.encode(value, style: .compact), as: UTF8.self) }

    // MARK: Lifecycle

    @Test func creationPassesThroughItsStatesOnTheClock() {
        let flex = ClusterLifecycle.transition(.creating(throughUpdating: false), started: Self.created, duration: 6)
        #expect(flex.state(at: Self.created) == .creating)
        #expect(flex.state(at: Self.created.addingTimeInterval(5.9)) == .creating)
        #expect(flex.state(at: Self.created.addingTimeInterval(6)) == .idle)
        let m0 = ClusterLifecycle.transition(.creating(throughUpdating: true), started: Self.created, duration: 8)
        #expect(m0.state(at: Self.created.addingTimeInterval(3)) == .creating)
        #expect(m0.state(at: Self.created.addingTimeInterval(4)) == .updating)
        #expect(m0.state(at: Self.created.addingTimeInterval(8)) == .idle)
        let deleting = ClusterLifecycle.transition(.deleting, started: Self.created, duration: 6)
        #expect(deleting.state(at: Self.created.addingTimeInterval(5)) == .deleting)
        #expect(deleting.state(at: Self.created.addingTimeInterval(6)) == nil)
        let instant = ClusterLifecycle.transition(.updating, started: Self.created, duration: 0)
        #expect(instant.state(at: Self.created) == .idle)
        #expect(ClusterLifecycle.resting(.repairing).state(at: .distantFuture) == .repairing)
    }

    @Test func anUpgradeShowsTheOldClusterThenTheNewIdAndCreateDate() throws {
        var record = Self.m0()
        let requested = record.createDate.addingTimeInterval(100)
        record.lifecycle = .transition(.updating, started: requested, duration: 30)
        record.upgrade = PendingUpgrade(
            kind: .dedicated(tier: "M10"), newId: "6a793f722c88faeba59bbb00", requested: requested,
            dedicated: nil, tags: nil)
        let early = try #require(record.resolved(at: requested.addingTimeInterval(14)))
        #expect(early.id == record.id && early.state(at: requested.addingTimeInterval(14)) == .updating)
        let late = try #require(record.resolved(at: requested.addingTimeInterval(15)))
        #expect(late.id == "6a793f722c88faeba59bbb00" && late.createDate == requested && late.kind == .dedicated(tier: "M10"))
        #expect(late.state(at: requested.addingTimeInterval(15)) == .updating)
        let settled = try #require(record.settled(at: requested.addingTimeInterval(30)))
        #expect(settled.upgrade == nil && settled.lifecycle == .resting(.idle) && settled.id == late.id)
    }

    @Test func transitionTimesParseFromTheFlagAndNameWhatIsWrong() throws {
        let times = try ClusterTransitionTimes(parsing: "flex=5,dedicated=0.5")
        #expect(times == ClusterTransitionTimes(flex: 5, tenant: 8, dedicated: 0.5))
        #expect(ClusterTransitionTimes().description == "flex=6,tenant=8,dedicated=30")
        #expect(throws: ClusterTransitionTimes.ParseError("unknown cluster kind \"m0\" (expected one of flex, tenant, dedicated)")) {
            try ClusterTransitionTimes(parsing: "m0=3")
        }
        #expect(throws: ClusterTransitionTimes.ParseError("\"-1\" is not a number of seconds (0 or more) for flex")) {
            try ClusterTransitionTimes(parsing: "flex=-1")
        }
        #expect(throws: ClusterTransitionTimes.ParseError("\"flex\" is not kind=seconds")) {
            try ClusterTransitionTimes(parsing: "flex")
        }
    }

    // MARK: Snapshots

    @Test func dailySnapshotsStartADayAfterCreationAndKeepTheLastEight() throws {
        let cluster = Self.flex()
        #expect(DailySnapshotSchedule.snapshots(of: cluster, at: Self.created.addingTimeInterval(86_399)).isEmpty)
        let day1 = DailySnapshotSchedule.snapshots(of: cluster, at: Self.created.addingTimeInterval(25 * 3600))
        #expect(day1.count == 1)
        #expect(day1[0].scheduledTime == Self.created.addingTimeInterval(86_400))
        #expect(day1[0].startTime == day1[0].scheduledTime && day1[0].status == .completed)
        #expect(day1[0].finishTime == Self.created.addingTimeInterval(86_400 + 150))
        let now = Self.created.addingTimeInterval((11 * 24 + 1) * 3600)
        let day11 = DailySnapshotSchedule.snapshots(of: cluster, at: now)
        #expect(day11.map(\.scheduledTime) == (4...11).map { Self.created.addingTimeInterval(Double($0) * 86_400) })
        #expect(day11.allSatisfy { $0.status == .completed && $0.expiration == $0.scheduledTime!.addingTimeInterval(8 * 86_400) })
        #expect(day11.allSatisfy { Identifiers.isObjectID($0.id) })
        #expect(day11.map(\.id) == day11.map(\.id).sorted(), "ids sort oldest first")
        #expect(DailySnapshotSchedule.snapshots(of: cluster, at: now).map(\.id) == day11.map(\.id), "ids are stable")
        #expect(day11[0].id.hasPrefix(UInt32(Int(day11[0].scheduledTime!.timeIntervalSince1970)).zeroPadded(8, radix: 16)))
    }

    @Test func theNewestSnapshotRunsUntilItsFinishTime() {
        let cluster = Self.flex()
        let snapshots = DailySnapshotSchedule.snapshots(of: cluster, at: Self.created.addingTimeInterval(86_400 + 60))
        #expect(snapshots.map(\.status) == [.running])
        #expect(snapshots[0].finishTime == nil)
    }

    @Test func onlyFlexAndM2M5ClustersAreSnapshottedDaily() {
        let later = Self.m0().createDate.addingTimeInterval(3 * 86_400)
        #expect(DailySnapshotSchedule.snapshots(of: Self.m0(), at: later).isEmpty)
        var m5 = Self.m0()
        m5.kind = .shared(tier: "M5")
        #expect(DailySnapshotSchedule.snapshots(of: m5, at: later).count == 3)
        var dedicated = Self.m0()
        dedicated.kind = .dedicated(tier: "M10")
        #expect(DailySnapshotSchedule.snapshots(of: dedicated, at: later).isEmpty)
    }

    // MARK: Migration

    @Test func theMigrationTurnsM2AndM5IntoFlexKeepingIdentity() throws {
        var m2 = Self.m0()
        m2.kind = .shared(tier: "M2")
        m2.tenantInstanceSize = "M2"
        let migrated = SharedTierMigration.migrate(m2)
        #expect(migrated.kind == .flex(origin: .migratedFromShared))
        #expect(migrated.id == m2.id && migrated.name == m2.name && migrated.createDate == m2.createDate)
        #expect(migrated.tenantInstanceSize == "M2")
        #expect(SharedTierMigration.migrate(Self.m0()) == Self.m0())
        #expect(SharedTierMigration(parsing: "off") == .off)
        #expect(SharedTierMigration(parsing: "2025-04-02") == .at(AtlasDate.parse("2025-04-02T00:00:00Z")!))
        #expect(SharedTierMigration(parsing: "2025-04-02T12:00:00Z")?.isDue(at: AtlasDate.parse("2025-04-02T12:00:00Z")!) == true)
        #expect(SharedTierMigration(parsing: "2025-02-30") == nil)
        #expect(SharedTierMigration(parsing: "soon") == nil)
    }

    // MARK: Representations

    @Test func flexJSONIsTheRecordedBodyOnCreateAndOnceIdle() {
        let cluster = Self.flex()
        let srv = ClusterConnectionStrings.standardSrv(of: cluster)
        #expect(srv.hasPrefix("mongodb+srv://cluster-833.") && srv.hasSuffix(".mongodb.net"))
        let created = Self.text(FlexClusterRepresentation.json(cluster, at: Self.created, omitTags: true))
        #expect(
            created
                == #"{"backupSettings":{"enabled":true},"clusterType":"REPLICASET","connectionStrings":{"standardSrv":"\#(srv)"},"createDate":"2026-08-10T03:02:59Z","groupId":"b0123456789abcdef012345b","id":"6a793f632c88faeba59ba9d2","mongoDBVersion":"8.0.29","name":"cluster-833","providerSettings":{"backingProviderName":"AWS","diskSizeGB":5.0,"providerName":"FLEX","regionName":"US_EAST_1"},"stateName":"CREATING","terminationProtectionEnabled":false,"versionReleaseSystem":"LTS"}"#)
        let standard = ClusterConnectionStrings.standard(of: cluster)
        #expect(standard.wholeMatch(of: /mongodb:\/\/ac-[a-z0-9]{7}-shard-00-00\.[a-z0-9]{5}\.mongodb\.net:27017,ac-[a-z0-9]{7}-shard-00-01\.[a-z0-9]{5}\.mongodb\.net:27017,ac-[a-z0-9]{7}-shard-00-02\.[a-z0-9]{5}\.mongodb\.net:27017\/\?ssl=true&authSource=admin&replicaSet=atlas-[a-z0-9]{6}-shard-0/) != nil)
        let idle = Self.text(FlexClusterRepresentation.json(cluster, at: Self.created.addingTimeInterval(8)))
        #expect(
            idle
                == #"{"backupSettings":{"enabled":true},"clusterType":"REPLICASET","connectionStrings":{"standard":"\#(standard)","standardSrv":"\#(srv)"},"createDate":"2026-08-10T03:02:59Z","groupId":"b0123456789abcdef012345b","id":"6a793f632c88faeba59ba9d2","mongoDBVersion":"8.0.29","name":"cluster-833","providerSettings":{"backingProviderName":"AWS","diskSizeGB":5.0,"providerName":"FLEX","regionName":"US_EAST_1"},"stateName":"IDLE","tags":[],"terminationProtectionEnabled":false,"versionReleaseSystem":"LTS"}"#)
    }

    @Test func anM0IsTheRecordedTenantBodyIn20230201() {
        let cluster = Self.m0()
        let base = "http://localhost:8080/api/atlas/v2/groups/6a793f6bc0eb9e7a17715892"
        let srv = ClusterConnectionStrings.standardSrv(of: cluster)
        let specId = DerivedID.make(from: cluster.id, salt: "replicationSpec")
        let zoneId = DerivedID.make(from: cluster.id, salt: "zone")
        let body = Self.text(
            ClusterRepresentation.json(
                cluster, view: .advanced, at: cluster.createDate, baseURL: "http://localhost:8080", omitTags: true))
        #expect(
            body
                == #"{"backupEnabled":false,"biConnector":{"enabled":false,"readPreference":"secondary"},"clusterType":"REPLICASET","connectionStrings":{"standardSrv":"\#(srv)"},"createDate":"2026-08-10T03:03:14Z","diskSizeGB":0.5,"diskWarmingMode":"FULLY_WARMED","encryptionAtRestProvider":"NONE","globalClusterSelfManagedSharding":false,"groupId":"6a793f6bc0eb9e7a17715892","id":"6a793f722c88faeba59bba21","labels":[],"links":[{"href":"\#(base)/clusters/cluster-251","rel":"self"},{"href":"\#(base)/clusters/cluster-251/backup/restoreJobs","rel":"https://cloud.mongodb.com/restoreJobs"},{"href":"\#(base)/clusters/cluster-251/backup/snapshots","rel":"https://cloud.mongodb.com/snapshots"}],"mongoDBMajorVersion":"8.0","mongoDBVersion":"8.0.29","name":"cluster-251","paused":false,"pitEnabled":false,"replicationSpecs":[{"id":"\#(specId)","numShards":1,"regionConfigs":[{"electableSpecs":{"effectiveInstanceSize":"M0","instanceSize":"M0"},"backingProviderName":"AWS","priority":7,"providerName":"TENANT","regionName":"US_EAST_1"}],"zoneId":"\#(zoneId)","zoneName":"Zone 1"}],"rootCertType":"ISRGROOTX1","stateName":"CREATING","terminationProtectionEnabled":false,"versionReleaseSystem":"LTS"}"#)
        #expect(Identifiers.isObjectID(specId) && specId.hasPrefix("6a793f72") && specId != zoneId)
    }

    @Test func the2024ViewAddsWhatAtlasAddsWithAnExplicitNullFirst() throws {
        let cluster = Self.m0()
        let idle = cluster.createDate.addingTimeInterval(8)
        let body = Self.text(ClusterRepresentation.json(cluster, view: .current, at: idle, baseURL: "http://h"))
        #expect(body.hasPrefix(#"{"adaptiveCapacity":null,"backupEnabled":false,"#))
        #expect(body.contains(#""effectiveDatabaseEdition":"CORE","effectiveReplicationSpecs":[{"id":"#))
        #expect(body.contains(#""electableSpecs":{"effectiveInstanceSize":"M0","instanceSize":"M0","diskSizeGB":0.5},"backingProviderName":"AWS","priority":7,"providerName":"TENANT","regionName":"US_EAST_1"}"#))
        #expect(body.contains(#""featureCompatibilityVersion":"8.0","globalClusterSelfManagedSharding":false,"#))
        #expect(body.contains(#""internalClusterRole":"NONE","#) && body.contains(#""redactClientLogData":false,"#))
        #expect(body.contains(#""retainBackups":false,"rootCertType":"ISRGROOTX1","stateName":"IDLE","tags":[],"#))
        #expect(body.contains(#""useAwsTimeBasedSnapshotCopyForFastInitialSync":false,"versionReleaseSystem":"LTS"}"#))
        #expect(!body.contains("numShards") && !body.contains(#""diskSizeGB":0.5,"diskWarmingMode""#))
        #expect(body.contains(#""connectionStrings":{"standard":"mongodb://"#))
    }

    @Test func theLegacyViewHasTenantProviderSettingsInTheirOwnOrderWithNulls() {
        let cluster = Self.m0()
        let body = Self.text(
            ClusterRepresentation.json(cluster, view: .legacy, at: cluster.createDate.addingTimeInterval(8), baseURL: "http://h"))
        #expect(body.contains(#""providerSettings":{"providerName":"TENANT","autoScaling":{"compute":{"maxInstanceSize":null,"minInstanceSize":null}},"backingProviderName":"AWS","effectiveInstanceSizeName":"M0","instanceSizeName":"M0","regionName":"US_EAST_1"}"#))
        #expect(body.contains(#""numShards":1,"#) && body.contains(#""replicationFactor":3,"#))
        #expect(body.contains(#""replicationSpec":{"US_EAST_1":{"analyticsNodes":0,"electableNodes":3,"priority":7,"readOnlyNodes":0}}"#))
        #expect(body.contains(#""srvAddress":"mongodb+srv://cluster-251."#) && body.contains(#""mongoURI":"mongodb://ac-"#))
    }

    @Test func aFlexClusterMadeByCreateClusterIsTenantFormThroughTheClustersAPI() {
        let cluster = Self.flex("m2-cluster", origin: .createCluster)
        let body = Self.text(ClusterRepresentation.json(cluster, view: .current, at: Self.created, baseURL: "http://h"))
        #expect(body.contains(#""backupEnabled":true,"#))
        #expect(body.contains(#""electableSpecs":{"effectiveInstanceSize":"FLEX","instanceSize":"M2","diskSizeGB":2.0},"backingProviderName":"AWS","priority":7,"providerName":"TENANT""#))
    }

    @Test func groupJSONHasSevenLinksWhenSingleAndOnlySelfInLists() {
        let created = AtlasDate.parse("2026-08-10T03:02:58Z")!
        func group(_ form: GroupRepresentation.Form, tags: [ResourceTag] = []) -> String {
            Self.text(
                GroupRepresentation.json(
                    id: "6a793f60c0eb9e7a17714c68", name: "AutogeneratedCommands-e2e-424", orgId: "a0123456789abcdef012345a",
                    created: created, tags: tags, clusterCount: 0, baseURL: "http://localhost:8080", form: form))
        }
        let base = "http://localhost:8080/api/atlas/v2/groups/6a793f60c0eb9e7a17714c68"
        #expect(
            group(.created(tagsSent: false))
                == #"{"clusterCount":0,"created":"2026-08-10T03:02:58Z","id":"6a793f60c0eb9e7a17714c68","links":[{"href":"\#(base)","rel":"self"},{"href":"\#(base)/containers","rel":"https://cloud.mongodb.com/containers"},{"href":"\#(base)/clusters","rel":"https://cloud.mongodb.com/clusters"},{"href":"\#(base)/databaseUsers","rel":"https://cloud.mongodb.com/databaseUsers"},{"href":"\#(base)/peers","rel":"https://cloud.mongodb.com/peers"},{"href":"\#(base)/processes","rel":"https://cloud.mongodb.com/processes"},{"href":"\#(base)/whitelist","rel":"https://cloud.mongodb.com/whitelist"}],"name":"AutogeneratedCommands-e2e-424","orgId":"a0123456789abcdef012345a","withDefaultAlertsSettings":true}"#)
        #expect(group(.listItem).contains(#""links":[{"href":"\#(base)","rel":"self"}],"name""#))
        #expect(group(.listItem).contains(#""tags":[],"#))
        #expect(group(.single, tags: [ResourceTag(key: "env", value: "e2e")]).contains(#""tags":[{"key":"env","value":"e2e"}],"#))
    }
}
