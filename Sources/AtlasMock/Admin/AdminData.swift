import AtlasMockHTTP
import FoundationEssentials

/// `POST /__admin/reset`, `POST /__admin/fixtures`, `GET /__admin/state` and `PUT /__admin/state`.
struct AdminData: Sendable {
    let services: AdminServices

    /// Back to the start: data, fault rules, issued tokens and nonces, rate-limit buckets, the journal and the
    /// clock. The clock goes first so no request sees restored data at a moved time.
    func reset(_ request: AdminRequest) -> HTTPServerResponse {
        let services = self.services
        services.operations.withLock { _ in
            services.clock.set(services.initialClock)
            services.faults.reset()
            services.store.reset()
            services.tokens.removeAll()
            services.nonces.removeAll()
            services.rateLimiter.reset()
            services.journal.removeAll()
        }
        services.dataReplaced()
        return .adminJSON(200, .object(["status": .string("reset")]))
    }

    /// `POST /__admin/fixtures`: validated against the data being served, then added in one step.
    func addFixtures(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let services = self.services
        let added: Fixtures = try services.operations.withLock { _ throws(AdminFailure) in
            try services.store.write { state throws(AdminFailure) in
                let current = Fixtures(dataset: state.dataset, faults: services.faults.rules)
                let merged: Fixtures
                do throws(FixtureErrors) {
                    merged = try FixtureLoader.load(json: request.body, source: "POST /__admin/fixtures", onto: current)
                } catch {
                    throw AdminFailure.rejected(error, what: "fixtures")
                }
                state = AtlasState(merged.dataset)
                services.faults.replace(with: merged.faults)
                return Self.difference(merged, current)
            }
        }
        services.dataReplaced()
        return .adminJSON(200, .object(["added": Self.counts(added)]))
    }

    /// `GET /__admin/state`: everything served, in the fixture format; `PUT /__admin/state` loads it back.
    func dumpState(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let query = try request.query()
        let pretty: Bool
        do throws(AtlasFailure) {
            pretty = try query.bool("pretty", default: false)
        } catch {
            throw AdminFailure.badRequest("pretty must be true or false")
        }
        var dataset = self.services.store.dataset
        // Created jobs are dumped as they stand now, so the dump reloads as plain fixture jobs.
        let now = self.services.clock.now()
        dataset.restoreJobs = dataset.restoreJobs.map { $0.resolved(at: now) }
        let fixtures = Fixtures(dataset: dataset, faults: self.services.faults.rules)
        return .adminJSON(200, fixtures.json, style: pretty ? .pretty : .compact)
    }

    /// `PUT /__admin/state`: replaces all data and fault rules with the body (`{}` empties the fake). A reset
    /// still goes back to the start-up fixtures.
    func replaceState(_ request: AdminRequest) throws(AdminFailure) -> HTTPServerResponse {
        let fixtures: Fixtures
        do throws(FixtureErrors) {
            fixtures = try FixtureLoader.load(json: request.body, source: "PUT /__admin/state")
        } catch {
            throw AdminFailure.rejected(error, what: "state")
        }
        let services = self.services
        services.operations.withLock { _ in
            services.store.replace(with: fixtures.dataset)
            services.faults.replace(with: fixtures.faults)
        }
        services.dataReplaced()
        return .adminJSON(200, .object(["loaded": Self.counts(fixtures)]))
    }

    private static func difference(_ merged: Fixtures, _ base: Fixtures) -> Fixtures {
        var added = Fixtures()
        added.dataset.organizations = Array(merged.dataset.organizations.dropFirst(base.dataset.organizations.count))
        added.dataset.projects = Array(merged.dataset.projects.dropFirst(base.dataset.projects.count))
        added.dataset.clusters = Array(merged.dataset.clusters.dropFirst(base.dataset.clusters.count))
        added.dataset.snapshots = Array(merged.dataset.snapshots.dropFirst(base.dataset.snapshots.count))
        added.dataset.restoreJobs = Array(merged.dataset.restoreJobs.dropFirst(base.dataset.restoreJobs.count))
        added.dataset.apiKeys = Array(merged.dataset.apiKeys.dropFirst(base.dataset.apiKeys.count))
        added.dataset.serviceAccounts = Array(
            merged.dataset.serviceAccounts.dropFirst(base.dataset.serviceAccounts.count))
        added.faults = Array(merged.faults.dropFirst(base.faults.count))
        return added
    }

    private static func counts(_ fixtures: Fixtures) -> JSONValue {
        let dataset = fixtures.dataset
        return .object([
            "organizations": .int(dataset.organizations.count), "projects": .int(dataset.projects.count),
            "clusters": .int(dataset.clusters.count), "tenantSnapshots": .int(dataset.snapshots.count),
            "tenantRestoreJobs": .int(dataset.restoreJobs.count), "apiKeys": .int(dataset.apiKeys.count),
            "serviceAccounts": .int(dataset.serviceAccounts.count), "faults": .int(fixtures.faults.count),
        ])
    }
}
